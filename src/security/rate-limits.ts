import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract, type IRateLimiterOptions } from 'rate-limiter-flexible';
import { StoreUnavailableError, type RedisClient } from '../../adapters/types.ts';

/**
 * The one rate-limit policy table (documented in docs/security.md). Counters
 * live in Redis when there is one, so every instance shares them; in the
 * embedded mode, in this process. Keys are accounts, addresses, IPs and known
 * devices — never a sign-in or anything the client can reset.
 *
 * A point is taken atomically *before* an attempt is checked and given back
 * on success, so parallel guesses cannot all slip past the check.
 */
const POLICY = {
  /** Failed passwords for one account from one IP: this is what locks, and it locks the attacker's address only. */
  passwordPerAccountAndIp: { points: 5, duration: 15 * 60 },
  /** Every failed password for one account, from anywhere: a ceiling for attacks spread over many addresses. */
  passwordPerAccount: { points: 50, duration: 60 * 60 },
  /** A browser that completed a sign-in of this account before keeps its own budget instead of the one above. */
  passwordPerKnownDevice: { points: 10, duration: 15 * 60 },
  passwordPerIp: { points: 100, duration: 60 * 60, blockDuration: 60 * 60 },
  /** Wrong second-factor codes (TOTP, recovery) per account: only someone with the password gets here. */
  codePerAccount: { points: 5, duration: 15 * 60 },
  /** Lockouts per key in a day: each one lasts longer than the last. */
  lockouts: { points: 1000, duration: 24 * 60 * 60 },
  /** Set-password mails: per mailbox, and per (mailbox, requester), the main guard against bombing one person. */
  passwordRequestsPerAddressAndIp: { points: 3, duration: 60 * 60 },
  passwordRequestsPerAddress: { points: 5, duration: 60 * 60 },
  /** Different addresses one requester asks for: generous, a classroom behind one NAT is many people; beyond it, 429. */
  passwordRequestAddressesPerIp: { points: 200, duration: 60 * 60 },
  /** Requests for addresses that are no usable account, counted after the answer: past it, that requester's requests send nothing. */
  passwordRequestsUnknownPerIp: { points: 20, duration: 60 * 60, blockDuration: 60 * 60 },
  /** Wrong client secrets at the token endpoints per (client, IP): a guesser's address is locked, the application's own is not (only wrong ones count). */
  clientSecretPerClientAndIp: { points: 20, duration: 15 * 60 },
} satisfies Record<string, IRateLimiterOptions>;
type Name = keyof typeof POLICY;
/** Counters shared by many callers (an address that many people share): success gives its own point back and no one else's. */
const GIVEN_BACK: Name[] = ['passwordPerIp'];

/** The set-password mail numbers an operator may change (RESET_* in config.ts), each per hour. */
export interface MailQuotas {
  perAddress: number;
  perAddressAndIp: number;
  addressesPerIp: number;
  unknownAddressesPerIp: number;
}
const QUOTA_OF: Record<keyof MailQuotas, Name> = {
  perAddress: 'passwordRequestsPerAddress',
  perAddressAndIp: 'passwordRequestsPerAddressAndIp',
  addressesPerIp: 'passwordRequestAddressesPerIp',
  unknownAddressesPerIp: 'passwordRequestsUnknownPerIp',
};

/** 1, 2, 4 … minutes for the first, second, third … lockout of the day, at most an hour. */
export function lockSeconds(lockout: number): number {
  return Math.min(60 * 2 ** Math.max(lockout - 1, 0), 60 * 60);
}

/** An attempt whose points are taken: report how it went. */
interface Attempt {
  succeeded(): Promise<void>;
  failed(): Promise<void>;
}
type Taken = { kind: 'taken'; attempt: Attempt } | { kind: 'locked'; retryAfter: number };
interface PasswordClient {
  account: string;
  ip: string;
  knownDevice?: string;
}
/** One account's own counters as staff see them: its address, its id, and the addresses it signed in from lately. */
interface AccountCounters {
  account: string;
  accountId: string;
  ips: string[];
}

