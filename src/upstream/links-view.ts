import type { Context } from 'koa';
import type { Store } from '../../adapters/types.ts';
import { momentOf } from '../i18n/format.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { PageState } from '../web/render.ts';
import { identityRef } from './client.ts';
import { offeredProviders } from './offered.ts';

/**
 * An account's linked institution accounts as My account and the helpdesk
 * console show them: which provider, what the institution said of the person
 * (schac_home_organization…), when and how it was linked, when last used to log in.
 */
export async function linkedInstitutions(ctx: Context, store: Pick<Store, 'upstreamLinks'>, accountId: string) {
  const { locale } = ctx.state as PageState;
  const providers = offeredProviders(ctx);
  const links = await store.upstreamLinks.ofAccount(accountId);
  return {
    providers: providers.map((p) => ({ id: p.id, name: p.displayName[locale] })),
    links: links.map((l) => ({
      id: identityRef(l),
      provider: providers.find((p) => p.id === l.provider)?.displayName[locale] ?? l.provider,
      label: Object.values(l.label).join(', ') || l.provider,
      linked: momentOf(l.linkedAt),
      via: `upstream.via.${l.via}` as MessageKey,
      lastUsed: momentOf(l.lastUsedAt ?? 0),
    })),
  };
}
