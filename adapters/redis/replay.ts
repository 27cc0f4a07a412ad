import type { RedisClient, ReplayGuard } from '../types.ts';
import { ttlMilliseconds, type RedisKeys } from './keys.ts';

export function redisReplayGuard(redis: RedisClient, keys: RedisKeys): ReplayGuard {
  return {
    async claim(subject, marker, ttlSeconds) {
      const set = await redis.set(keys.replayMarker(subject, marker), '1', 'PX', ttlMilliseconds(ttlSeconds), 'NX');
      return set === 'OK';
    },
  };
}
