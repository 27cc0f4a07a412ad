import { parseArgs } from 'node:util';
import { destination } from 'pino';
import { loadConfig } from '../config.ts';
import { createApp } from '../app.ts';
import { createLogger } from '../log.ts';
import { CliError, accountCommands } from './accounts.ts';
import { storeCommands } from './store.ts';
import { generateJwks } from '../oidc/keys.ts';
import type { ProfileName } from '../profile-config.ts';
import type { FirstAttempt } from '../logout/deliveries.ts';

const USAGE = `Usage: idp <command>
  accounts create --email E --name N [--locale nl|en] [--invite] [--expires YYYY-MM-DD]
  accounts list                         every account, by address, printed a page at a time
  accounts show --email E
  accounts history --email E [--json]   the account's history (its audit events kept in the store), newest first
  accounts invite --email E             (re)sends the welcome mail; earlier links stop working
  accounts set-expiry --email E --expires YYYY-MM-DD|none
  accounts disable --email E
  accounts enable --email E
  accounts reset-mfa --email E [--identity-check TEXT]   TEXT: how the caller's identity was checked
  accounts grant-role --email E --role helpdesk|admin
  accounts revoke-role --email E --role helpdesk|admin
  store reindex                         builds the account indexes again and checks every entry
  keys generate [--profile standard|nlgov]
                                prints a private JWKS for JWKS_FILE: ES256 and RS256 keys; with the nlgov
                                profile (default: OIDC_PROFILE) PS256, RS256 and RSA-OAEP(-256) encryption keys`;

function keyProfile(name: string | undefined): ProfileName {
  if (name === undefined || name === '' || name === 'standard' || name === 'nlgov') return (name || 'standard') as ProfileName;
  throw new CliError(`--profile must be standard or nlgov, not "${name}"`);
}

async function run(argv: string[]): Promise<string> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      locale: { type: 'string' },
      help: { type: 'boolean' },
      invite: { type: 'boolean' },
      expires: { type: 'string' },
      role: { type: 'string' },
      profile: { type: 'string' },
      'identity-check': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const [group, command] = positionals;
  if (values.help || !group) return USAGE;
  if (group === 'keys' && command === 'generate') return JSON.stringify(await generateJwks(keyProfile(values.profile ?? process.env.OIDC_PROFILE)), null, 2);
  if ((group !== 'accounts' && group !== 'store') || !command) throw new CliError(`unknown command: ${positionals.join(' ')}\n\n${USAGE}`);

  // The server's own composition, without an HTTP listener: the same store, and the same provider
  // (keys, registered applications) to sign the logout tokens that disable and reset-mfa send.
  // Logs and audit events go to stderr as JSON lines, so stdout stays the command's answer.
  // Retries of back-channel logouts are left to the running service (they wait in the store): the command
  // answers at once, then says how each first attempt went, each bounded by its 5 s timeout.
  const config = loadConfig();
  const app = await createApp(config, { log: createLogger(config.logLevel, destination({ fd: 2, sync: true })), retryLogouts: false });
  try {
    const print = (line: string) => process.stdout.write(`${line}\n`);
    print(group === 'store' ? await storeCommands(app.services.store, command, print) : await accountCommands(app.services, command, values, print));
    return (await app.logoutsAttempted()).map(attemptLine).join('\n');
  } finally {
    await app.close();
  }
}

const attemptLine = (a: FirstAttempt) =>
  a.delivered
    ? `back-channel logout delivered to ${a.clientId}`
    : `back-channel logout not delivered to ${a.clientId} (${a.reason}); the running service retries it`;

run(process.argv.slice(2)).then(
  (out) => {
    if (out) process.stdout.write(`${out}\n`);
  },
  (err: unknown) => {
    const known =
      err instanceof CliError || (err instanceof Error && err.name === 'ConfigError') || (err as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`idp: ${known ? (err as Error).message : ((err as Error)?.stack ?? String(err))}\n`);
    process.exitCode = known ? 2 : 1;
  },
);
