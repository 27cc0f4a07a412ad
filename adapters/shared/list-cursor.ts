/** Where a listing goes on: after the account with this folded address and id (both back ends order by the pair). */
export const listCursor = (listKey: string, id: string) => `${listKey}\u0000${id}`;

export function parseListCursor(cursor: string): { listKey: string; id: string } {
  const at = cursor.indexOf('\u0000');
  return at < 0 ? { listKey: cursor, id: '' } : { listKey: cursor.slice(0, at), id: cursor.slice(at + 1) };
}
