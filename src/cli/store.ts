import type { Store } from '../../adapters/types.ts';
import { reindexAccounts } from '../accounts/end-check.ts';
import { CliError } from './accounts.ts';

/**
 * `store reindex`: every account's index entries written again and every entry
 * checked against its account, in batches, with the count printed as it goes.
 * Safe to run at any time, and again.
 */
export async function storeCommands(store: Store, command: string, print: (line: string) => void): Promise<string> {
  if (command !== 'reindex') throw new CliError(`unknown command: store ${command}`);
  const started = Date.now();
  const indexed = await reindexAccounts(store, true, (count) => print(`indexed ${count} accounts…`));
  return `indexed ${indexed} accounts in ${Math.round((Date.now() - started) / 100) / 10} s; every index entry is checked against its account`;
}
