import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionResults, Session } from 'oidc-provider';
import { SignInExpired } from '../errors.ts';
import { pickLocale } from '../i18n/index.ts';
import { adoptLocale } from '../web/page-state.ts';
import { sendJson } from '../web/json.ts';
import { fromGuard, type Ctx, type State } from '../request-state.ts';

export type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/** A sign-in in progress: the provider's interaction and, once an account is signed in to it, the provider's session. */
export interface SignIn {
  interaction: Interaction;
  session?: Session;
}

/**
 * The sign-in this browser is in, bound to the :uid in the URL; SignInExpired
 * when there is none. Read as the provider's interactionDetails() reads it
 * (the interaction from its signed cookie, then the session it started in,
 * still there and still of the same account), keeping that session for the
 * steps that need it instead of reading it a second time. A store failure is
 * not "expired": it goes through as an outage (error-pages.ts).
 */
export async function currentSignIn(ctx: Context, provider: Provider): Promise<SignIn> {
  const uid = ctx.cookies.get(provider.cookieName('interaction'), { signed: true });
  if (!uid) throw new SignInExpired('no interaction cookie');
  if (uid !== ctx.params.uid) throw new SignInExpired('interaction cookie and URL differ');
  const interaction = await provider.Interaction.find(uid);
  if (!interaction) throw new SignInExpired('interaction not found');
  const started = interaction.session;
  let session: Session | undefined;
  if (started?.uid) {
    // By the session id it had then; a session whose id was renewed since is found by its uid.
    const byId = started.cookie ? await provider.Session.find(started.cookie) : undefined;
    session = byId?.uid === started.uid ? byId : await provider.Session.findByUid(started.uid);
    if (!session || session.accountId !== started.accountId) throw new SignInExpired('session ended or changed');
  }
  adoptLocale(ctx, pickLocale(interaction.params.ui_locales as string | undefined));
  return { interaction, session };
}

/**
 * Hands the result back to oidc-provider, which decides what comes next (its
 * policy); returns where the browser goes next. This is what the provider's
 * interactionResult() does, without reading the interaction a second time.
 */
export async function handBack(interaction: Interaction, result: InteractionResults): Promise<string> {
  interaction.result = result;
  // Interaction lifetimes are the provider's, on its own clock (Date.now), not ours.
  await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
  return interaction.returnTo;
}

export async function finish(ctx: Context, interaction: Interaction, result: InteractionResults): Promise<void> {
  seeOther(ctx, await handBack(interaction, result));
}

/** The browser goes on to `url` with a GET (after a form's POST). */
export function seeOther(ctx: Context, url: string): void {
  ctx.status = 303;
  ctx.redirect(url);
}

/** Stores flow state server-side with the interaction (never in a cookie), keeping its expiry. */
export async function keepWithSignIn(interaction: Interaction, state: Record<string, unknown>): Promise<void> {
  interaction.result = { ...interaction.result, ...state };
  await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
}

export const interactionUrl = (uid: string, step = '') => `/interaction/${uid}${step}`;

/** The sign-in a route guard loaded for this request (atPrompt). */
export const interactionOf = (ctx: Ctx) => fromGuard(ctx, 'interaction');

/**
 * Route guard: the sign-in is at this prompt of the provider's policy; otherwise
 * the browser goes to the sign-in's current screen (a JSON caller gets a 409).
 */
export function atPrompt(provider: Provider, prompt: 'login' | 'consent', options: { json?: boolean } = {}): Middleware<State> {
  return async (ctx, next) => {
    const { interaction } = await currentSignIn(ctx, provider);
    if (interaction.prompt.name !== prompt) return toCurrentScreen(ctx, interaction.uid, !!options.json);
    ctx.state.interaction = interaction;
    await next();
  };
}

/** A request for a step the sign-in is not at: the browser goes to its current screen, a JSON caller gets a 409. */
export function toCurrentScreen(ctx: Context, uid: string, json: boolean): void {
  if (json) {
    sendJson(ctx, { error: 'wrong_step' }, 409);
    return;
  }
  ctx.status = 303;
  ctx.redirect(interactionUrl(uid));
}
