import { renderView } from '../view-engine.ts';
import { translator, type Locale, type MessageKey } from '../i18n/index.ts';
import type { Mail } from './mailer.ts';

/** A mail in the account's language, as plain text and HTML from one template pair under views/emails. */
export async function composeMail(template: string, subject: MessageKey, to: string, locale: Locale, model: Record<string, unknown>): Promise<Mail> {
  const t = translator(locale);
  const data = { ...model, t, locale, subject: t(subject) };
  const [text, html] = await Promise.all([renderView(`emails/${template}.text`, data), renderView(`emails/${template}.html`, data)]);
  return { to, subject: t(subject), text, html };
}
