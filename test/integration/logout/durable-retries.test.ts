import { execFile } from 'node:child_process';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../../support/test-idp.ts';
import { startLogoutReceiver, type LogoutReceiver } from '../../support/logout-receiver.ts';
import { application, clientsFile, signedInAccount, verifiedLogoutToken } from '../../support/logout-clients.ts';
import { REDIS_URL } from '../../support/redis-keys.ts';
import { accountCommands } from '../../../src/cli/accounts.ts';

/**
 * Back-channel logouts that fail at first are retried by a process that lives,
 * from the store: the CLI answers at once and says which first attempts
 * failed, the running service delivers them later, and an instance that is
 * redeployed leaves nothing undelivered behind.
 */
describeOnEveryStore('back-channel logout retries kept in the store', (store) => {
  let idp: TestIdp;
  let flaky: LogoutReceiver;
  beforeAll(async () => {
    flaky = await startLogoutReceiver('down-once');
    // Two instances: one to be redeployed while the other runs on.
    idp = await bootIdp({
      store,
      instances: 2,
      env: { CLIENTS_FILE: clientsFile([application('flaky-app', flaky.url)]) },
      deps: { logoutRetryDelaysMs: [300, 300] },
    });
  });
  afterAll(async () => {
    await flaky.close();
    await idp.close();
  });

  /** `npx idp …` as an operator runs it, on the service's own store and settings. */
  const cli = (...args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      const { config } = idp.app.services;
      const env = {
        PATH: process.env.PATH ?? '',
        ISSUER: config.issuer,
        DATA_DIR: config.dataDir,
        CLIENTS_FILE: config.clientsFile!,
        SMTP_URL: config.smtpUrl!,
        LOG_LEVEL: 'info',
        ...(store === 'redis' ? { REDIS_URL, REDIS_PREFIX: config.redisPrefix } : {}),
      };
      execFile(process.execPath, ['bin/idp.js', ...args], { env }, (error, out, err) => resolve({ code: error ? (error.code as number) : 0, out, err }));
    });

  test('`accounts disable` answers at once and names the delivery that failed; the running service delivers it later', async () => {
    const email = `cli-retry-${store}@example.org`;
    const { claims } = await signedInAccount(idp, email, 'flaky-app');
    const refusedBefore = flaky.refusals();

    const disabled = await cli('accounts', 'disable', '--email', email);
    expect(disabled.code).toBe(0);
    expect(disabled.out).toContain(`disabled ${email}`);
    expect(disabled.out).toMatch(
      /back-channel logout not delivered to flaky-app \(expected 200 OK .*got: 503 Service Unavailable\); the running service retries it/,
    );
    expect(flaky.refusals()).toBe(refusedBefore + 1);
    expect(disabled.err).not.toMatch(/eyJ[\w-]+\.eyJ/);

    // The CLI has exited; the service, which lives, takes the retry from the store.
    const payload = await verifiedLogoutToken(idp, await flaky.token(), 'flaky-app');
    expect(payload).toMatchObject({ sub: claims.sub, sid: claims.sid });
  });

  test('an instance redeployed before its retry leaves the retry to the next', async () => {
    const email = `redeploy-${store}@example.org`;
    const { claims } = await signedInAccount(idp, email, 'flaky-app');
    const received = flaky.tokens.length;
    // Refused once more, then taken.
    flaky.refuseNext();
    const redeployed = idp.app;
    await accountCommands(redeployed.services, 'disable', { email });
    await redeployed.logoutsAttempted();
    expect(flaky.tokens.length).toBe(received);
    await idp.replace(0);
    const payload = await verifiedLogoutToken(idp, await flaky.token(received + 1), 'flaky-app');
    expect(payload).toMatchObject({ sub: claims.sub, sid: claims.sid });
  });
});
