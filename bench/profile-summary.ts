/**
 * Summarises a V8 CPU profile written by `npm run bench -- --cpu-prof`, as
 * shares of the time the main thread was busy (idle left out):
 * - self time by area: a package (node_modules/<name>), a folder of ours
 *   (src/…, adapters/…), a node internal, or a native function;
 * - the same with node internals and native functions charged to the package
 *   or folder that called them (a socket write made by ioredis is ioredis's,
 *   through the benchmark's counting wrappers);
 * - inclusive time by area (a sample counts for every area on its stack;
 *   synchronous stacks only, so code resumed after an await starts afresh);
 * - the hottest functions.
 * With `--ms M`, the main-thread CPU per iteration that the run measured,
 * each line also gets its share of an iteration in ms. A profile samples wall
 * time: a sample taken while the thread waits for a core counts as busy.
 *   npx node bench/profile-summary.ts bench/results/profiles/<file>.cpuprofile [--top 25] [--ms 12.5]
 */
import { parseArgs } from 'node:util';
import { busySamples, tally } from './profile.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' }, ms: { type: 'string' } } });
const [file] = positionals;
if (!file) throw new Error('usage: npx node bench/profile-summary.ts <file.cpuprofile> [--top 25] [--ms 12.5]');
const samples = busySamples(file);
const busy = samples.reduce((sum, s) => sum + s.us, 0);
const top = Number(values.top);
const perIteration = values.ms === undefined ? undefined : Number(values.ms);
const show = (title: string, lines: [string, number][]) => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, us] of lines.slice(0, top)) {
    const share = us / busy;
    const ms = perIteration === undefined ? '' : `${(share * perIteration).toFixed(2).padStart(7)} ms`;
    process.stdout.write(`${(share * 100).toFixed(1).padStart(5)}%${ms}  ${k}\n`);
  }
};
process.stdout.write(`busy: ${(busy / 1e6).toFixed(1)} s sampled (shares below are of the busy time)\n`);
show(
  'self time by area',
  tally(samples, (s) => s.area),
);
show(
  'self time by the package or folder that called it (node internals and native code charged to their caller)',
  tally(samples, (s) => s.owner),
);
show(
  'inclusive time by area (each sample counts once for every area on its stack)',
  tally(samples, (s) => s.stack),
);
show(
  'hottest functions (self time)',
  tally(samples, (s) => s.fn),
);
