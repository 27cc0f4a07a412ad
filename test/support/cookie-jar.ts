/**
 * A virtual user's cookie jar: enough of RFC 6265 for our own origin (path
 * matching, deletion by expiry), nothing more. Used by the tests' browser and
 * the benchmark's virtual users.
 */
interface Cookie {
  name: string;
  value: string;
  path: string;
}

export class CookieJar {
  private cookies: Cookie[] = [];

  /** As RFC 6265 §5.4 says and browsers do: longer paths first, then older first (a server reads the first of a name). */
  header(path: string): string {
    return this.cookies
      .filter((c) => c.path === '/' || path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  store(setCookie: string | string[] | undefined, requestPath: string): void {
    for (const line of typeof setCookie === 'string' ? [setCookie] : (setCookie ?? [])) {
      const [pair, ...attrs] = line.split(';').map((p) => p.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const pathAttr = attrs.find((a) => a.toLowerCase().startsWith('path='));
      const path = pathAttr ? pathAttr.slice(5) : requestPath.replace(/\/[^/]*$/, '') || '/';
      const expired = value === '' || attrs.some((a) => /^expires=thu, 01 jan 1970/i.test(a));
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === path));
      if (!expired) this.cookies.push({ name, value, path });
    }
  }
}
