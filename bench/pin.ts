import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * --pin: the load generator on one core and every server on the other, with
 * taskset (util-linux), so that a login's figures are those of a service whose
 * load balancer and clients run elsewhere. Redis, shared and started by the
 * machine, is not pinned.
 */
const GENERATOR_CORE = '0';
export const SERVICE_CORE = '1';

/** Pins this process (every thread) to the generator's core; fails with a clear message where it cannot. */
export function pinGenerator(): void {
  if (availableParallelism() < 2) throw new Error('--pin needs two cores: one for the load generator, one for the service');
  try {
    execFileSync('taskset', ['-a', '-p', '-c', GENERATOR_CORE, String(process.pid)], { stdio: 'ignore' });
  } catch (err) {
    throw new Error(`--pin needs taskset (Debian: apt-get install util-linux): ${(err as Error).message}`);
  }
}
