import type { HistoryEntry } from '../../../adapters/types.ts';
import type { MessageKey, Translate } from '../../i18n/index.ts';
import { dayOf } from '../../i18n/format.ts';

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);

/** Who made the change, by how they came: the staff member's address, the holder, a sign-in, the CLI's user, the SCIM client, a job. */
function who(t: Translate, e: HistoryEntry): string {
  const by = text(e.by);
  switch (e.via) {
    case 'console':
      return t('admin.history.by_staff', { email: text(e.byEmail) });
    case 'self':
      return t('admin.history.by_holder');
    case 'sign-in':
      return t('admin.history.at_sign_in');
    case 'cli':
      return t('admin.history.by_cli', { by });
    case 'scim':
      return t('admin.history.by_scim', { by });
    default:
      return t('admin.history.by_job', { by });
  }
}

/** What else the event says: how the caller's identity was checked, the role, the fields changed, the end date, which applications the account was signed out of, which application asked for a sign-out. */
function details(t: Translate, e: HistoryEntry): string[] {
  const said: string[] = [];
  if (text(e.identityCheck)) said.push(t('admin.history.identity_check', { check: text(e.identityCheck) }));
  if (text(e.role)) said.push(t('admin.history.role', { role: t(`admin.role.${text(e.role)}` as MessageKey) }));
  if (list(e.changed).length) said.push(t('admin.history.changed', { fields: list(e.changed).join(', ') }));
  if ('endDate' in e) said.push(text(e.endDate) ? t('admin.history.end_date', { date: dayOf(text(e.endDate)) }) : t('admin.history.no_end_date'));
  if (list(e.applications).length) said.push(t('admin.history.applications', { applications: list(e.applications).join(', ') }));
  if (text(e.application)) said.push(t('admin.history.asked_by', { application: text(e.application) }));
  if (typeof e.everywhere === 'boolean') said.push(t(e.everywhere ? 'admin.history.everywhere' : 'admin.history.that_application'));
  return said;
}

/** The account's history (the audit events kept in the store), newest first, each as one line of the console's account page. */
export const historyView = (t: Translate, entries: HistoryEntry[]) =>
  entries.map((e) =>
    [
      t('admin.history.item', { at: new Date(e.at * 1000), what: t(`admin.event.${e.event.replace('.', '_')}` as MessageKey), who: who(t, e) }),
      ...details(t, e),
    ].join('; '),
  );
