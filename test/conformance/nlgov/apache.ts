import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import { track } from '../../support/spawned-idp.ts';

const APACHE = ['/usr/sbin/apache2', '/usr/sbin/httpd'].find((path) => existsSync(path)) ?? 'apache2';
const MODULES =
  ['/usr/lib/apache2/modules', '/usr/lib64/httpd/modules'].find((path) => existsSync(join(path, 'mod_auth_openidc.so'))) ?? '/usr/lib/apache2/modules';

/** The relying party's key pair: the private key for mod_auth_openidc, the public one for CLIENTS_FILE. */
export function relyingPartyKey(kid: string): { privatePem: string; publicPem: string; jwk: JWK } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    jwk: { ...(publicKey.export({ format: 'jwk' }) as JWK), alg: 'RS256', use: 'sig', kid },
  };
}

export interface ApacheSettings {
  dir: string;
  port: number;
  issuer: string;
  clientId: string;
  kid: string;
  privatePem: string;
  publicPem: string;
}

export const redirectUri = (s: Pick<ApacheSettings, 'port'>) => `http://127.0.0.1:${s.port}/protected/redirect_uri`;
export const loggedOutUrl = (s: Pick<ApacheSettings, 'port'>) => `http://127.0.0.1:${s.port}/loggedout.html`;

/**
 * A relying party as a CBS application team would configure one in the profile:
 * Apache httpd with Debian's mod_auth_openidc, private_key_jwt at the token
 * endpoint, PKCE S256, and the whole authorization request in a signed request
 * object (RS256, by value). /protected/ needs a signed-in user; its page shows
 * who (REMOTE_USER is the `sub`) and the ID token's `acr`, as the module passes them on.
 */
function apacheConfig(s: ApacheSettings): string {
  const requestObject = JSON.stringify({
    copy_from_request: ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method'],
    crypto: { sign_alg: 'RS256' },
    request_object_type: 'request',
  }).replace(/"/g, '\\"');
  return `ServerRoot "${s.dir}"
PidFile "${s.dir}/httpd.pid"
DefaultRuntimeDir "${s.dir}"
Mutex file:${s.dir} default
ServerName 127.0.0.1
Listen 127.0.0.1:${s.port}
LoadModule mpm_event_module ${MODULES}/mod_mpm_event.so
LoadModule authn_core_module ${MODULES}/mod_authn_core.so
LoadModule authz_core_module ${MODULES}/mod_authz_core.so
LoadModule authz_user_module ${MODULES}/mod_authz_user.so
LoadModule include_module ${MODULES}/mod_include.so
LoadModule mime_module ${MODULES}/mod_mime.so
LoadModule auth_openidc_module ${MODULES}/mod_auth_openidc.so
${process.getuid?.() === 0 ? 'User nobody\nGroup nogroup\n' : ''}ErrorLog "${s.dir}/error.log"
LogLevel warn auth_openidc:info
TypesConfig /dev/null
AddType text/html .html .shtml
AddOutputFilter INCLUDES .shtml
DocumentRoot "${s.dir}/htdocs"
<Directory "${s.dir}/htdocs">
  Options +Includes
  Require all granted
</Directory>

OIDCProviderMetadataURL ${s.issuer}/.well-known/openid-configuration
OIDCClientID ${s.clientId}
OIDCRedirectURI ${redirectUri(s)}
OIDCCryptoPassphrase ${randomBytes(24).toString('hex')}
# The keys first: the module accepts private_key_jwt only once it has a private key.
OIDCPrivateKeyFiles ${s.kid}#${s.dir}/rp-key.pem
OIDCPublicKeyFiles ${s.kid}#${s.dir}/rp-key.pub.pem
OIDCProviderTokenEndpointAuth private_key_jwt
OIDCPKCEMethod S256
OIDCScope "openid email"
OIDCRequestObject "${requestObject}"
OIDCRemoteUserClaim sub
OIDCPassClaimsAs environment
OIDCDefaultLoggedOutURL ${loggedOutUrl(s)}

<Location /protected>
  AuthType openid-connect
  Require valid-user
</Location>
`;
}

/** Starts httpd in the foreground with its own ServerRoot, and waits until it answers. */
export async function startApache(s: ApacheSettings): Promise<{ child: ChildProcess; log(): string; stop(): Promise<void> }> {
  mkdirSync(join(s.dir, 'htdocs', 'protected'), { recursive: true });
  writeFileSync(
    join(s.dir, 'htdocs', 'protected', 'index.shtml'),
    '<p>Microdata</p>\n<p id="user"><!--#echo var="REMOTE_USER" --></p>\n<p id="acr"><!--#echo var="OIDC_CLAIM_acr" --></p>\n',
  );
  writeFileSync(join(s.dir, 'htdocs', 'loggedout.html'), '<p>Logged out</p>\n');
  writeFileSync(join(s.dir, 'rp-key.pem'), s.privatePem, { mode: 0o600 });
  writeFileSync(join(s.dir, 'rp-key.pub.pem'), s.publicPem);
  writeFileSync(join(s.dir, 'httpd.conf'), apacheConfig(s));
  // Workers run as nobody when started by root: they read the documents, never the key (read at start-up).
  chmodSync(s.dir, 0o755);
  const child = track(spawn(APACHE, ['-d', s.dir, '-f', join(s.dir, 'httpd.conf'), '-DFOREGROUND'], { stdio: ['ignore', 'ignore', 'pipe'] }));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const log = () => `${stderr}${existsSync(join(s.dir, 'error.log')) ? readFileSync(join(s.dir, 'error.log'), 'utf8') : ''}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`apache exited (${child.exitCode}):\n${log()}`);
    if (
      await fetch(loggedOutUrl(s)).then(
        (r) => r.status === 200,
        () => false,
      )
    ) {
      return {
        child,
        log,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`apache does not answer on port ${s.port}:\n${log()}`);
}

/**
 * The browser's requests as navigations (Sec-Fetch-Mode: navigate), which Node's
 * fetch cannot send (it always says cors): mod_auth_openidc sends only a
 * navigation on to the provider, and answers anything else 401. Plain HTTP/1.1
 * on loopback, redirects not followed, answered as a fetch Response.
 */
export const navigationFetch = ((input: URL | string, init: RequestInit = {}) =>
  new Promise<Response>((resolve, reject) => {
    const headers = {
      ...(init.headers as Record<string, string>),
      'sec-fetch-mode': 'navigate',
      'sec-fetch-dest': 'document',
      accept: 'text/html,application/xhtml+xml',
    };
    const req = request(input, { method: init.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const answer = new Headers();
        for (const [name, value] of Object.entries(res.headers)) for (const v of [value ?? []].flat()) answer.append(name, v);
        resolve(new Response(res.statusCode === 204 || res.statusCode === 304 ? null : Buffer.concat(chunks), { status: res.statusCode, headers: answer }));
      });
    });
    req.on('error', reject);
    req.end(typeof init.body === 'string' ? init.body : undefined);
  })) as typeof fetch;
