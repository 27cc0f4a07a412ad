import argon2 from 'argon2';
import { hashPassword } from '../../src/accounts/password-hash.ts';
import { PASSWORD } from '../fixture.ts';
import { closedLoop } from '../load.ts';

/**
 * The login ceiling: raw argon2id verifications of a hash made at our
 * parameters (the computation a password login makes), in a process of their
 * own, at the same concurrency as the logins, on the same thread pool size.
 */
export async function startArgon2() {
  const hash = await hashPassword(PASSWORD);
  return {
    url: '',
    handlers: {
      run: (o: { concurrency: number; durationS: number; warmupS: number }) =>
        closedLoop({
          ...o,
          async iteration() {
            if (!(await argon2.verify(hash, PASSWORD))) throw new Error('argon2 verification failed');
          },
        }),
    },
    async close() {},
  };
}
