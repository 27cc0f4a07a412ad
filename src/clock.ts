/**
 * The one clock. Security rules that depend on time (password-step age, lockouts,
 * TOTP steps) read it through here, so unit tests can move time instead of sleeping.
 */
interface Clock {
  nowMs(): number;
}

const systemClock: Clock = { nowMs: () => Date.now() };

let current: Clock = systemClock;

export const nowMs = () => current.nowMs();
export const nowSeconds = () => Math.floor(current.nowMs() / 1000);

/** Tests only: run with a fixed or moving clock; returns a function that restores the real one. */
export function useClock(clock: Clock): () => void {
  current = clock;
  return () => {
    current = systemClock;
  };
}
