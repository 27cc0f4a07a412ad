import { parseOptions } from '../../bench/options.ts';
import { loginAtRates, type RateRow } from '../../bench/rates.ts';

/** The knee search and the rate list, on made-up runs (no load, no timing). */
const row = (rate: number, p99: number, more: Partial<RateRow> = {}): RateRow => ({
  server: 'idp',
  scenario: 'login',
  rate,
  arrivals: 'poisson',
  throughput: rate,
  p50: p99 / 2,
  p95: p99,
  p99,
  mean: p99 / 2,
  max: p99,
  ok: 100,
  total: 100,
  errors: 0,
  offered: 100,
  dropped: 0,
  late: 0,
  maxInFlight: 10,
  peakInFlight: 5,
  stoppedEarly: false,
  ...more,
});

test('--rate takes rates per second and multiples of the ceiling', () => {
  expect(parseOptions(['--rate', '20, 40,0.7x']).rates).toEqual([{ perSecond: 20 }, { perSecond: 40 }, { ofCeiling: 0.7 }]);
  expect(() => parseOptions(['--rate', 'fast'])).toThrow('--rate');
});

test('the knee steps up from 0.4× the ceiling by 0.1× until p99 crosses 500 ms (the latency target), or the server falls behind', async () => {
  const asked: number[] = [];
  const o = parseOptions(['--knee', '--rate', '10']);
  const { rows, knee } = await loginAtRates(o, 100, async (rate) => {
    asked.push(rate);
    return row(rate, rate >= 70 ? 600 : rate * 7);
  });
  expect(asked).toEqual([10, 40, 50, 60, 70]);
  expect(rows.map((r) => [r.ofCeiling, r.knee])).toEqual([
    [0.1, undefined],
    [0.4, true],
    [0.5, true],
    [0.6, true],
    [0.7, true],
  ]);
  expect(knee).toEqual({ ceiling: 100, below: { rate: 60, ofCeiling: 0.6, p99: 420 }, crossed: { rate: 70, ofCeiling: 0.7, p99: 600 } });

  const behind = await loginAtRates(parseOptions(['--knee']), 100, async (rate) => row(rate, 300, rate >= 50 ? { dropped: 20 } : {}));
  expect(behind.knee?.crossed?.rate).toBe(50);
  await expect(loginAtRates(parseOptions(['--rate', '0.7x']), undefined, async (rate) => row(rate, 1))).rejects.toThrow('login ceiling');
});
