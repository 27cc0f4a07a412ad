import type { DatabaseSync } from 'node:sqlite';
import type { UpstreamLink, UpstreamLinkStore } from '../types.ts';

/**
 * One row per linked pair: the primary key makes a pair one account's, the
 * account_id index answers "this account's links". Issuer and subject are
 * compared exactly (an identifier is case-sensitive).
 */
const schema = `
CREATE TABLE IF NOT EXISTS upstream_links (
  issuer       TEXT NOT NULL,
  subject      TEXT NOT NULL,
  account_id   TEXT NOT NULL,
  provider     TEXT NOT NULL,
  via          TEXT NOT NULL,
  label        TEXT NOT NULL,
  linked_at    INTEGER NOT NULL,
  last_used_at INTEGER,
  PRIMARY KEY (issuer, subject)
) STRICT;
CREATE INDEX IF NOT EXISTS upstream_links_account ON upstream_links (account_id, linked_at);
`;

interface Row {
  issuer: string;
  subject: string;
  account_id: string;
  provider: string;
  via: string;
  label: string;
  linked_at: number;
  last_used_at: number | null;
}

const linkOf = (row: Row): UpstreamLink => ({
  issuer: row.issuer,
  subject: row.subject,
  accountId: row.account_id,
  provider: row.provider,
  via: row.via as UpstreamLink['via'],
  label: JSON.parse(row.label) as Record<string, string>,
  linkedAt: row.linked_at,
  ...(row.last_used_at === null ? {} : { lastUsedAt: row.last_used_at }),
});

export function sqliteUpstreamLinks(db: DatabaseSync): UpstreamLinkStore {
  db.exec(schema);
  const insert = db.prepare(`INSERT INTO upstream_links (issuer, subject, account_id, provider, via, label, linked_at)
    VALUES (:issuer, :subject, :accountId, :provider, :via, :label, :linkedAt) ON CONFLICT (issuer, subject) DO NOTHING`);
  const find = db.prepare('SELECT * FROM upstream_links WHERE issuer = :issuer AND subject = :subject');
  const ofAccount = db.prepare('SELECT * FROM upstream_links WHERE account_id = :accountId ORDER BY linked_at, issuer, subject');
  const remove = db.prepare('DELETE FROM upstream_links WHERE issuer = :issuer AND subject = :subject AND account_id = :accountId');
  const used = db.prepare('UPDATE upstream_links SET last_used_at = :at WHERE issuer = :issuer AND subject = :subject AND account_id = :accountId');
  const findLink = (issuer: string, subject: string) => {
    const row = find.get({ issuer, subject }) as Row | undefined;
    return row && linkOf(row);
  };

  return {
    async link(link) {
      const { issuer, subject, accountId, provider, via, linkedAt } = link;
      if (insert.run({ issuer, subject, accountId, provider, via, label: JSON.stringify(link.label), linkedAt }).changes === 1) return 'linked';
      return findLink(issuer, subject)?.accountId === accountId ? 'already' : 'taken';
    },
    async find(issuer, subject) {
      return findLink(issuer, subject);
    },
    async ofAccount(accountId) {
      return (ofAccount.all({ accountId }) as unknown as Row[]).map(linkOf);
    },
    async unlink(accountId, issuer, subject) {
      return remove.run({ issuer, subject, accountId }).changes === 1;
    },
    async used(accountId, issuer, subject, at) {
      used.run({ issuer, subject, accountId, at });
    },
  };
}
