import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { track } from '../support/spawned-idp.ts';

const HAPROXY = ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy'].find((path) => existsSync(path)) ?? 'haproxy';

/**
 * deploy/haproxy.cfg as compose runs it, with loopback addresses in place of
 * the container names, so that the fleet test proves the shipped configuration.
 * One addition: X-Retries tells the test when HAProxy sent a request again
 * (it hit an instance that went away), which the client cannot see otherwise.
 */
function haproxyConfig(port: number, servers: Record<string, number>): string {
  const shipped = readFileSync(new URL('../../deploy/haproxy.cfg', import.meta.url), 'utf8');
  return shipped
    .replace(/^resolvers docker\n(?:[ \t]+.*\n)*/m, '')
    .replace(/ resolvers docker/g, '')
    .replace(/^ {4}log stdout.*\n/m, '')
    .replace(/^ {4}bind .*$/m, `    bind 127.0.0.1:${port}`)
    .replace(/^ {4}server .*\n/gm, '')
    .replace(/^( {4}http-response set-header X-Backend-Server .*\n)/m, '$1    http-response set-header X-Retries %rc\n')
    .replace(
      /^(backend idp\n(?:.*\n)*)/m,
      (backend) =>
        backend +
        Object.entries(servers)
          .map(([name, p]) => `    server ${name} 127.0.0.1:${p} check\n`)
          .join(''),
    );
}

/** Starts HAProxy in the foreground and waits until it accepts connections. */
export async function startHaproxy(dir: string, port: number, servers: Record<string, number>): Promise<void> {
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, haproxyConfig(port, servers));
  const child = track(spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] }));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}):\n${stderr}`);
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`haproxy does not answer on port ${port}:\n${stderr}`);
}
