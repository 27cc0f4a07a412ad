import { DuplicateEmailError, StaleAccountError, type StoredAccount } from '../../adapters/types.ts';
import { inParallel, uniqueId, type StoreAccess } from './helpers.ts';

export function accountStoreContract(store: StoreAccess): void {
  describe('account store', () => {
    const accounts = () => store().accounts;
    const newAccount = (email = `${uniqueId('user')}@cbs.nl`): StoredAccount => ({
      id: uniqueId('account'),
      email,
      version: 1,
      name: 'Ann Example',
      mfa: { totp: null },
    });

    it('finds a created account by id and by e-mail in any case', async () => {
      const account = newAccount(`Ann.${uniqueId('Example')}@CBS.nl`);
      await accounts().create(account);
      expect(await accounts().findById(account.id)).toEqual(account);
      expect(await accounts().findByEmail(account.email.toLowerCase())).toEqual(account);
      expect(await accounts().findByEmail(account.email.toUpperCase())).toEqual(account);
    });

    it('finds nothing for an unknown id or e-mail', async () => {
      expect(await accounts().findById(uniqueId('account'))).toBeUndefined();
      expect(await accounts().findByEmail(`${uniqueId('nobody')}@cbs.nl`)).toBeUndefined();
    });

    it('rejects a second account with the same e-mail in another case', async () => {
      const first = newAccount(`${uniqueId('dup')}@cbs.nl`);
      await accounts().create(first);
      await expect(accounts().create(newAccount(first.email.toUpperCase()))).rejects.toThrow(DuplicateEmailError);
      expect(await accounts().findByEmail(first.email)).toEqual(first);
    });

    it('lets exactly one of 20 concurrent creates with one e-mail succeed', async () => {
      const email = `${uniqueId('race')}@cbs.nl`;
      const attempts = Array.from({ length: 20 }, (_, i) => newAccount(i % 2 ? email.toUpperCase() : email));
      // inParallel counts i below attempts.length.
      const outcomes = await inParallel(attempts.length, (i) => accounts().create(attempts[i]!));

      const winners = outcomes.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [attempts[i]] : []));
      expect(winners).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(DuplicateEmailError);
      }
      expect(await accounts().findByEmail(email)).toEqual(winners[0]);
    });

    it('rejects a create with an existing id and keeps the new e-mail free', async () => {
      const first = newAccount();
      await accounts().create(first);
      const sameId = { ...newAccount(), id: first.id };
      await expect(accounts().create(sameId)).rejects.toThrow();
      expect(await accounts().findById(first.id)).toEqual(first);
      expect(await accounts().findByEmail(sameId.email)).toBeUndefined();
      await expect(accounts().create(newAccount(sameId.email))).resolves.toBeUndefined();
    });

    it('saves changes and bumps the version', async () => {
      const account = newAccount();
      await accounts().create(account);
      const saved = await accounts().save({ ...account, name: 'Ann Changed' });
      expect(saved).toEqual({ ...account, name: 'Ann Changed', version: account.version + 1 });
      expect(await accounts().findById(account.id)).toEqual(saved);
    });

    it('rejects a save on a stale version and keeps the stored account', async () => {
      const account = newAccount();
      await accounts().create(account);
      const saved = await accounts().save({ ...account, name: 'First writer' });
      await expect(accounts().save({ ...account, name: 'Second writer' })).rejects.toThrow(StaleAccountError);
      expect(await accounts().findById(account.id)).toEqual(saved);
    });

    it('lets exactly one of 10 concurrent saves of one version succeed', async () => {
      const account = newAccount();
      await accounts().create(account);
      const outcomes = await inParallel(10, (i) => accounts().save({ ...account, name: `Writer ${i}` }));
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      expect((await accounts().findById(account.id))?.version).toBe(account.version + 1);
    });

    it('moves the e-mail on a save that changes it, freeing the old one', async () => {
      const account = newAccount();
      await accounts().create(account);
      const moved = await accounts().save({ ...account, email: `${uniqueId('moved')}@cbs.nl` });
      expect(await accounts().findByEmail(moved.email)).toEqual(moved);
      expect(await accounts().findByEmail(account.email)).toBeUndefined();
      await expect(accounts().create(newAccount(account.email))).resolves.toBeUndefined();
    });

    it("rejects a save that takes another account's e-mail", async () => {
      const [account, other] = [newAccount(), newAccount()];
      await accounts().create(account);
      await accounts().create(other);
      await expect(accounts().save({ ...account, email: other.email.toUpperCase() })).rejects.toThrow(DuplicateEmailError);
      expect(await accounts().findById(account.id)).toEqual(account);
      expect(await accounts().findByEmail(other.email)).toEqual(other);
    });
  });
}
