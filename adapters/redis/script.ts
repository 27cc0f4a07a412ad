import type { RedisClient } from '../types.ts';

export type SingleKeyScript<Result> = (key: string, ...args: (string | number)[]) => Promise<Result>;

/**
 * A Lua script on exactly one key, run through ioredis' defineCommand (EVALSHA with
 * fallback). One key per script keeps every script inside one cluster slot.
 */
export function defineScript<Result>(redis: RedisClient, name: string, lua: string): SingleKeyScript<Result> {
  redis.defineCommand(name, { numberOfKeys: 1, lua });
  // defineCommand has just added it under this name.
  const command = (redis as unknown as Record<string, SingleKeyScript<Result>>)[name]!;
  return (key, ...args) => command.call(redis, key, ...args);
}
