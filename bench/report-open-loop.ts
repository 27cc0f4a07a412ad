import { KNEE_MS, type Knee, type RateRow } from './rates.ts';

const num = (x: number | undefined, digits = 1) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(digits));
const times = (x: number | undefined) => (x === undefined ? '–' : `${x.toFixed(2)}×`);

/** The open-loop latency target (at 70% of the login ceiling) and the knee. */
export function openLoopTargets(rows: RateRow[], knee: Knee | undefined): { target: string; met: boolean | null; detail: string }[] {
  const targets = [];
  const at70 = rows.find((r) => r.ofCeiling === 0.7);
  if (at70) {
    const behind = at70.dropped + at70.late + at70.errors;
    targets.push({
      target: `open loop at 70% of the login ceiling: full login p99 < ${KNEE_MS} ms, nothing dropped`,
      met: at70.p99 < KNEE_MS && behind === 0,
      detail: `${at70.rate}/s: p99 ${Math.round(at70.p99)} ms${behind ? `, ${at70.dropped} dropped, ${at70.late} late, ${at70.errors} errors` : ''}`,
    });
  }
  if (knee) {
    const point = (p: Knee['below']) => (p ? `${p.rate}/s (${times(p.ofCeiling)} ceiling, p99 ${Math.round(p.p99)} ms)` : 'none');
    targets.push({
      target: `knee: the arrival rate at which a full login's p99 crosses ${KNEE_MS} ms (login ceiling ${knee.ceiling}/s)`,
      met: null,
      detail: knee.crossed ? `crossed at ${point(knee.crossed)}; last below: ${point(knee.below)}` : `not crossed; highest measured ${point(knee.below)}`,
    });
  }
  return targets;
}

/** Markdown tables: one line per open-loop run, then the p50/p95/p99 of each step. */
export function openLoopTable(rows: RateRow[]): string[] {
  if (!rows.length) return [];
  const out = [
    '| open-loop login | rate /s | × ceiling | done /s | p50 ms | p95 ms | p99 ms | offered | dropped | late | errors | peak in flight | cpu ms srv | cpu ms main | cpu ms gen | cpu ms redis |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...rows.map(
      (r) =>
        `| ${r.knee ? 'knee step' : 'rate'}${r.stoppedEarly ? ' (stopped: fell behind)' : ''} | ${r.rate} | ${times(r.ofCeiling)} | ${num(r.throughput)} | ${num(r.p50)} | ${num(r.p95)} | ${num(r.p99)} | ${r.offered} | ${r.dropped} | ${r.late} | ${r.errors} | ${r.peakInFlight} | ${num(r.serverCpuMs, 2)} | ${num(r.serverMainCpuMs, 2)} | ${num(r.generatorCpuMs, 2)} | ${num(r.redisCpuMs, 2)} |`,
    ),
  ];
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.steps ?? {})))];
  if (names.length) {
    out.push('', `| step p50 / p95 / p99 ms | ${rows.map((r) => `${r.rate}/s`).join(' | ')} |`, `|---|${rows.map(() => '--:').join('|')}|`);
    for (const name of names) {
      out.push(
        `| ${name} | ${rows
          .map((r) => {
            const s = r.steps?.[name];
            return s ? `${num(s.p50)} / ${num(s.p95)} / ${num(s.p99)}` : '–';
          })
          .join(' | ')} |`,
      );
    }
  }
  return out;
}
