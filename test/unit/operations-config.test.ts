import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';

// Development secrets are generated into DATA_DIR when none are configured.
const DATA_DIR = mkdtempSync(join(tmpdir(), 'cbs-idp-config-'));
afterAll(() => rmSync(DATA_DIR, { recursive: true, force: true }));

describe('operations settings', () => {
  test('metrics are off unless METRICS_PORT is set; a shutdown may take 10 s unless told otherwise', () => {
    const config = loadConfig({ DATA_DIR });
    expect(config.metricsPort).toBeUndefined();
    expect(config.shutdownTimeoutSeconds).toBe(10);
    expect(loadConfig({ DATA_DIR, METRICS_PORT: '9464', SHUTDOWN_TIMEOUT_SECONDS: '25' })).toMatchObject({ metricsPort: 9464, shutdownTimeoutSeconds: 25 });
  });

  test('metrics are never served on the public port', () => {
    expect(() => loadConfig({ DATA_DIR, PORT: '3000', METRICS_PORT: '3000' })).toThrow(/METRICS_PORT: must differ from PORT/);
  });

  test.each([
    ['METRICS_PORT', 'ninety'],
    ['METRICS_PORT', '70000'],
    ['SHUTDOWN_TIMEOUT_SECONDS', '0'],
    ['SHUTDOWN_TIMEOUT_SECONDS', 'soon'],
  ])('%s=%s is refused by name', (name, value) => {
    expect(() => loadConfig({ DATA_DIR, [name]: value })).toThrow(new RegExp(`${name}:`));
  });
});
