import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import type { Store } from '../../adapters/types.ts';
import { redisSettingsFrom } from '../../src/redis-config.ts';
import { openStore } from '../../adapters/index.ts';
import { createAccount } from '../../src/accounts/operations/lifecycle.ts';
import { generateJwks } from '../../src/oidc/keys.ts';
import { createSecretBox } from '../../src/security/secret-box.ts';
import { SEED, seedStoredAccount, storeAlone } from '../support/seed.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { CLIENTS } from '../support/test-idp.ts';
import { dropKeys, REDIS_URL } from '../support/redis-keys.ts';
import { freePort, killStarted, spawnIdp, type SpawnedIdp } from '../support/spawned-idp.ts';
import { startHaproxy } from './haproxy.ts';
import { balancedFetch, newObserved } from './balanced-fetch.ts';
import { PASSWORD, signIn, type Fleet, type Researcher } from './researcher.ts';

/**
 * Three instances behind HAProxy (deploy/haproxy.cfg: round robin, no
 * stickiness) on one Redis. First sign-ins and returning users run while one
 * instance is sent SIGTERM and another SIGKILL. The size of issue 11: 100 first
 * sign-ins (8 at a time) and 50 returning users at once, ~25-40 s on a 2-core
 * machine; FLEET_FIRST and FLEET_RETURNING change it.
 */
const FIRST = Number(process.env.FLEET_FIRST ?? 100);
const RETURNING = Number(process.env.FLEET_RETURNING ?? 50);
const CONCURRENCY = 8;
const TIMEOUT_MS = 240_000;

