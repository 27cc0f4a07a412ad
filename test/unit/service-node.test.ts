import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, dirname, resolve } from 'node:path';

/**
 * glibc reads its malloc settings when a process starts, so they live in one
 * launcher, bin/service-node, that `npm start`, the image and the benchmark's
 * servers all start through (docs/performance.md).
 */
const ROOT = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(resolve(ROOT, path), 'utf8');
const envUnder = (extra: Record<string, string> = {}) =>
  execFileSync(resolve(ROOT, 'bin/service-node'), ['-e', 'console.log(JSON.stringify(process.env))'], {
    env: { PATH: [dirname(process.execPath), process.env.PATH].join(delimiter), ...extra },
    encoding: 'utf8',
  });

describe('bin/service-node', () => {
  test('npm start, the image and the benchmark servers start through it', () => {
    expect((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start).toBe('bin/service-node src/main.ts');
    expect(read('Dockerfile')).toMatch(/^CMD \["bin\/service-node", "src\/main\.ts"\]$/m);
    expect(read('Dockerfile')).not.toMatch(/MALLOC_/);
    expect(read('bench/ipc.ts')).toContain("'../bin/service-node'");
  });

  test('sets the malloc settings, and an operator’s own values win', () => {
    expect(JSON.parse(envUnder())).toMatchObject({ MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' });
    expect(JSON.parse(envUnder({ MALLOC_ARENA_MAX: '4' }))).toMatchObject({ MALLOC_ARENA_MAX: '4', MALLOC_MMAP_THRESHOLD_: '131072' });
  });
});
