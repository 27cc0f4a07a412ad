import nodemailer from 'nodemailer';
import type { Logger } from '../log.ts';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}
export interface Mailer {
  send(mail: Mail): Promise<void>;
  /** Development only: the mails printed to the console, newest first. */
  outbox?: Mail[];
}

/** SMTP when SMTP_URL is set; otherwise the console and a development outbox. */
export function createMailer(smtpUrl: string | undefined, from: string, log: Logger): Mailer {
  if (smtpUrl) {
    const transport = nodemailer.createTransport(smtpUrl);
    return {
      send: async (mail) => {
        await transport.sendMail({ from, ...mail });
      },
    };
  }
  const outbox: Mail[] = [];
  return {
    outbox,
    async send(mail) {
      outbox.unshift(mail);
      outbox.splice(50);
      // Development only: the console is the mailbox, so the link is printed on purpose.
      process.stdout.write(`\n--- mail to ${mail.to}: ${mail.subject}\n${mail.text}\n---\n`);
      log.debug({ to: mail.to, subject: mail.subject }, 'mail kept in the development outbox');
    },
  };
}
