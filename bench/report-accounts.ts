import type { AccountsRun, Latency } from './scenarios/accounts.ts';

const num = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const lat = (l: Latency) => `${num(l.p50)} / ${num(l.p95)}${l.errors ? ` (${l.errors} errors: ${l.firstError})` : ''}`;
const GB = 1024 ** 3;
const NATIONAL = 17_000_000;

/** The issue's targets, per store, judged at the largest size run against the smallest. */
export function accountsTargets(runs: AccountsRun[]): { target: string; met: boolean | null; detail: string }[] {
  const targets: { target: string; met: boolean | null; detail: string }[] = [];
  for (const store of [...new Set(runs.map((r) => r.store))]) {
    const mine = runs.filter((r) => r.store === store).sort((a, b) => a.accounts - b.accounts);
    const [small, large] = [mine[0]!, mine.at(-1)!];
    const at = `at ${large.accounts.toLocaleString('en')} accounts on ${store}${large.accounts < 1_000_000 ? ' (the target is for 1,000,000)' : ''}`;
    const errors = mine.flatMap((r) => [r.lookupUserName, r.lookupExternalId, r.searchBroad, r.searchAddress, r.listPage]).reduce((n, l) => n + l.errors, 0);
    const compared = mine.length > 1;
    targets.push(
      {
        target: `account lookups (SCIM userName, externalId) p95 < 20 ms ${at}`,
        met: Math.max(large.lookupUserName.p95, large.lookupExternalId.p95) < 20,
        detail: `userName ${large.lookupUserName.p95} ms, externalId ${large.lookupExternalId.p95} ms`,
      },
      {
        target: `console search by prefix p95 < 50 ms ${at}`,
        met: Math.max(large.searchBroad.p95, large.searchAddress.p95) < 50,
        detail: `a name (many matches) ${large.searchBroad.p95} ms, an address ${large.searchAddress.p95} ms`,
      },
      { target: `SCIM list page (100 at a random startIndex) p95 < 50 ms ${at}`, met: large.listPage.p95 < 50, detail: `${large.listPage.p95} ms` },
      {
        target: `lookup p50 within 2× its value at ${small.accounts.toLocaleString('en')} accounts ${at}`,
        met: compared ? large.lookupUserName.p50 <= 2 * small.lookupUserName.p50 && large.lookupExternalId.p50 <= 2 * small.lookupExternalId.p50 : null,
        detail: `userName ${small.lookupUserName.p50} → ${large.lookupUserName.p50} ms, externalId ${small.lookupExternalId.p50} → ${large.lookupExternalId.p50} ms`,
      },
      {
        target: `account-end pass with nothing due < 100 ms ${at}`,
        met: large.endPassNothingDueMs < 100,
        detail: `${num(large.endPassNothingDueMs)} ms (with ${large.endPassDue.accounts} due: ${num(large.endPassDue.ms / 1000, 2)} s)`,
      },
      {
        target: `service RSS within 50 MB of the ${small.accounts.toLocaleString('en')}-account run ${at}`,
        met: compared ? large.rss.rssMB - small.rss.rssMB <= 50 : null,
        detail: `${small.rss.rssMB} → ${large.rss.rssMB} MB`,
      },
    );
    if (errors) targets.push({ target: `no errors in the accounts scenario on ${store}`, met: false, detail: `${errors} errors` });
  }
  return targets;
}

/** One line per store and size, then Redis memory per account and what it means for 17 million accounts. */
export function accountsTable(runs: AccountsRun[]): string[] {
  if (!runs.length) return [];
  const out = [
    '| accounts | store | seeded in s | userName p50 / p95 ms | externalId p50 / p95 ms | search, a name p50 / p95 ms | search, an address p50 / p95 ms | list page p50 / p95 ms | end pass, nothing due ms | end pass, 1% due | RSS MB | RSS MB after it |',
    '|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...runs.map(
      (r) =>
        `| ${r.accounts} | ${r.store} | ${r.seedSeconds} | ${lat(r.lookupUserName)} | ${lat(r.lookupExternalId)} | ${lat(r.searchBroad)} | ${lat(r.searchAddress)} | ${lat(r.listPage)} | ${num(r.endPassNothingDueMs)} | ${r.endPassDue.accounts} in ${num(r.endPassDue.ms)} ms | ${r.rss.rssMB} | ${r.rssAfterDuePass.rssMB} |`,
    ),
  ];
  const redis = runs.filter((r) => r.redis);
  if (redis.length) {
    out.push(
      '',
      "| Redis, accounts | bytes per account (MEMORY USAGE) | of which the account's own keys | of which indexes | INFO used_memory growth per account |",
      '|--:|--:|--:|--:|--:|',
    );
    for (const r of redis)
      out.push(
        `| ${r.accounts} | ${r.redis!.usageBytesPerAccount} | ${r.redis!.accountKeysBytes} | ${r.redis!.usageBytesPerAccount - r.redis!.accountKeysBytes} | ${r.redis!.infoBytesPerAccount} |`,
      );
    const last = redis.at(-1)!;
    const indexes = Object.entries(last.redis!.indexBytes)
      .map(([name, bytes]) => `{ix:${name}} ${num(((bytes / last.accounts) * NATIONAL) / GB)} GB`)
      .join(', ');
    out.push(
      '',
      `17 million accounts at ${last.redis!.usageBytesPerAccount} B each: ${num((last.redis!.usageBytesPerAccount * NATIONAL) / GB)} GB of data (before replicas); each index is one key on one node: ${indexes}.`,
    );
  }
  return out;
}
