import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import type { Ctx } from '../../request-state.ts';
import type { FieldErrors } from '../../web/form.ts';
import { factorList, momentOf, signInMethod } from '../../i18n/format.ts';
import { isReauthenticated, REAUTH_SECONDS, type AccountSession } from '../../mfa/reauth.ts';
import { firstFactorOf } from '../../oidc/amr.ts';
import { linkedInstitutions } from '../../upstream/links-view.ts';

type AccountPageDeps = Pick<Services, 'store'>;

/**
 * My account: who you are, how you sign in, where you signed in lately. The
 * change forms show only once the second factor has been confirmed again;
 * until then the page offers "confirm it's you" with each factor the account has.
 */
export async function showAccount(ctx: Ctx, s: AccountPageDeps, { session, account }: AccountSession, errors: FieldErrors = {}, status = 200): Promise<void> {
  await render(
    ctx,
    'account/account',
    {
      title: 'account.title',
      name: account.name,
      email: account.email,
      reauthenticated: await isReauthenticated(s, session),
      reauthMinutes: REAUTH_SECONDS / 60,
      ...factorList(account),
      // The last second factor stays: without one the next sign-in would start enrolment again.
      canRemove: account.totp.length + account.passkeys.length > 1,
      // #26: linked institution accounts; linking only from a sign-in with the password.
      upstream: { ...(await linkedInstitutions(ctx, s.store, account.id)), canLink: firstFactorOf(session.amr) === 'pwd' },
      signIns: [...account.recentSignIns].sort((a, b) => b.at - a.at).map((x) => ({ at: momentOf(x.at), method: signInMethod(x.method), ip: x.ip ?? '' })),
      errors,
    },
    status,
  );
}
