import type { Context, Middleware } from 'koa';
import type { Services } from '../../services.ts';
import type { MessageKey, MessageParams } from '../../i18n/index.ts';
import { render } from '../../web/render.ts';
import { UpstreamFailure } from '../../upstream/failure.ts';
import type { UpstreamPurpose } from '../../upstream/pending.ts';
import { interactionUrl } from '../interaction.ts';

/** Where a page of an institution sign-in leads back to: the sign-in's login page, My account, or the detour's end. */
interface Back {
  url: string;
  label: MessageKey;
}

function backTo(purpose: UpstreamPurpose | undefined): Back {
  switch (purpose?.kind) {
    case 'login':
      return { url: interactionUrl(purpose.uid), label: 'common.back_to_login' };
    case 'link':
      return { url: '/account', label: 'account.back' };
    case 'invitation':
      return { url: '/password/continue', label: 'common.continue' };
    default:
      return { url: '/', label: 'error.home' };
  }
}

/** From here on, the pages of this request lead back to where this purpose began. */
export function leadBackTo(ctx: Context, purpose: UpstreamPurpose): void {
  ctx.state.upstreamPurpose = purpose;
}

const purposeOf = (ctx: Context) => ctx.state.upstreamPurpose as UpstreamPurpose | undefined;

/** A page that closes with a way back (a message of the upstream block, what it takes, its status). */
export const upstreamPage = (
  ctx: Context,
  title: MessageKey,
  message: MessageKey,
  status = 200,
  back = backTo(purposeOf(ctx)),
  messageParams?: MessageParams,
) => render(ctx, 'message', { title, message, messageParams, okUrl: back.url, okLabel: back.label }, status);

/** A link's outcome (LINK_OUTCOME) as its page. */
export const outcomePage = (ctx: Context, title: MessageKey, said: { message: MessageKey; status: number; params?: MessageParams }) =>
  upstreamPage(ctx, title, said.message, said.status, undefined, said.params);

type FailureDeps = Pick<Services, 'audit'>;

/**
 * The one place an institution sign-in's failure becomes a page: in the
 * person's language (the pending sign-in's, once it is known), with its status
 * (4xx, or 503 when the provider did not answer), a way back, and an audit
 * event. Nothing has changed by then: every change comes after every check.
 */
export function upstreamFailures(s: FailureDeps): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (!(err instanceof UpstreamFailure)) throw err;
      const purpose = purposeOf(ctx);
      s.audit('upstream.failure', {
        provider: ctx.params.provider,
        purpose: purpose?.kind,
        reason: err.reason,
        detail: err.message,
        ...(err.cause instanceof Error ? { cause: err.cause.message } : {}),
        ip: ctx.ip,
      });
      if (err.status === 503) ctx.set('Retry-After', '30');
      await upstreamPage(ctx, 'upstream.failure.title', err.messageKey, err.status);
    }
  };
}
