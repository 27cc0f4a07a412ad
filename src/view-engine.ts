import { fileURLToPath } from 'node:url';
import ejs from 'ejs';

const VIEWS = fileURLToPath(new URL('../views/', import.meta.url));

/** Renders an EJS template under views/ (pages and mails alike); templates escape what they print (<%= %>). */
export async function renderView(view: string, data: Record<string, unknown>): Promise<string> {
  return ejs.renderFile(`${VIEWS}${view}.ejs`, data, { cache: true, async: false, root: VIEWS }) as Promise<string>;
}
