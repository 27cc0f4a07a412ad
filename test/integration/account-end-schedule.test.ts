import { describeOnEveryStore, bootIdp, type TestIdp } from '../support/test-idp.ts';
import { accountCommands } from '../../src/cli/accounts.ts';
import { useClock } from '../../src/clock.ts';
import { msg } from '../support/messages.ts';

const DAY = 24 * 3600 * 1000;
const date = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString().slice(0, 10);

/**
 * The account-end job reads the store's schedule of end checks, which follows every
 * change of an end date and of the account: moved, cleared, disabled and enabled again.
 */
describeOnEveryStore('the end-date schedule', (store) => {
  let idp: TestIdp;
  let restoreClock: (() => void) | undefined;
  beforeAll(async () => {
    idp = await bootIdp({ store });
  });
  afterEach(() => restoreClock?.());
  afterAll(() => idp.close());

  const at = (msFromNow: number) => {
    restoreClock?.();
    const now = Date.now() + msFromNow;
    restoreClock = useClock({ nowMs: () => now });
  };
  const cli = (command: string, o: Record<string, string>) => accountCommands(idp.app.services, command, o);
  const reminded = (email: string) => idp.smtp.to(email).filter((m) => m.subject === msg('mail.end.subject')).length;

  test('a moved end date moves the reminder and the end; a cleared one ends nothing; a disabled account is reminded of nothing until enabled again', async () => {
    const address = (n: string) => `${n}-${store}@example.org`;
    const [moved, cleared, paused] = [address('moved'), address('cleared'), address('paused')];
    for (const email of [moved, cleared, paused]) await cli('create', { email, name: 'Ending Soon', expires: date(30 * DAY) });
    await cli('set-expiry', { email: moved, expires: date(60 * DAY) });
    await cli('set-expiry', { email: cleared, expires: 'none' });
    await cli('disable', { email: paused });

    at(20 * DAY);
    await idp.app.accountEnd.runOnce();
    expect([moved, cleared, paused].map(reminded)).toEqual([0, 0, 0]);

    await cli('enable', { email: paused });
    await idp.app.accountEnd.runOnce();
    await idp.smtp.next(paused);
    expect(reminded(paused)).toBe(1);

    at(50 * DAY);
    await idp.app.accountEnd.runOnce();
    await idp.smtp.next(moved);
    expect([reminded(moved), reminded(cleared)]).toEqual([1, 0]);
    const account = async (email: string) => (await idp.app.services.accounts.findByEmail(email))!;
    expect((await account(paused)).disabled).toBe(true);
    expect((await account(moved)).disabled).toBe(false);

    at(62 * DAY);
    await idp.app.accountEnd.runOnce();
    expect((await account(moved)).disabled).toBe(true);
    expect((await account(cleared)).disabled).toBe(false);
    expect(await idp.app.services.accounts.endChecksDue(Math.floor((Date.now() + 400 * DAY) / 1000), 0, 100)).toEqual([]);
  });
});
