import { HISTORY_EVENTS } from '../../src/accounts/events.ts';
import { historyView } from '../../src/flows/admin/history-view.ts';
import { translator } from '../../src/i18n/index.ts';

/** Every event an account's history can hold reads as a sentence in both languages, with who made it and what else it says. */
describe("the console's account history", () => {
  const AT = 1_760_000_000;

  test.each(['nl', 'en'] as const)('every event has its words in %s', (locale) => {
    const lines = historyView(
      translator(locale),
      HISTORY_EVENTS.map((event) => ({ at: AT, event, via: 'self' })),
    );
    expect(lines).toHaveLength(HISTORY_EVENTS.length);
    for (const [i, line] of lines.entries()) expect([HISTORY_EVENTS[i], line]).toEqual([HISTORY_EVENTS[i], expect.not.stringMatching(/admin\.|\{|undefined/)]);
  });

  test('who and how: a staff member with the identity check and the applications told; the CLI, SCIM and the job by name', () => {
    const t = translator('en');
    expect(
      historyView(t, [
        {
          at: AT,
          event: 'account.mfa_reset',
          via: 'console',
          by: 'staff-id',
          byEmail: 'desk@cbs.nl',
          identityCheck: 'called back on the number in HR',
          applications: ['portal', 'viewer'],
        },
        { at: AT, event: 'account.role_granted', via: 'cli', by: 'root', role: 'admin' },
        { at: AT, event: 'account.updated', via: 'scim', by: 'provisioner', changed: ['email', 'endDate'], endDate: null },
        { at: AT, event: 'account.ended', via: 'job', by: 'account-end', endDate: '2026-06-30' },
        { at: AT, event: 'logout.success', via: 'self', application: 'portal', everywhere: false },
      ]),
    ).toEqual([
      expect.stringMatching(/: second factor reset, by desk@cbs\.nl; identity checked: called back on the number in HR; logged out of: portal, viewer$/),
      expect.stringMatching(/: role granted, at the server \(npx idp\), by root; role: admin$/),
      expect.stringMatching(/: details changed, by the administration system \(SCIM, provisioner\); changed: email, endDate; end date removed$/),
      expect.stringMatching(/: disabled because its end date passed, automatically \(account-end\); end date: 30 June 2026$/),
      expect.stringMatching(/: logged out, by the user; asked for by portal; of that application only$/),
    ]);
  });
});
