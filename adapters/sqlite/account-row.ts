import type { StoredAccount } from '../types.ts';

/** The version lives in its own column; the document holds the rest of the account. */
interface AccountRow {
  version: number;
  document: string;
}

export function toAccount(row: unknown): StoredAccount | undefined {
  if (!row) return undefined;
  const { version, document } = row as AccountRow;
  return { ...(JSON.parse(document) as StoredAccount), version };
}

export const toAccounts = (rows: unknown[]): StoredAccount[] => rows.map((row) => toAccount(row)!);
