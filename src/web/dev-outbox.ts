import type { Context } from 'koa';
import type { Mail } from '../mail/mailer.ts';
import { render } from './render.ts';

/** Development only (no SMTP_URL): the mails that would have been sent, with their links. */
export function devOutbox(outbox: Mail[]) {
  return (ctx: Context) => render(ctx, 'dev-outbox', { title: 'home.title', mails: outbox });
}
