import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import { finish, interactionOf, type Interaction } from '../interaction.ts';
import { isFirstParty, saveGrant, sessionIdFor } from '../../oidc/grants.ts';

type ConsentDeps = Pick<Services, 'provider' | 'store' | 'config'>;

/** The application's sid in the browser's provider session, kept in the session for the provider to use. */
async function persistedSessionId(s: ConsentDeps, cookie: string | undefined, clientId: string): Promise<string | undefined> {
  const session = cookie ? await s.provider.Session.find(cookie) : undefined;
  if (!session) return undefined;
  const sid = sessionIdFor(session, clientId);
  await session.persist();
  return sid;
}

/** What the application asks of each resource server (RESOURCE_SERVERS), by the server's URL. */
const resourceScopesOf = (interaction: Interaction) => (interaction.prompt.details.missingResourceScopes as Record<string, string[]> | undefined) ?? {};

/**
 * NL GOV OAuth 3.1.4 (Client Approval): the user is told who registered the
 * application (CBS does; there is no dynamic registration and no software
 * statement) and how long the access lasts.
 */
function disclosure(s: ConsentDeps, interaction: Interaction) {
  const nlgov = s.config.profile.nlgov;
  if (!nlgov) return undefined;
  return {
    offline: String(interaction.params.scope ?? '')
      .split(' ')
      .includes('offline_access'),
    hours: nlgov.refreshTokenSeconds / 3600,
    minutes: nlgov.accessTokenSeconds / 60,
  };
}

/** Consent, for clients not marked first-party; first-party clients are granted what they ask without a screen. */
export function consentFlow(s: ConsentDeps) {
  const grant = async (ctx: Context, interaction: Interaction) => {
    const {
      prompt: { details },
      params,
      session,
    } = interaction;
    const existing = interaction.grantId ? await s.provider.Grant.find(interaction.grantId) : undefined;
    const grant = existing ?? new s.provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
    const scopes = (details.missingOIDCScope as string[] | undefined) ?? [];
    if (scopes.length) grant.addOIDCScope(scopes.join(' '));
    const claims = (details.missingOIDCClaims as string[] | undefined) ?? [];
    if (claims.length) grant.addOIDCClaims(claims);
    for (const [resource, resourceScopes] of Object.entries(resourceScopesOf(interaction))) grant.addResourceScope(resource, resourceScopes.join(' '));
    const sid = await persistedSessionId(s, session?.cookie, grant.clientId!);
    await finish(ctx, interaction, { consent: { grantId: await saveGrant(s.store, grant, !existing, sid) } });
  };

  return {
    async show(ctx: Context, interaction: Interaction) {
      const client = await s.provider.Client.find(String(interaction.params.client_id));
      if (isFirstParty(client as never)) return grant(ctx, interaction);
      const scopes = (interaction.prompt.details.missingOIDCScope as string[] | undefined) ?? [];
      const resources = Object.entries(resourceScopesOf(interaction)).map(([url, resourceScopes]) => ({ url, scopes: resourceScopes }));
      await render(ctx, 'consent/consent', {
        title: 'consent.title',
        uid: interaction.uid,
        clientName: client?.clientName ?? interaction.params.client_id,
        scopes,
        resources,
        disclosure: disclosure(s, interaction),
      });
    },

    async submit(ctx: Context) {
      const interaction = interactionOf(ctx);
      const decision = (ctx.request as unknown as { body?: Record<string, unknown> }).body?.decision;
      if (decision === 'allow') return grant(ctx, interaction);
      await finish(ctx, interaction, { error: 'access_denied', error_description: 'the user denied the request' });
    },
  };
}
