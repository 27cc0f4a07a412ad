import { describeOnEveryStore, bootIdp, type TestIdp } from '../support/test-idp.ts';
import { scimClient, type Scim } from '../support/scim-client.ts';
import { USER_SCHEMA } from '../../src/scim/schema.ts';

const SCIM_JSON = 'application/scim+json';
type User = { id: string; userName: string; externalId?: string; active: boolean };
type ListResponse = { totalResults: number; startIndex: number; itemsPerPage: number; Resources: User[] };

/** SCIM filters and list pages: answered from the store's indexes, never by reading every account. */
describeOnEveryStore('SCIM filters and paging', (store) => {
  let idp: TestIdp;
  let scim: Scim;
  beforeAll(async () => {
    idp = await bootIdp({ store });
    scim = await scimClient(idp);
  });
  afterAll(() => idp.close());

  const list = (filter: string, paging = '') => scim('GET', `/Users?filter=${encodeURIComponent(filter)}${paging}`);
  const create = async (userName: string, extra: Record<string, unknown> = {}) => {
    const res = await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName, name: { formatted: 'Filter Tester' }, ...extra });
    expect(res.status).toBe(201);
    return res.body as User;
  };
  const userNames = (body: ListResponse) => body.Resources.map((u) => u.userName);

  const prototypeNames = Object.getOwnPropertyNames(Object.prototype);
  const malformed = [
    'x',
    'userName',
    'userName eq',
    'userName eq x',
    'userName eq 42',
    'userName eq null',
    'userName eq "open',
    'userName eq "bad \\q escape"',
    '(userName eq "a"',
    'userName eq "a")',
    'userName eq "a" and',
    'and',
    'or userName eq "a"',
    'not userName eq "a"',
    'userName eq "a" xor id eq "b"',
    'userName eq "a"b',
    'emails[value eq "a"',
    'emails[value eq "a"]]',
    'emails[emails[value eq "a"]]',
    '[',
    ']',
    '""',
    '()',
    'active eq maybe',
    'userName co "x"',
    'userName pr',
    'meta.created gt "x"',
    'title eq "x"',
    'name.givenName eq "x"',
    '\u0000 eq "x"',
    `${'('.repeat(40)}id eq "a"${')'.repeat(40)}`,
    `userName eq "${'x'.repeat(1000)}"`,
    'urn:ietf:params:scim:schemas:core:2.0:User:__proto__ eq "x"',
    'emails.value.__proto__ eq "x"',
    ...prototypeNames.flatMap((name) => [
      `${name} eq "x"`,
      `emails.${name} eq "x"`,
      `emails[${name} eq "x"]`,
      `userName.${name} eq "x"`,
      `${name}.value eq "x"`,
    ]),
  ];

  test(`every malformed filter (${malformed.length} of them, every attribute path through the prototype chain among them) is a 400 invalidFilter`, async () => {
    const answers = await Promise.all(
      malformed.map(async (filter) => {
        const res = await list(filter);
        return { filter, status: res.status, scimType: res.body?.scimType, json: res.type?.includes(SCIM_JSON) };
      }),
    );
    expect(answers.filter((a) => a.status !== 400 || a.scimType !== 'invalidFilter' || !a.json)).toEqual([]);
    const twice = await scim('GET', '/Users?filter=id%20eq%20%22a%22&filter=id%20eq%20%22b%22');
    expect([twice.status, twice.body.scimType]).toEqual([400, 'invalidFilter']);
  });

  test('userName, emails, externalId and id with eq, alone and inside and/or/not, are answered; removed accounts never', async () => {
    const t = `f${store}${Date.now()}`;
    const ann = await create(`${t}-ann@example.org`, { externalId: `HR-${t}-1` });
    const bob = await create(`${t}-bob@example.org`, { externalId: `HR-${t}-2`, active: false });
    const gone = await create(`${t}-gone@example.org`, { externalId: `HR-${t}-3` });
    expect((await scim('DELETE', `/Users/${gone.id}`)).status).toBe(204);

    const answered = async (filter: string) => {
      const res = await list(filter);
      expect([filter, res.status]).toEqual([filter, 200]);
      return userNames(res.body);
    };
    expect(await answered(`userName eq "${t.toUpperCase()}-ANN@example.org"`)).toEqual([ann.userName]);
    expect(await answered(`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "${ann.userName}"`)).toEqual([ann.userName]);
    expect(await answered(`emails.value eq "${bob.userName}"`)).toEqual([bob.userName]);
    expect(await answered(`emails[value eq "${bob.userName}"]`)).toEqual([bob.userName]);
    expect(await answered(`externalId eq "HR-${t}-1"`)).toEqual([ann.userName]);
    expect(await answered(`externalId eq "hr-${t}-1"`)).toEqual([]);
    expect(await answered(`id eq "${bob.id}"`)).toEqual([bob.userName]);
    expect(await answered(`externalId eq "HR-${t}-2" or userName eq "${ann.userName}"`)).toEqual([ann.userName, bob.userName]);
    expect(await answered(`(externalId eq "HR-${t}-1" or externalId eq "HR-${t}-2") and active eq false`)).toEqual([bob.userName]);
    expect(await answered(`userName eq "${ann.userName}" and not (active eq false)`)).toEqual([ann.userName]);
    expect(await answered(`userName eq "${ann.userName}" and userName ne "${ann.userName}"`)).toEqual([]);
    // The removed account: by its id, its old address, its old externalId, and its placeholder address.
    for (const filter of [
      `id eq "${gone.id}"`,
      `userName eq "${gone.userName}"`,
      `externalId eq "HR-${t}-3"`,
      `userName eq "deleted-${gone.id}@deleted.invalid"`,
    ]) {
      expect(await answered(filter)).toEqual([]);
    }
  });

  test.each([
    ['active alone', 'active eq true'],
    ['ne', 'userName ne "nobody@example.org"'],
    ['not', 'not (userName eq "nobody@example.org")'],
    ['or with an unindexed side', 'userName eq "nobody@example.org" or active eq false'],
  ])('a filter no index can answer (%s) is a 400 tooMany', async (_what, filter) => {
    const res = await list(filter);
    expect([res.status, res.body.scimType, res.type?.includes(SCIM_JSON)]).toEqual([400, 'tooMany', true]);
  });

  test('an externalId shared by more accounts than a request reads (200) is a 400 tooMany; by 200 it is answered', async () => {
    const shared = `shared-${store}-${Date.now()}`;
    for (let i = 0; i < 200; i++) await create(`${shared}-${i}@example.org`, { externalId: shared });
    expect((await list(`externalId eq "${shared}"`, '&count=1')).body).toMatchObject({ totalResults: 200, itemsPerPage: 1 });
    await create(`${shared}-last@example.org`, { externalId: shared });
    const res = await list(`externalId eq "${shared}"`);
    expect([res.status, res.body.scimType]).toEqual([400, 'tooMany']);
    expect((await list(`externalId eq "${shared}" and userName eq "${shared}-last@example.org"`)).body.totalResults).toBe(1);
  });

  test('list pages follow the address order, page by page, without removed accounts', async () => {
    const t = `p${store}${Date.now()}`;
    for (const name of ['c', 'a', 'b', 'd']) await create(`${t}-${name}@example.org`);
    const gone = await create(`${t}-e@example.org`);
    await scim('DELETE', `/Users/${gone.id}`);

    const pagesOf = async (size: number) => {
      const names: string[] = [];
      for (let start = 1; ; start += size) {
        const page = (await scim('GET', `/Users?startIndex=${start}&count=${size}`)).body as ListResponse;
        expect(page.startIndex).toBe(start);
        names.push(...userNames(page));
        if (start + size > page.totalResults) return { names, total: page.totalResults };
      }
    };
    const all = await pagesOf(200);
    expect(all.total).toBe(all.names.length);
    const keys = all.names;
    expect(keys).toEqual([...keys].sort());
    expect(keys.filter((k) => k.startsWith(t))).toEqual(['a', 'b', 'c', 'd'].map((n) => `${t}-${n}@example.org`));
    expect(keys).not.toContain(gone.userName);

    expect(await pagesOf(7)).toEqual(all);
    expect((await scim('GET', `/Users?startIndex=${all.total + 1}`)).body).toMatchObject({ itemsPerPage: 0, Resources: [] });
    expect((await scim('GET', '/Users?count=0')).body).toMatchObject({ totalResults: all.total, itemsPerPage: 0, Resources: [] });
  });
});
