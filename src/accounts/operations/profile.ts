import { nowSeconds } from '../../clock.ts';
import type { Account } from '../account.ts';
import { voidSetPasswordLinks } from '../reset-tokens.ts';
import { accountsOf } from '../update.ts';
import { recordEvent, type AccountDeps, type Actor } from '../events.ts';

/** What describes the holder, as a provisioning system (SCIM) or the CLI (the end date) sets it. */
export const PROFILE = ['email', 'name', 'personName', 'locale', 'externalId', 'endDate'] as const;
type ProfileChanges = { [K in (typeof PROFILE)[number]]?: Account[K] };

/**
 * Writes the changed profile fields (a field given as undefined is removed) in
 * one save on the version of `current`: a concurrent change is a
 * StaleAccountError for the caller to retry or refuse, a taken address a
 * DuplicateEmailError. Links mailed to the old address die with it.
 */
export async function updateProfile(s: AccountDeps, actor: Actor, current: Account, changes: ProfileChanges): Promise<Account> {
  const changed = PROFILE.filter((key) => key in changes);
  const next: Account = { ...current, modifiedAt: nowSeconds() };
  for (const key of changed) {
    if (changes[key] === undefined) delete next[key];
    else Object.assign(next, { [key]: changes[key] });
  }
  const saved = await accountsOf(s.store).save(next);
  if (changed.includes('email')) await voidSetPasswordLinks(s.store, current.id);
  await recordEvent(s, actor, current.id, 'updateProfile', { changed, ...(changed.includes('endDate') ? { endDate: saved.endDate ?? null } : {}) });
  return saved;
}
