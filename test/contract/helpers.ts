import type { Store, StoredAccount } from '../../adapters/types.ts';

/** The suite's store, opened in beforeAll. */
export type StoreAccess = () => Store;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function uniqueId(label: string): string {
  return `${label}-${crypto.randomUUID()}`;
}

/** Runs `count` copies of `attempt` at once and returns how each settled. */
export function inParallel<T>(count: number, attempt: (index: number) => Promise<T>) {
  return Promise.allSettled(Array.from({ length: count }, (_, index) => attempt(index)));
}

/** An invitation as the application stores it (the store looks at acceptedAt only). */
export const asInvitation = (fields: { sentAt: number; expiresAt?: number; acceptedAt?: number }) => fields as StoredAccount['invitation'];
