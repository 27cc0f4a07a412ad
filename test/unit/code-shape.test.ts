import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, dirname, relative, resolve } from 'node:path';
import nl from '../../locales/nl.json' with { type: 'json' };
import en from '../../locales/en.json' with { type: 'json' };

/** The shape the code promises (README, "Code layout"), checked so that it cannot drift. */
const ROOT = resolve(import.meta.dirname, '../..');
const filesUnder = (dir: string, ext: RegExp): string[] =>
  readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? filesUnder(path, ext) : ext.test(name) ? [path] : [];
  });
const source = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const SRC = filesUnder('src', /\.ts$/);

/** Local imports of a file that exist at run time (type-only imports do not), as paths from the repository root. */
const importsOf = (file: string) =>
  [...source(file).matchAll(/^(?:import|export) (?!type )[^'"]*from '(\.[^']+)'/gm)].map((m) => relative(ROOT, resolve(ROOT, dirname(file), m[1]!)));

/** Every local import of a file, type-only ones too: what it depends on to be read and type-checked. */
const allImportsOf = (file: string) =>
  [...source(file).matchAll(/^(?:import|export) [^'"]*from '(\.[^']+)'/gm)].map((m) => relative(ROOT, resolve(ROOT, dirname(file), m[1]!)));

/**
 * The flow a file belongs to (src/flows/<flow>/…), if any. What several flows
 * share is no flow: the files beside the folders (interaction.ts,
 * complete-sign-in.ts, return-to.ts) and session/, the signed-in session of My
 * account and the console.
 */
const flowOf = (file: string) => {
  const parts = file.split('/');
  return parts[0] === 'src' && parts[1] === 'flows' && parts.length > 3 && parts[2] !== 'session' ? parts[2] : undefined;
};

/** The unit a source file belongs to: its folder (one per flow and per credential type), or itself for src/*.ts. */
const folderOf = (file: string) => {
  const parts = file.split('/');
  if (parts[0] !== 'src') return parts[0]!;
  if (parts.length <= 2) return file;
  return ['flows', 'mfa'].includes(parts[1]!) && parts.length > 3 ? parts.slice(0, 3).join('/') : parts.slice(0, 2).join('/');
};

/** Cycles in an import graph (one at least, whenever there is any), each as "a → b → a". */
function cyclesIn(edges: Map<string, Set<string>>): string[] {
  const cycles = new Set<string>();
  const done = new Set<string>();
  // Depth first; a node whose every path was walked is never walked again, so a large graph stays fast.
  const visit = (node: string, path: string[]) => {
    for (const next of edges.get(node) ?? []) {
      if (path.includes(next)) cycles.add([...path.slice(path.indexOf(next)), next].join(' → '));
      else if (!done.has(next)) visit(next, [...path, next]);
    }
    done.add(node);
  };
  for (const start of edges.keys()) if (!done.has(start)) visit(start, [start]);
  return [...cycles];
}

describe('code shape', () => {
  test('credential modules (src/mfa) import nothing from flows or web', () => {
    const offending = SRC.filter((f) => f.startsWith('src/mfa/')).flatMap((f) =>
      importsOf(f)
        .filter((i) => /^src\/(flows|web)\//.test(i))
        .map((i) => `${f} → ${i}`),
    );
    expect(offending).toEqual([]);
  });

  test("no account is written outside src/accounts: the store's writing methods and updateAccount are called there only", () => {
    // The AccountStore's writes (create, save, reindex), on the store's accounts or through accountsOf(), and the read-change-write.
    const writes = /\baccounts(?:Of\([^)]*\))?\s*\.\s*(?:create|save|reindex)\s*\(|\bupdateAccount\b/;
    const offending = SRC.filter((f) => !f.startsWith('src/accounts/')).flatMap((f) =>
      source(f)
        .split('\n')
        .flatMap((line, i) => (writes.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offending).toEqual([]);
  });

  test('no import cycle between folders', () => {
    const edges = new Map<string, Set<string>>();
    for (const file of SRC) {
      for (const target of importsOf(file)) {
        const [from, to] = [folderOf(file), folderOf(target)];
        if (from !== to) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    expect(cyclesIn(edges)).toEqual([]);
  });

  test('no import cycle between files, within a folder too', () => {
    const edges = new Map(SRC.map((file) => [file, new Set(importsOf(file))]));
    expect(cyclesIn(edges)).toEqual([]);
  });

  test('no flow imports another flow', () => {
    const crossing = SRC.filter(flowOf).flatMap((f) =>
      allImportsOf(f)
        .filter((i) => flowOf(i) && flowOf(i) !== flowOf(f))
        .map((i) => `${f} → ${i}`),
    );
    expect(crossing).toEqual([]);
  });

  test('scim/ and cli/ import no flow: they change accounts through src/accounts, as the flows do', () => {
    const offending = SRC.filter((f) => /^src\/(scim|cli)\//.test(f)).flatMap((f) =>
      allImportsOf(f)
        .filter((i) => i.startsWith('src/flows/'))
        .map((i) => `${f} → ${i}`),
    );
    expect(offending).toEqual([]);
  });

  test('every translation key a template uses exists in both languages, and every key is used', () => {
    const keys = new Set(Object.keys(nl));
    expect(Object.keys(en).sort()).toEqual([...keys].sort());
    const texts = [...filesUnder('views', /\.ejs$/), ...SRC].map(source).join('\n');
    const used = new Set([...texts.matchAll(/'([a-z_]+(?:\.[a-z0-9_]+)+)'/g)].map((m) => m[1]!));
    const fromViews = [
      ...filesUnder('views', /\.ejs$/)
        .map(source)
        .join('\n')
        .matchAll(/\bt\('([^']+)'/g),
    ].map((m) => m[1]!);
    // Keys built at run time (set.error.${problem} in code, t('step.' + n) in templates) are used by prefix.
    const dynamic = [...texts.matchAll(/`([a-z_]+(?:\.[a-z_]+)*\.)\$\{/g)].map((m) => m[1]!);
    dynamic.push(...fromViews.filter((k) => k.endsWith('.')));
    expect(fromViews.filter((k) => !k.endsWith('.') && !keys.has(k))).toEqual([]);
    expect(dynamic.filter((prefix) => ![...keys].some((k) => k.startsWith(prefix)))).toEqual([]);
    const unused = [...keys].filter((k) => !used.has(k) && !dynamic.some((prefix) => k.startsWith(prefix)));
    expect(unused).toEqual([]);
  });

  test('every export of src is used somewhere else', () => {
    const everything = [...SRC, ...filesUnder('test', /\.ts$/), ...filesUnder('bench', /\.ts$/), ...filesUnder('adapters', /\.ts$/)];
    const unused = SRC.flatMap((file) =>
      [...source(file).matchAll(/^export (?:async )?(?:function|const|class|interface|type) (\w+)/gm)]
        .map((m) => m[1]!)
        .filter((name) => !everything.some((other) => other !== file && new RegExp(`\\b${name}\\b`).test(source(other))))
        .map((name) => `${file}: ${name}`),
    );
    expect(unused).toEqual([]);
  });
});
