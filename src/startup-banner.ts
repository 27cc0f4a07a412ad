import type { Config } from './config.ts';
import { DEMO_CHALLENGE } from './flows/demo/demo.ts';

/** Development only: how to walk the whole journey from here. */
export function startupBanner(config: Config, store: string): string {
  const demoAuth = `${config.issuer}/auth?client_id=demo-app&response_type=code&scope=openid%20email%20profile&redirect_uri=${encodeURIComponent(`${config.issuer}/demo/callback`)}&code_challenge=${DEMO_CHALLENGE}&code_challenge_method=S256`;
  const signIn = config.clientsFile
    ? `  2. Start a sign-in from one of the applications in ${config.clientsFile}, or open ${config.issuer}/account`
    : `  2. Start a sign-in as the demo client (client_id demo-app):\n     ${demoAuth}`;
  const mail = config.smtpUrl ? 'open the mail it sends' : `open the mail at ${config.issuer}/dev/outbox`;
  const defaults = config.devDefaults.length ? `  Development defaults in use:\n    - ${config.devDefaults.join('\n    - ')}\n` : '';
  return `
  cbs-idp (development) on ${config.issuer}, store: ${store}
${defaults}
  1. Create an account:    npm run idp -- accounts create --email you@example.org --name "Your Name"
${signIn}
  3. "Wachtwoord opvragen", then ${mail}

`;
}
