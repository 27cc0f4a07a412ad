import { execFile } from 'node:child_process';

/**
 * The Dockerfile's steps, performed on this machine (no image can be built
 * here): install without dev dependencies, start as a non-root user with
 * production settings, HEALTHCHECK (/readyz) passes, SIGTERM stops it cleanly.
 */
describe('Dockerfile', () => {
  test('its steps give a service that becomes ready as a non-root user', async () => {
    const { code, out } = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile('bash', ['deploy/verify-image-steps.sh'], { timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out: `${stdout}\n${stderr}` });
      });
    });
    if (code !== 0) throw new Error(`deploy/verify-image-steps.sh failed (${code}):\n${out.slice(-4000)}`);
    expect(out).toMatch(/image steps OK: installed without dev dependencies, ran as (?!root)\w+, \/readyz 200, stopped cleanly on SIGTERM/);
  }, 300_000);
});
