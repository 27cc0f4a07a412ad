import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';

const PUBLIC = fileURLToPath(new URL('../../public/', import.meta.url));
const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * The NL Design System components the views use (Utrecht's CSS, themed by our
 * own tokens in public/app.css). Bundled into one file at start-up rather than
 * serving the whole library (400 kB) for a handful of screens.
 */
const COMPONENTS = [
  'document',
  'page',
  'page-header',
  'page-body',
  'page-footer',
  'skip-link',
  'heading-1',
  'heading-2',
  'heading-3',
  'paragraph',
  'link',
  'button',
  'button-link',
  'button-group',
  'form-field',
  'form-label',
  'form-field-description',
  'form-field-error-message',
  'textbox',
  'checkbox',
  'alert',
  'unordered-list',
  'ordered-list',
  'code',
];

function designSystemCss(): Buffer {
  // Resolved from the library bundle's own location, so its pinned component versions are the ones used.
  const library = createRequire(createRequire(import.meta.url).resolve('@utrecht/component-library-css/package.json'));
  return Buffer.concat(COMPONENTS.map((name) => readFileSync(library.resolve(`@utrecht/${name}-css/dist/index.min.css`))));
}

interface Asset {
  body: Buffer;
  type: string;
}

/**
 * Static files, fingerprinted at start-up (name.<hash>.ext) and served from
 * memory with a year-long immutable cache: a changed file gets a new URL.
 */
export function loadAssets(): { url: (name: string) => string; middleware: Middleware } {
  const files: [string, Buffer][] = readdirSync(PUBLIC)
    .filter((name) => statSync(PUBLIC + name).isFile())
    .map((name) => [name, readFileSync(PUBLIC + name)]);
  files.push(['nl-design-system.css', designSystemCss()]);

  const byUrl = new Map<string, Asset>();
  const urls = new Map<string, string>();
  for (const [name, body] of files) {
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
    const ext = extname(name);
    const url = `/assets/${name.slice(0, -ext.length)}.${hash}${ext}`;
    urls.set(name, url);
    byUrl.set(url, { body, type: TYPES[ext] ?? 'application/octet-stream' });
  }
  return {
    url(name) {
      const url = urls.get(name);
      if (!url) throw new Error(`no asset named ${name}`);
      return url;
    },
    async middleware(ctx, next) {
      const asset = ctx.method === 'GET' || ctx.method === 'HEAD' ? byUrl.get(ctx.path) : undefined;
      if (!asset) return next();
      ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
      ctx.type = asset.type;
      ctx.body = asset.body;
    },
  };
}
