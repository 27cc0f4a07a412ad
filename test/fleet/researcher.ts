import * as oidc from 'openid-client';
import { Browser, linkTo, type Page } from '../support/browser.ts';
import { finishSignIn, login, setPasswordByMail, startSignIn, text, totpCode, totpKey } from '../support/journey.ts';
import type { SmtpSink } from '../support/smtp-sink.ts';
import { msg } from '../support/messages.ts';

export const PASSWORD = 'fleet of three, one standing 2026';

/** One virtual user and what they know: whether their password is set, their authenticator's key, the codes they used. */
export interface Researcher {
  email: string;
  fetch: typeof fetch;
  passwordSet: boolean;
  secret?: string;
  usedSteps: Set<number>;
}

export interface Fleet {
  issuer: string;
  metadata: oidc.ServerMetadata;
  smtp: SmtpSink;
}

/** The portal application, talking to the provider through the same load balancer (discovered once). */
function portal(fleet: Fleet, researcher: Researcher): oidc.Configuration {
  const config = new oidc.Configuration(fleet.metadata, 'portal', 'portal-secret');
  oidc.allowInsecureRequests(config);
  config[oidc.customFetch] = (url, options) => researcher.fetch(url, options as RequestInit);
  return config;
}

/** A code from a time step this researcher has not used yet (each code is accepted once). */
async function freshCode(researcher: Researcher): Promise<string> {
  const step = Math.floor(Date.now() / 30_000);
  const offset = researcher.usedSteps.has(step) ? 1 : 0;
  researcher.usedSteps.add(step + offset);
  return totpCode(researcher.secret!, offset);
}

function expectStatus(page: Page, status: number, step: string): Page {
  if (page.status !== status) throw new Error(`${step} answered ${page.status}: ${text(page).slice(0, 300)}`);
  return page;
}

async function enrol(browser: Browser, notice: Page, researcher: Researcher): Promise<Page> {
  const choice = await browser.follow(linkTo(notice, msg('common.ok')));
  const page = await browser.follow(/href="([^"]*\/enrol\/totp)"/.exec(choice.html)![1]!);
  researcher.secret = totpKey(page);
  const activated = expectStatus(await browser.submit(page, '/enrol/totp', { code: await freshCode(researcher) }), 200, 'activation');
  return browser.follow(linkTo(activated, msg('common.ok')));
}

async function verify(browser: Browser, page: Page, researcher: Researcher): Promise<Page> {
  const returned = expectStatus(await browser.submit(page, '/verify/totp', { code: await freshCode(researcher) }), 303, 'code');
  return browser.follow(returned.location!);
}

/**
 * One sign-in through the load balancer, from wherever this researcher stands:
 * the first (password by mail, authenticator enrolment) or a returning one.
 * Returns the ID token's claims as the application received them.
 */
export async function signIn(fleet: Fleet, researcher: Researcher): Promise<oidc.IDToken> {
  const browser = new Browser(fleet.issuer, {}, researcher.fetch);
  const started = await startSignIn({ client: async () => portal(fleet, researcher) });
  let page = await browser.follow(started.url);
  if (!researcher.passwordSet) {
    const mailbox = { issuer: fleet.issuer, smtp: { ...fleet.smtp, next: (to: string) => fleet.smtp.next(to, 10_000) } };
    page = await setPasswordByMail(browser, mailbox, page, researcher.email, PASSWORD);
    researcher.passwordSet = true;
  }
  page = await login(browser, page, researcher.email, PASSWORD);
  const back = page.html.includes('/verify/totp') ? await verify(browser, page, researcher) : await enrol(browser, page, researcher);
  if (!back.location?.startsWith('http://127.0.0.1:9/callback?code='))
    throw new Error(`no return to the application: ${back.status} ${text(back).slice(0, 300)}`);
  return (await finishSignIn(started, back.location)).claims()!;
}