export interface Limits {
  takePasswordAttempt(c: PasswordClient): Promise<Taken>;
  /** A completed password reset or passkey sign-in lifts the locks on the owner's side. */
  liftPasswordLocks(c: PasswordClient): Promise<void>;
  takeCodeAttempt(accountId: string): Promise<Taken>;
  /** Whether the account's own counters stop its holder now (password from anywhere or from a recent address; codes). */
  accountLocked(c: AccountCounters): Promise<boolean>;
  /**
   * The helpdesk's "lift lockout": clears those counters. A known device's own
   * budget is not listed anywhere and runs out by itself within 15 minutes.
   */
  liftAccountLocks(c: AccountCounters): Promise<void>;
  /**
   * Which of the quotas for a set-password mail this request fits in: the
   * requester's (a new address beyond its bound: 429) and the address's (no mail).
   */
  passwordRequest(address: string, ip: string): Promise<{ ip: boolean; address: boolean }>;
  /** A wrong client secret from this address: its point, taken atomically before the answer says so. */
  takeClientSecretAttempt(clientId: string, ip: string): Promise<Taken>;
  /** Seconds until this address may authenticate as the client again, once its wrong secrets used the limit up; 0 while not locked. */
  clientSecretLockedFor(clientId: string, ip: string): Promise<number>;
  /** After the answer: the request was for an address that is no usable account (what a sprayer does). */
  unknownAddressRequested(ip: string): Promise<void>;
  /** Whether this requester asked for too many addresses that are no account: then its requests send no mail. */
  sprayingFrom(ip: string): Promise<boolean>;
}

/** rate-limiter-flexible rejects with a RateLimiterRes when over the limit, with an Error when its store fails. */
const asStoreError = (err: unknown): never => {
  throw err instanceof RateLimiterRes ? err : new StoreUnavailableError('the rate-limit store is unavailable', { cause: err });
};

