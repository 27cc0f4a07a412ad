import type { BenchAccount } from './fixture.ts';

const STEP_SECONDS = 30;
const currentStep = () => Math.floor(Date.now() / 1000 / STEP_SECONDS);

/**
 * Lends seeded accounts to virtual users so that no TOTP code is ever
 * replayed: the service accepts each time step once per account (±1 step of
 * drift). An account is lent for the current step or the next one — a code
 * for either still verifies if the sign-in crosses a step boundary — and
 * never for a step it has used. When every account has used both, the
 * borrower waits for the next step; waits are counted and reported.
 */
export class AccountPool {
  private readonly free: { account: BenchAccount; lastStep: number }[];
  waits = 0;
  /** Accounts lent out or free. */
  size: number;

  constructor(accounts: BenchAccount[]) {
    this.free = accounts.map((account) => ({ account, lastStep: -1 }));
    this.size = accounts.length;
  }

  /** More accounts to lend (the open-loop runs seed as many as their rate needs). */
  add(accounts: BenchAccount[]): void {
    this.free.push(...accounts.map((account) => ({ account, lastStep: -1 })));
    this.size += accounts.length;
  }

  async acquire(): Promise<{ account: BenchAccount; step: number; release: () => void }> {
    // Bounded: two minutes of 100 ms waits, then the scenario fails loudly.
    for (let attempt = 0; attempt < 1200; attempt++) {
      const now = currentStep();
      // FIFO: the head is the account used longest ago.
      const index = this.free.findIndex((e) => e.lastStep < now + 1);
      if (index >= 0) {
        const [entry] = this.free.splice(index, 1);
        entry!.lastStep = Math.max(entry!.lastStep + 1, now);
        return { account: entry!.account, step: entry!.lastStep, release: () => this.free.push(entry!) };
      }
      this.waits++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('no seeded account has an unused TOTP step: seed more (--accounts)');
  }
}