describe('a fleet behind a load balancer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cbs-idp-fleet-'));
  const prefix = `fleet:${randomBytes(6).toString('hex')}:`;
  const secretsKey = randomBytes(32).toString('hex');
  const observed = newObserved();
  let smtp: SmtpSink;
  let store: Store;
  let fleet: Fleet;
  const instances: Record<string, SpawnedIdp> = {};

  beforeAll(async () => {
    smtp = await startSmtpSink();
    const lbPort = await freePort();
    const issuer = `http://127.0.0.1:${lbPort}`;
    writeFileSync(join(dir, 'clients.json'), JSON.stringify(CLIENTS));
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify(await generateJwks()));
    const env = {
      ISSUER: issuer,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      TRUST_PROXY: 'true',
      SMTP_URL: smtp.url,
      COOKIE_KEYS: `${randomBytes(24).toString('hex')},${randomBytes(24).toString('hex')}`,
      SECRETS_KEY: secretsKey,
      JWKS_FILE: join(dir, 'jwks.json'),
      CLIENTS_FILE: join(dir, 'clients.json'),
      DATA_DIR: dir,
      LOG_LEVEL: 'warn',
    };
    await Promise.all(
      ['a', 'b', 'c'].map(async (name) => {
        instances[name] = await spawnIdp(env);
      }),
    );
    await startHaproxy(dir, lbPort, Object.fromEntries(Object.entries(instances).map(([name, i]) => [name, i.port])));
    fleet = {
      issuer,
      smtp,
      metadata: (await oidc.discovery(new URL(issuer), 'portal', 'portal-secret', undefined, { execute: [oidc.allowInsecureRequests] })).serverMetadata(),
    };
    store = await openStore({ redis: redisSettingsFrom({ REDIS_URL, REDIS_WAIT_REPLICAS: 0 }).settings, redisPrefix: prefix, dataDir: dir });
  }, 60_000);

  afterAll(async () => {
    await killStarted();
    await store?.close();
    await smtp?.close();
    await dropKeys(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  type Tracked = Researcher & { killedHits: number; mailAskedOf?: string };
  const researcher = (email: string, address: string, known: Partial<Researcher> = {}): Tracked => {
    const r = { email, passwordSet: false, usedSteps: new Set<number>(), killedHits: 0, ...known } as Tracked;
    r.fetch = balancedFetch(observed, address, {
      killedHit: () => {
        r.killedHits += 1;
      },
      answered: (instance, what) => {
        if (what === 'POST /password/request') r.mailAskedOf = instance;
      },
    });
    return r;
  };

  test(
    'every sign-in completes while one instance is stopped and another killed; no instance answers 5xx',
    async () => {
      const newcomers = [];
      for (let i = 0; i < FIRST; i++) {
        const email = `newcomer-${i}@example.org`;
        await createAccount(storeAlone(store), SEED, { email, name: `Newcomer ${i}`, locale: 'nl' });
        newcomers.push(researcher(email, `127.0.1.${i + 1}`));
      }
      const secrets = createSecretBox(Buffer.from(secretsKey, 'hex'));
      const returning = await Promise.all(
        Array.from({ length: RETURNING }, async (_, i) => {
          const email = `returning-${i}@example.org`;
          const { secret } = await seedStoredAccount(store, secrets, email, PASSWORD, { totp: true });
          return researcher(email, `127.0.2.${i + 1}`, { passwordSet: true, secret });
        }),
      );

      const restarts: { email: string; killedHits: number; mailAskedOf?: string; reason: string }[] = [];
      const completes = async (r: ReturnType<typeof researcher>) => {
        for (let attempt = 0; ; attempt++) {
          try {
            return await signIn(fleet, r);
          } catch (error) {
            // Starting over is allowed only once a process has been killed under the user.
            if (!observed.killSent || attempt >= 2) throw new Error(`${r.email}: ${(error as Error).message}`);
            restarts.push({ email: r.email, killedHits: r.killedHits, mailAskedOf: r.mailAskedOf, reason: (error as Error).message.slice(0, 160) });
          }
        }
      };

      const startedAt = Date.now();
      let done = 0;
      let returningRun: Promise<unknown[]> | undefined;
      const milestones = async () => {
        done += 1;
        if (done === Math.round(FIRST * 0.25)) returningRun = Promise.all(returning.map(completes));
        if (done === Math.round(FIRST * 0.4)) instances.b!.child.kill('SIGTERM');
        if (done === Math.round(FIRST * 0.55)) {
          observed.killSent = true;
          instances.c!.child.kill('SIGKILL');
        }
      };
      const queue = [...newcomers];
      const claims: oidc.IDToken[] = [];
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let next = queue.shift(); next; next = queue.shift()) {
            claims.push(await completes(next));
            await milestones();
          }
        }),
      );
      claims.push(...((await returningRun) as oidc.IDToken[]));

      const summary = {
        seconds: Math.round((Date.now() - startedAt) / 1000),
        restarts,
        answersByInstance: Object.fromEntries(observed.answersByInstance),
        balancerErrors: observed.balancerErrors,
        instanceErrors: observed.instanceErrors,
      };
      process.stdout.write(`fleet: ${JSON.stringify(summary)}\n`);

      expect(claims).toHaveLength(FIRST + RETURNING);
      for (const c of claims) expect(c).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], email: expect.stringMatching(/@example\.org$/) });
      expect(new Set(claims.map((c) => c.sub)).size).toBe(FIRST + RETURNING);
      expect(observed.instanceErrors).toEqual([]);
      // Every instance served, so steps of one sign-in crossed instances (no stickiness).
      for (const name of ['a', 'b', 'c']) expect(observed.answersByInstance.get(name)).toBeGreaterThan(20);
      // Only requests caught by the killed process failed, and only after it was killed.
      expect(observed.balancerErrors.filter((e) => !e.afterKill)).toEqual([]);
      // Starting over: only users whose request died with the killed process, or whose mail it was still to send
      // (mails go out after the answer, so that its timing tells nothing about the address).
      for (const restart of restarts) expect(restart.killedHits > 0 || (/no mail to/.test(restart.reason) && restart.mailAskedOf === 'c')).toBe(true);
      expect(await instances.b!.exited).toBe(0);
      expect(await instances.c!.exited).toBe('SIGKILL');
    },
    TIMEOUT_MS,
  );
});