export function createLimits(redis: RedisClient | undefined, prefix = 'idp:', quotas: Partial<MailQuotas> = {}): Limits {
  const points = Object.fromEntries(Object.entries(quotas).map(([quota, n]) => [QUOTA_OF[quota as keyof MailQuotas], n]));
  const make = (name: Name): RateLimiterAbstract => {
    const options = { ...POLICY[name], ...(points[name] ? { points: points[name] } : {}), keyPrefix: `${prefix}rl:${name}` };
    return redis
      ? new RateLimiterRedis({ ...options, storeClient: redis, useRedisPackage: false, rejectIfRedisNotReady: true })
      : new RateLimiterMemory(options);
  };
  const l = Object.fromEntries(Object.keys(POLICY).map((n) => [n, make(n as Name)])) as Record<Name, RateLimiterAbstract>;

  /** Takes a point from each (limiter, key) at once; if any is over, gives the others back and says how long to wait. */
  /** The first part is the one that locks, with growing lockouts, when its limit is reached by a failure. */
  const take = async (parts: [Name, string][]): Promise<Taken> => {
    const results = await Promise.allSettled(parts.map(([n, key]) => l[n].consume(key).catch(asStoreError)));
    const failure = results.find((r) => r.status === 'rejected' && !(r.reason instanceof RateLimiterRes));
    const over = results.flatMap((r) => (r.status === 'rejected' && r.reason instanceof RateLimiterRes ? [r.reason] : []));
    if (failure || over.length) {
      await Promise.all(parts.map(([n, key], i) => (results[i]!.status === 'fulfilled' ? l[n].reward(key, 1).catch(asStoreError) : undefined)));
      if (failure) throw (failure as PromiseRejectedResult).reason;
      return { kind: 'locked', retryAfter: Math.ceil(Math.max(...over.map((r) => r.msBeforeNext)) / 1000) };
    }
    const [lockName, lockKey] = parts[0]!;
    return {
      kind: 'taken',
      attempt: {
        // Success gives back every point: the owner's own typos stop counting once they get in.
        succeeded: async () => {
          await Promise.all(parts.map(([n, key]) => (GIVEN_BACK.includes(n) ? l[n].reward(key, 1) : l[n].delete(key))).map((p) => p.catch(asStoreError)));
        },
        failed: async () => {
          const res = results[0]!;
          if (res.status !== 'fulfilled' || res.value.consumedPoints !== l[lockName].points) return;
          const lockout = await l.lockouts.penalty(`${lockName}:${lockKey}`, 1).catch(asStoreError);
          await l[lockName].block(lockKey, lockSeconds(lockout.consumedPoints)).catch(asStoreError);
        },
      },
    };
  };

  /** Counts one against the key, over the limit or not (rate-limiter-flexible rejects with the count when over). */
  const count = (n: Name, key: string): Promise<RateLimiterRes> =>
    l[n].consume(key).catch((err: unknown) => (err instanceof RateLimiterRes ? err : asStoreError(err)));
  const over = (n: Name, res: RateLimiterRes | null) => !!res && res.consumedPoints > l[n].points;
  /** The counter's points are all used: the next attempt on it is refused. */
  const usedUp = (n: Name, res: RateLimiterRes | null) => !!res && res.consumedPoints >= l[n].points;

  const passwordParts = (c: PasswordClient): [Name, string][] => [
    ['passwordPerAccountAndIp', `${c.account}|${c.ip}`],
    ['passwordPerIp', c.ip],
    c.knownDevice ? ['passwordPerKnownDevice', `${c.account}|${c.knownDevice}`] : ['passwordPerAccount', c.account],
  ];

  const accountParts = (c: AccountCounters): [Name, string][] => [
    ['passwordPerAccount', c.account],
    ['codePerAccount', c.accountId],
    ...c.ips.map((ip): [Name, string] => ['passwordPerAccountAndIp', `${c.account}|${ip}`]),
  ];

  return {
    async accountLocked(c) {
      const parts = accountParts(c);
      const states = await Promise.all(parts.map(([n, key]) => l[n].get(key).catch(asStoreError)));
      return states.some((res, i) => usedUp(parts[i]![0], res));
    },
    async liftAccountLocks(c) {
      await Promise.all(accountParts(c).map(([n, key]) => l[n].delete(key).catch(asStoreError)));
    },
    takePasswordAttempt: (c) => take(passwordParts(c)),
    async liftPasswordLocks(c) {
      const parts: [Name, string][] = [...passwordParts(c), ['passwordPerAccount', c.account]];
      await Promise.all(parts.filter(([n]) => n !== 'passwordPerIp').map(([n, key]) => l[n].delete(key).catch(asStoreError)));
    },
    takeCodeAttempt: (id) => take([['codePerAccount', id]]),
    takeClientSecretAttempt: (clientId, ip) => take([['clientSecretPerClientAndIp', `${clientId}|${ip}`]]),
    async clientSecretLockedFor(clientId, ip) {
      const res = await l.clientSecretPerClientAndIp.get(`${clientId}|${ip}`).catch(asStoreError);
      return res && usedUp('clientSecretPerClientAndIp', res) ? Math.ceil(res.msBeforeNext / 1000) : 0;
    },
    async passwordRequest(address, ip) {
      const pair = await count('passwordRequestsPerAddressAndIp', `${address}|${ip}`);
      // Only an address new from this requester counts against its bound; a repeat is checked against it.
      const fromIp =
        pair.consumedPoints === 1 ? await count('passwordRequestAddressesPerIp', ip) : await l.passwordRequestAddressesPerIp.get(ip).catch(asStoreError);
      if (over('passwordRequestAddressesPerIp', fromIp)) return { ip: false, address: false };
      if (over('passwordRequestsPerAddressAndIp', pair)) return { ip: true, address: false };
      return { ip: true, address: !over('passwordRequestsPerAddress', await count('passwordRequestsPerAddress', address)) };
    },
    async unknownAddressRequested(ip) {
      await count('passwordRequestsUnknownPerIp', ip);
    },
    async sprayingFrom(ip) {
      return over('passwordRequestsUnknownPerIp', await l.passwordRequestsUnknownPerIp.get(ip).catch(asStoreError));
    },
  };
}
