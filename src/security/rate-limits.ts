import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract, type IRateLimiterOptions } from 'rate-limiter-flexible';
import type { RedisClient } from '../../adapters/types.ts';

/**
 * The one rate-limit policy table. Counters live in Redis when there is one,
 * so that every instance shares them; in the embedded mode, in this process.
 * They are keyed by account or address and by client IP, never by sign-in or
 * cookie, so starting a new sign-in does not reset them.
 */
const POLICY = {
  /** Consecutive failed passwords per account; past the limit, lockouts grow (see lockSeconds). */
  loginFailsPerAccount: { points: 5, duration: 15 * 60 },
  /** Lockouts per account or IP in a day: each one lasts longer than the last. */
  lockouts: { points: 1000, duration: 24 * 60 * 60 },
  loginFailsPerIp: { points: 100, duration: 60 * 60, blockDuration: 60 * 60 },
  /** Wrong second-factor codes (TOTP, recovery) per account. */
  codeFailsPerAccount: { points: 5, duration: 15 * 60 },
  passwordRequestsPerAddress: { points: 3, duration: 60 * 60 },
  passwordRequestsPerIp: { points: 20, duration: 60 * 60 },
} satisfies Record<string, IRateLimiterOptions>;

/** 1, 2, 4 … minutes for the first, second, third … lockout of the day, at most an hour. */
export function lockSeconds(lockout: number): number {
  return Math.min(60 * 2 ** Math.max(lockout - 1, 0), 60 * 60);
}

export interface Limits {
  /** Seconds until the account or IP may try a password again; 0 when it may now. */
  loginBlockedFor(account: string, ip: string): Promise<number>;
  loginFailed(account: string, ip: string): Promise<void>;
  loginSucceeded(account: string): Promise<void>;
  codeBlockedFor(accountId: string): Promise<number>;
  codeFailed(accountId: string): Promise<void>;
  codeSucceeded(accountId: string): Promise<void>;
  /** False when this address or IP has asked too often. */
  passwordRequestAllowed(address: string, ip: string): Promise<{ address: boolean; ip: boolean }>;
}

export function createLimits(redis: RedisClient | undefined, prefix = 'idp:'): Limits {
  const make = (name: keyof typeof POLICY) => {
    const options = { ...POLICY[name], keyPrefix: `${prefix}rl:${name}` };
    return redis ? new RateLimiterRedis({ ...options, storeClient: redis, useRedisPackage: false }) : new RateLimiterMemory(options);
  };
  const l = Object.fromEntries(Object.keys(POLICY).map((n) => [n, make(n as keyof typeof POLICY)])) as unknown as Record<keyof typeof POLICY, RateLimiterAbstract>;

  const blockedFor = async (limiter: RateLimiterAbstract, key: string) => {
    const res = await limiter.get(key);
    return res && res.consumedPoints > limiter.points ? Math.ceil(res.msBeforeNext / 1000) : 0;
  };
  /** Counts one failure (atomically, so parallel attempts cannot slip through); past the limit, locks for a growing time. */
  const fail = async (limiter: RateLimiterAbstract, key: string) => {
    const res = await limiter.penalty(key, 1);
    if (res.consumedPoints < limiter.points) return;
    const lockout = await l.lockouts.penalty(`${limiter.keyPrefix}:${key}`, 1);
    await limiter.block(key, lockSeconds(lockout.consumedPoints));
  };
  const tryConsume = (limiter: RateLimiterAbstract, key: string) => limiter.consume(key).then(() => true, () => false);

  return {
    async loginBlockedFor(account, ip) {
      // Both counters at once: one pipelined round trip to Redis instead of two in a row.
      const [byAccount, byIp] = await Promise.all([blockedFor(l.loginFailsPerAccount, account), blockedFor(l.loginFailsPerIp, ip)]);
      return Math.max(byAccount, byIp);
    },
    async loginFailed(account, ip) {
      await Promise.all([fail(l.loginFailsPerAccount, account), l.loginFailsPerIp.penalty(ip, 1)]);
    },
    async loginSucceeded(account) {
      await l.loginFailsPerAccount.delete(account);
    },
    codeBlockedFor: (id) => blockedFor(l.codeFailsPerAccount, id),
    codeFailed: (id) => fail(l.codeFailsPerAccount, id),
    async codeSucceeded(id) {
      await l.codeFailsPerAccount.delete(id);
    },
    async passwordRequestAllowed(address, ip) {
      const byIp = await tryConsume(l.passwordRequestsPerIp, ip);
      return { ip: byIp, address: byIp && (await tryConsume(l.passwordRequestsPerAddress, address)) };
    },
  };
}
