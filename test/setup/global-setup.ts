import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function answers(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The contract suite runs against a real Redis: start a throwaway one when none answers. */
export default async function globalSetup(): Promise<void> {
  if (await answers(redisUrl)) return;
  if (onPath('redis-server')) {
    const port = new URL(redisUrl).port || '6379';
    execFileSync('redis-server', ['--port', port, '--save', '', '--appendonly', 'no', '--daemonize', 'yes']);
    for (let attempt = 0; attempt < 50 && !(await answers(redisUrl)); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  if (!(await answers(redisUrl))) {
    throw new Error(`No Redis answers at REDIS_URL=${redisUrl}, and none could be started: install redis-server or point REDIS_URL at a running Redis.`);
  }
}
