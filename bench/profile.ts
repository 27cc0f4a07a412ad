import { readFileSync } from 'node:fs';

/**
 * Reading a V8 CPU profile (`npm run bench -- --cpu-prof`, bench/trace-login.ts
 * --profile): each sample's time and frame, and where its time is charged.
 */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

/** Where a frame's code lives: a package (node_modules/<name>), a folder of ours (src/…, adapters/…), a node internal, or native. */
function area(url: string, name: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (/\/(src|adapters|bench)\//.test(url)) return url.replace(/^.*\/((src|adapters|bench)\/)/, '$1').replace(/\/[^/]*$/, '/');
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url ? 'other' : `(${name || 'native'})`;
}

/** Node internals and native functions are charged to whoever called them; so is the benchmark's counting wrapper. */
const chargeable = (a: string) => !a.startsWith('node:') && !a.startsWith('(') && a !== 'other' && !a.startsWith('bench/');
const IDLE = new Set(['(idle)', '(program)']);

export interface Sample {
  /** Microseconds, on the clock of process.hrtime (CLOCK_MONOTONIC). */
  at: number;
  us: number;
  area: string;
  /** The package or folder of ours that called into node internals or native code (its own area otherwise). */
  owner: string;
  /** Every area on the sample's stack, once. */
  stack: Set<string>;
  fn: string;
}

/**
 * The samples when the main thread was busy (idle and "(program)" left out).
 * A sample is taken when the thread runs: one that comes long after the last
 * (more than three sampling intervals) was waiting for a core, on a machine
 * with other work, and would charge that wait to whatever function happened
 * to run; it counts for three intervals only, so that the shares follow CPU time.
 */
export function busySamples(file: string): Sample[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const sorted = [...profile.timeDeltas].sort((a, b) => a - b);
  const cap = 3 * (sorted[Math.floor(sorted.length / 2)] ?? 1000);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const areaOf = (id: number) => area(byId.get(id)!.callFrame.url, byId.get(id)!.callFrame.functionName);
  const owners = new Map<number, string>();
  const ownerOf = (id: number) => {
    let found = owners.get(id);
    if (found) return found;
    found = areaOf(id);
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      if (chargeable(areaOf(at))) {
        found = areaOf(at);
        break;
      }
    }
    owners.set(id, found);
    return found;
  };
  const stacks = new Map<number, Set<string>>();
  const stackOf = (id: number): Set<string> => {
    let found = stacks.get(id);
    if (found) return found;
    const up = parent.get(id);
    found = new Set(up === undefined ? [] : stackOf(up));
    found.add(areaOf(id));
    stacks.set(id, found);
    return found;
  };
  const samples: Sample[] = [];
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    const us = Math.min(delta, cap);
    const { callFrame: f } = byId.get(id)!;
    if (IDLE.has(f.functionName)) return;
    const fn = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|adapters|bench)\//, '$1/')}:${f.lineNumber + 1}`;
    samples.push({ at, us, area: areaOf(id), owner: ownerOf(id), stack: stackOf(id), fn });
  });
  return samples;
}

/** Time by key, largest first. */
export function tally(samples: Sample[], key: (s: Sample) => string | Iterable<string>): [string, number][] {
  const totals = new Map<string, number>();
  for (const s of samples) {
    const keys = key(s);
    for (const k of typeof keys === 'string' ? [keys] : keys) totals.set(k, (totals.get(k) ?? 0) + s.us);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}
