import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { REDIS_URL } from '../support/redis-keys.ts';
import { confirmInConsole, seedStaff, signInToConsole } from '../support/staff.ts';
import { scimClient } from '../support/scim-client.ts';
import { text } from '../support/journey.ts';
import { CBS_EXTENSION, PATCH_SCHEMA } from '../../src/scim/schema.ts';
import { accountCommands } from '../../src/cli/accounts.ts';

type Line = Record<string, unknown>;

/** What an event says about the change, apart from the account it is about, who made it and the logger's own fields. */
const change = ({
  accountId: _a,
  via: _v,
  by: _b,
  byEmail: _e,
  time: _t,
  pid: _p,
  hostname: _h,
  level: _l,
  msg: _m,
  audit: _x,
  service: _s,
  at: _at,
  ...rest
}: Line) => rest;
const auditLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line)
    .filter((l) => l.audit === true);

/**
 * The same change makes the same event, whoever makes it: `npx idp accounts …`
 * (a real process on the service's own store) and the helpdesk console (or,
 * for an end date, SCIM), in the log and in the account's stored history.
 */
describeOnEveryStore('CLI and console audit alike', (store) => {
  let idp: TestIdp;
  const lines: Line[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)) as Line);
        done();
      },
    });
    idp = await bootIdp({ store, deps: { log: pino({ level: 'info' }, sink) } });
  });
  afterAll(() => idp.close());

  /** The CLI as an operator runs it, on this test's store. */
  const cli = (...args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      const { dataDir, redisPrefix } = idp.app.services.config;
      const env = { ...process.env, DATA_DIR: dataDir, REDIS_URL: store === 'redis' ? REDIS_URL : '', REDIS_PREFIX: redisPrefix, LOG_LEVEL: 'info' };
      execFile(process.execPath, ['bin/idp.js', ...args], { env }, (error, out, err) => resolve({ code: error ? (error.code as number) : 0, out, err }));
    });
  const accountId = async (email: string) => (await idp.app.services.accounts.findByEmail(email))!.id;

  test('create, disable, enable, reset-mfa and set-expiry write the events the console (and SCIM) write for the same change', async () => {
    const [byCli, byConsole] = [`cli-twin-${store}@example.org`, `console-twin-${store}@example.org`];
    const staffEmail = `twin-desk-${store}@example.org`;
    const { secret } = await seedStaff(idp, staffEmail, ['helpdesk']);
    const staffId = await accountId(staffEmail);

    const cliEvents: Line[] = [];
    for (const args of [
      ['create', '--email', byCli, '--name', 'Tweeling Cli'],
      ['disable', '--email', byCli],
      ['enable', '--email', byCli],
      ['reset-mfa', '--email', byCli, '--identity-check', 'Called back on the number in our records'],
      ['set-expiry', '--email', byCli, '--expires', '2099-12-31'],
    ]) {
      const run = await cli('accounts', ...args);
      expect([args[0], run.code]).toEqual([args[0], 0]);
      cliEvents.push(...auditLines(run.err));
    }

    const { browser } = await signInToConsole(idp, staffEmail, secret, -1);
    const form = await confirmInConsole(browser, await browser.get('/admin/accounts/new'), secret, 0);
    lines.length = 0;
    expect((await browser.submit(form, '/admin/accounts', { email: byConsole, name: 'Tweeling Console', locale: 'nl' })).status).toBe(303);
    const id = await accountId(byConsole);
    const page = () => browser.get(`/admin/accounts/${id}`);
    expect(text(await browser.submit(await page(), '/disable', {}))).toContain('Het account is geblokkeerd');
    expect(text(await browser.submit(await page(), '/enable', {}))).toContain('Het account is gedeblokkeerd');
    const resetForm = await browser.get(`/admin/accounts/${id}/reset-mfa`);
    expect((await browser.submit(resetForm, '/reset-mfa', { identity_check: 'Called back on the number in our records' })).status).toBe(200);
    const scim = await scimClient(idp);
    const endDate = await scim('PATCH', `/Users/${id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: `${CBS_EXTENSION}:endDate`, value: '2099-12-31' }],
    });
    expect(endDate.status).toBe(200);
    const consoleEvents = lines.filter((l) => l.audit === true && l.accountId === id);

    // In the log: the same events, with the same facts, in the same order; each naming who made it.
    const expected = [
      { event: 'account.created' },
      { event: 'account.disabled' },
      { event: 'account.enabled' },
      { event: 'account.mfa_reset', identityCheck: 'Called back on the number in our records' },
      { event: 'account.updated', changed: ['endDate'], endDate: '2099-12-31' },
    ];
    expect(cliEvents.map(change)).toEqual(expected);
    expect(consoleEvents.map(change)).toEqual(expected);
    const cliId = await accountId(byCli);
    expect(cliEvents.every((e) => e.accountId === cliId && e.via === 'cli' && e.by === userInfo().username)).toBe(true);
    expect(consoleEvents.slice(0, 4).every((e) => e.via === 'console' && e.by === staffId && e.byEmail === staffEmail)).toBe(true);
    expect(consoleEvents[4]).toMatchObject({ via: 'scim', by: 'provisioner' });

    // In the store: the account's history holds the same, newest first, with when and who.
    const [cliHistory, consoleHistory] = [await idp.app.services.audit.history(cliId), await idp.app.services.audit.history(id)];
    expect(cliHistory.map(change)).toEqual([...expected].reverse());
    expect(consoleHistory.map(change)).toEqual([...expected].reverse());
    expect(cliHistory.every((e) => e.via === 'cli' && e.by === userInfo().username && typeof e.at === 'number')).toBe(true);
    expect(consoleHistory.slice(1).every((e) => e.via === 'console' && e.byEmail === staffEmail)).toBe(true);
  }, 180_000);

  test("accounts history prints the account's history, newest first, as lines and as JSON; the console shows the same", async () => {
    const email = `history-${store}@example.org`;
    // The commands' own code, in this process (the test above runs them as processes).
    await accountCommands(idp.app.services, 'create', { email, name: 'Hanna Historie', expires: '2099-06-30' });
    await accountCommands(idp.app.services, 'grant-role', { email, role: 'helpdesk' });
    await accountCommands(idp.app.services, 'reset-mfa', { email, 'identity-check': 'saw her at the desk' });

    const printed = await cli('accounts', 'history', '--email', email);
    expect(printed.code).toBe(0);
    const rows = printed.out.trim().split('\n');
    expect(rows.slice(0, 3).map((r) => r.split('\t')[1])).toEqual(['account.mfa_reset', 'account.role_granted', 'account.created']);
    expect(rows[0]).toMatch(
      new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\taccount\\.mfa_reset\\tcli ${userInfo().username}\\tidentityCheck=saw her at the desk$`),
    );
    expect(rows[1]).toContain('\trole=helpdesk');
    expect(rows[2]).toContain('\tendDate=2099-06-30');
    expect(rows[3]).toBe('(3 events, newest first)');

    const json = await cli('accounts', 'history', '--email', email, '--json');
    const entries = JSON.parse(json.out) as Line[];
    expect(entries.map((e) => e.event)).toEqual(['account.mfa_reset', 'account.role_granted', 'account.created']);
    expect(entries[0]).toMatchObject({ via: 'cli', by: userInfo().username, identityCheck: 'saw her at the desk', at: expect.stringMatching(/Z$/) });

    const admin = `history-admin-${store}@example.org`;
    const { secret } = await seedStaff(idp, admin, ['admin']);
    const { browser } = await signInToConsole(idp, admin, secret, -1);
    const shown = text(await browser.get(`/admin/accounts/${await accountId(email)}`));
    expect(shown).toContain('Geschiedenis');
    expect(shown).toMatch(
      new RegExp(`tweede factor gereset, op de server \\(npx idp\\), door ${userInfo().username}; identiteit gecontroleerd: saw her at the desk`),
    );
    expect(shown).toContain('rol gegeven');
    expect(shown).toContain('rol: helpdesk');
    expect(shown).toContain('einddatum: 30 juni 2099');
    expect(shown.indexOf('tweede factor gereset')).toBeLessThan(shown.indexOf('account aangemaakt'));

    const blank = await cli('accounts', 'reset-mfa', '--email', email, '--identity-check', '   ');
    expect([blank.code, blank.err]).toEqual([2, expect.stringContaining('--identity-check must say how')]);
    expect((await idp.app.services.audit.history(await accountId(email))).length).toBe(3);
  }, 180_000);
});
