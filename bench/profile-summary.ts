/**
 * Summarises a V8 CPU profile written by `npm run bench -- --cpu-prof`, as
 * shares of the time the main thread was busy (idle left out):
 * - self time by area: a package (node_modules/<name>), a folder of ours
 *   (src/…, adapters/…), a node internal, or a native function;
 * - the same with node internals and native functions charged to the package
 *   or folder that called them (a socket write made by ioredis is ioredis's);
 * - the hottest functions.
 * With `--per N` (the iterations the profile covers, and `--ms M`, the
 * main-thread CPU per iteration the run measured) each line also gets its
 * share of an iteration in ms.
 *   npx node bench/profile-summary.ts bench/results/profiles/<file>.cpuprofile [--top 25] [--ms 12.5]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' }, ms: { type: 'string' } } });
const [file] = positionals;
if (!file) throw new Error('usage: npx node bench/profile-summary.ts <file.cpuprofile> [--top 25] [--ms 12.5]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

function area(url: string, name: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (/\/(src|adapters|bench)\//.test(url)) return url.replace(/^.*\/((src|adapters|bench)\/)/, '$1').replace(/\/[^/]*$/, '/');
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  return url ? 'other' : `(${name || 'native'})`;
}
/** Node internals and native functions are charged to whoever called them; so is the benchmark's counting wrapper. */
const chargeable = (a: string) => !a.startsWith('node:') && !a.startsWith('(') && a !== 'other' && !a.startsWith('bench/');
function owner(id: number): string {
  const own = area(byId.get(id)!.callFrame.url, byId.get(id)!.callFrame.functionName);
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const f = byId.get(at)!.callFrame;
    const a = area(f.url, f.functionName);
    if (chargeable(a)) return a;
  }
  return own;
}

const IDLE = new Set(['(idle)', '(program)']);
const areas = new Map<string, number>();
const owners = new Map<string, number>();
const functions = new Map<string, number>();
const add = (m: Map<string, number>, k: string, us: number) => m.set(k, (m.get(k) ?? 0) + us);
let busy = 0, idle = 0;
for (const [id, us] of self) {
  const { callFrame: f } = byId.get(id)!;
  if (IDLE.has(f.functionName)) {
    idle += us;
    continue;
  }
  busy += us;
  add(areas, area(f.url, f.functionName), us);
  add(owners, owner(id), us);
  add(functions, `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|adapters|bench)\//, '$1/')}:${f.lineNumber + 1}`, us);
}
const top = Number(values.top);
const perIteration = values.ms === undefined ? undefined : Number(values.ms);
const show = (title: string, m: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    const share = us / busy;
    const ms = perIteration === undefined ? '' : `${(share * perIteration).toFixed(2).padStart(7)} ms`;
    process.stdout.write(`${(share * 100).toFixed(1).padStart(5)}%${ms}  ${k}\n`);
  }
};
process.stdout.write(`busy: ${(busy / 1e6).toFixed(1)} s of ${((busy + idle) / 1e6).toFixed(1)} s sampled (shares below are of the busy time)\n`);
show('self time by area', areas);
show('self time by the package or folder that called it (node internals and native code charged to their caller)', owners);
show('hottest functions (self time)', functions);
