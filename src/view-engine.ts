import { fileURLToPath } from 'node:url';
import ejs from 'ejs';

const VIEWS = fileURLToPath(new URL('../views/', import.meta.url));

/**
 * Renders an EJS template under views/ (pages and mails alike); templates escape what they print (<%= %>).
 * Templates include others by their path from views/ ('/partials/field'): EJS looks those up without
 * asking the file system on every render, as it does for relative ones.
 */
export async function renderView(view: string, data: Record<string, unknown>): Promise<string> {
  return ejs.renderFile(`${VIEWS}${view}.ejs`, data, { cache: true, async: false, root: VIEWS }) as Promise<string>;
}
