import { Browser } from '../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { text } from '../support/journey.ts';
import { msg } from '../support/messages.ts';

/**
 * "Request password" mails bounded by what bombing and spraying do, not by
 * how many people share an address: a room of researchers behind one NAT all
 * get their mail; a sprayer of addresses that are no account is cut off; one
 * mailbox gets at most its quota, however many ask and from wherever.
 */
describeOnEveryStore('password mail limits', (store) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({ store, env: { TRUST_PROXY: 'true' } });
  });
  afterAll(() => idp.close());

  const ask = async (ip: string, username: string) => {
    const browser = new Browser(idp.issuer, { 'x-forwarded-for': ip });
    return browser.submit(await browser.get('/password/request'), '/password/request', { username });
  };
  const neutral = (page: { status: number; html: string }) => page.status === 200 && text(page as never).includes(msg('request.sent'));
  const mailsTo = async (email: string) => {
    await idp.app.settled();
    return idp.smtp.to(email).length;
  };

  test('a classroom behind one address: 40 researchers ask at once, and every one gets a mail', async () => {
    const room = Array.from({ length: 40 }, (_, i) => `student-${i}-${store}@uni.example`);
    for (const email of room) await idp.createAccount(email);
    const answers = await Promise.all(room.map((email) => ask('192.0.2.40', email)));
    expect(answers.filter(neutral)).toHaveLength(40);
    await idp.app.settled();
    expect(room.filter((email) => idp.smtp.to(email).length !== 1)).toEqual([]);
  });

  test('a sprayer of addresses that are no account is cut off: from then on its address gets no mail sent, the answer unchanged', async () => {
    const sprayer = '203.0.113.91';
    const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => ask(sprayer, `guess-${i}-${store}@cbs.example`)));
    expect(answers.filter(neutral)).toHaveLength(25);
    await idp.app.settled();
    const victim = `sprayed-${store}@example.org`;
    await idp.createAccount(victim);
    expect(neutral(await ask(sprayer, victim))).toBe(true);
    expect(await mailsTo(victim)).toBe(0);
    // The owner, from anywhere else, still gets their mail.
    expect(neutral(await ask('198.51.100.12', victim))).toBe(true);
    expect(await mailsTo(victim)).toBe(1);
  });

  test('one address gets at most its quota: 3 per requesting address, 5 in all, whoever asks in parallel', async () => {
    const email = `bombed-${store}@example.org`;
    await idp.createAccount(email);
    const fromOne = await Promise.all(Array.from({ length: 10 }, () => ask('203.0.113.50', email)));
    expect(fromOne.filter(neutral)).toHaveLength(10);
    expect(await mailsTo(email)).toBe(3);
    const fromMany = await Promise.all(Array.from({ length: 12 }, (_, i) => ask(`198.51.100.${100 + i}`, email)));
    expect(fromMany.filter(neutral)).toHaveLength(12);
    expect(await mailsTo(email)).toBe(5);
  });
});

describeOnEveryStore('password mail limits, configured', (store) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({
      store,
      env: { TRUST_PROXY: 'true', RESET_MAILS_PER_ADDRESS: '2', RESET_ADDRESSES_PER_IP: '4', RESET_UNKNOWN_ADDRESSES_PER_IP: '1' },
    });
  });
  afterAll(() => idp.close());

  const ask = async (ip: string, username: string) => {
    const browser = new Browser(idp.issuer, { 'x-forwarded-for': ip });
    return browser.submit(await browser.get('/password/request'), '/password/request', { username });
  };

  test('the numbers come from the environment: addresses per requester (then 429), unknown addresses, mails per address', async () => {
    const many = Array.from({ length: 5 }, (_, i) => `configured-${i}-${store}@example.org`);
    for (const email of many) await idp.createAccount(email);
    // Four different addresses, one of them twice (no new address), then a fifth: 429, and from then on everything from there.
    const statuses = [];
    for (const email of [...many.slice(0, 4), many[0]!, many[4]!, many[0]!]) statuses.push((await ask('192.0.2.77', email)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);

    const email = many[4]!;
    for (let i = 0; i < 4; i++) await ask(`198.51.100.${20 + i}`, email);
    await idp.app.settled();
    expect(idp.smtp.to(email)).toHaveLength(2);

    await ask('203.0.113.7', `nobody-1-${store}@example.org`);
    await ask('203.0.113.7', `nobody-2-${store}@example.org`);
    await idp.app.settled();
    // Two addresses that are no account, against a limit of one: a real account asked for from there gets no mail.
    await ask('203.0.113.7', many[1]!);
    await idp.app.settled();
    expect(idp.smtp.to(many[1]!)).toHaveLength(1);
  });
});
