import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { currentInteraction, finish, interactionUrl, type Interaction } from '../interaction.ts';
import { render } from '../../web/render.ts';
import { readForm, normalizeEmail, type FieldErrors } from '../../web/form.ts';
import { PASSWORD_ONLY } from '../../oidc/amr.ts';
import { checkCredentials } from './credentials.ts';
import { signInTime } from '../../accounts/account.ts';

const LIMITS = { username: 254, password: 1024 };

/** Step one of every sign-in: username and password. The second factor follows at the provider's mfa prompt. */
export function loginFlow(s: Services) {
  const page = (ctx: Context, interaction: Interaction, username: string, errors: FieldErrors, status = 200) =>
    render(ctx, 'login', {
      title: 'login.title',
      uid: interaction.uid,
      username,
      errors,
      requestPasswordUrl: `/password/request?interaction=${encodeURIComponent(interaction.uid)}`,
    }, status);

  return {
    show: (ctx: Context, interaction: Interaction, errors: FieldErrors = {}, status = 200) =>
      page(ctx, interaction, String(interaction.params.login_hint ?? ''), errors, status),

    async submit(ctx: Context) {
      const interaction = await currentInteraction(ctx, s.provider);
      if (interaction.prompt.name !== 'login') return ctx.redirect(interactionUrl(interaction.uid));
      const form = readForm(ctx, LIMITS, ['password']);
      if (!form.ok) return page(ctx, interaction, form.values.username, form.errors, 400);

      const outcome = await checkCredentials(s, normalizeEmail(form.values.username), form.values.password, ctx.ip);
      if (outcome.kind === 'locked') {
        const minutes = Math.ceil(outcome.seconds / 60);
        return page(ctx, interaction, form.values.username, { form: { key: 'login.locked', params: { minutes } } }, 429);
      }
      if (outcome.kind === 'invalid') return page(ctx, interaction, form.values.username, { form: 'login.invalid' }, 401);
      await finish(ctx, interaction, { login: { accountId: outcome.account.id, ...PASSWORD_ONLY, ts: signInTime(outcome.account), remember: false } });
    },
  };
}
