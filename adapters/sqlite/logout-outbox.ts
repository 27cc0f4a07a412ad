import { randomUUID } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import type { HeldLogoutNotice, LogoutOutbox } from '../types.ts';

interface Row {
  id: string;
  client_id: string;
  sub: string;
  sid: string | null;
  attempt: number;
}

/** A hold is the row at one attempt: once another caller took the row again, the old hold changes nothing. */
const leaseOf = (id: string, attempt: number) => `${id} ${attempt}`;
const held = (row: Row): HeldLogoutNotice => ({
  clientId: row.client_id,
  sub: row.sub,
  ...(row.sid === null ? {} : { sid: row.sid }),
  attempt: row.attempt,
  lease: leaseOf(row.id, row.attempt),
});
const parse = (lease: string) => {
  const [id = '', attempt = ''] = lease.split(' ');
  return { id, attempt: Number(attempt) };
};

export function sqliteLogoutOutbox(db: DatabaseSync): LogoutOutbox {
  const add = db.prepare(`INSERT INTO logout_outbox (id, client_id, sub, sid, attempt, due_at)
    VALUES (:id, :clientId, :sub, :sid, 1, :heldUntil)`);
  // One statement: the rows it picks are held by this caller before any other can pick them.
  const take = db.prepare(`UPDATE logout_outbox SET attempt = attempt + 1, due_at = :heldUntil
    WHERE id IN (SELECT id FROM logout_outbox WHERE due_at <= :now ORDER BY due_at LIMIT :limit)
    RETURNING id, client_id, sub, sid, attempt`);
  const remove = db.prepare('DELETE FROM logout_outbox WHERE id = :id AND attempt = :attempt');
  const postpone = db.prepare('UPDATE logout_outbox SET due_at = :dueAt WHERE id = :id AND attempt = :attempt');

  return {
    async add(notice, heldUntil) {
      const id = randomUUID();
      add.run({ id, clientId: notice.clientId, sub: notice.sub, sid: notice.sid ?? null, heldUntil });
      return { ...notice, attempt: 1, lease: leaseOf(id, 1) };
    },
    async take(now, heldUntil, limit) {
      return (take.all({ now, heldUntil, limit }) as unknown as Row[]).map(held);
    },
    async remove(lease) {
      remove.run(parse(lease));
    },
    async postpone(lease, dueAt) {
      postpone.run({ ...parse(lease), dueAt });
    },
  };
}
