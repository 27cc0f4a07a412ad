import { errors, interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { SIGN_IN_KINDS, type NlgovSettings, type ProfileSettings } from '../../profile-config.ts';

const { Prompt, Check } = interactionPolicy;
type Policy = ReturnType<typeof interactionPolicy.base>;

const normal = (values: readonly string[]) =>
  values
    .filter((v) => v !== 'mfa')
    .sort()
    .join('+');
const KINDS = new Map(SIGN_IN_KINDS.map((kind) => [normal(kind.split('+')), kind]));

/**
 * The `acr` a finished sign-in carries: the standard profile's own (amr.ts);
 * with NL GOV, the level NLGOV_ACR_MAP gives the way the user signed in. A way
 * the map does not know gets the lowest level, never a higher one.
 */
export function signInAcr(profile: ProfileSettings, how: { amr: string[]; acr: string }): string {
  if (!profile.nlgov) return how.acr;
  const kind = KINDS.get(normal(how.amr));
  return kind ? profile.nlgov.acrMap[kind] : profile.nlgov.acrLevels[0]!;
}

/** The levels the application asked for: acr_values, its default_acr_values, or the `acr` claim request. */
function requested(ctx: KoaContextWithOIDC): string[] {
  const acr = ctx.oidc.claims?.id_token?.acr as { value?: unknown; values?: unknown } | null | undefined;
  if (!acr) return [];
  const values = Array.isArray(acr.values) ? acr.values : acr.value === undefined ? [] : [acr.value];
  return values.map(String);
}

/**
 * The lowest level the request accepts (an `acr` must be at least what was asked,
 * and a higher one is accepted too), as its rank in NLGOV_ACR_VALUES; -1 when
 * nothing was asked, Infinity when nothing asked for is a level of ours.
 */
function requiredRank(n: NlgovSettings, ctx: KoaContextWithOIDC): number {
  const values = requested(ctx);
  if (!values.length) return -1;
  const ranks = values.map((v) => n.acrLevels.indexOf(v)).filter((rank) => rank >= 0);
  return ranks.length ? Math.min(...ranks) : Infinity;
}

const unmet = (description: string) => new errors.UnmetAuthenticationRequirements(description);

/**
 * What the profile asks of every authorization request, as prompts of the
 * provider's policy that never prompt: they pass or end the request with the
 * error the specifications name, which goes back to the application.
 * - first, before any sign-in: `nonce` and `state`, which the profile makes
 *   required, and a level of assurance no way of signing in here reaches
 *   (OpenID Connect Core Unmet Authentication Requirements 1.0);
 * - last, after the sign-in: the session's level at least the requested one,
 *   so that no token is ever issued at a lower level than asked.
 */
export function withAssurance(policy: Policy, n: NlgovSettings): Policy {
  const reachable = Math.max(...Object.values(n.acrMap).map((level) => n.acrLevels.indexOf(level)));
  policy.add(
    new Prompt(
      { name: 'nlgov_request', requestable: false },
      new Check('nlgov_required_parameters', 'nonce and state are required', (ctx) => {
        for (const name of ['nonce', 'state'] as const) {
          if (!ctx.oidc.params?.[name]) throw new errors.InvalidRequest(`${name} is required by the NL GOV profile`);
        }
        return Check.NO_NEED_TO_PROMPT;
      }),
      new Check('acr_unreachable', 'the requested level of assurance cannot be reached', (ctx) => {
        if (requiredRank(n, ctx) > reachable) throw unmet('no way of signing in here reaches the requested level of assurance');
        return Check.NO_NEED_TO_PROMPT;
      }),
    ),
    0,
  );
  policy.add(
    new Prompt(
      { name: 'nlgov_acr_met', requestable: false },
      new Check('acr_below_requested', 'the sign-in is below the requested level of assurance', (ctx) => {
        const achieved = n.acrLevels.indexOf(ctx.oidc.session?.acr ?? '');
        if (achieved < requiredRank(n, ctx)) throw unmet('the sign-in did not reach the requested level of assurance');
        return Check.NO_NEED_TO_PROMPT;
      }),
    ),
  );
  return policy;
}
