import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';

const PUBLIC = fileURLToPath(new URL('../../public/', import.meta.url));
const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon' };

interface Asset { body: Buffer; type: string }

/**
 * Static files, fingerprinted at start-up (name.<hash>.ext) and served from
 * memory with a year-long immutable cache: a changed file gets a new URL.
 */
export function loadAssets(): { url: (name: string) => string; middleware: Middleware } {
  const byUrl = new Map<string, Asset>();
  const urls = new Map<string, string>();
  for (const name of readdirSync(PUBLIC)) {
    const body = readFileSync(PUBLIC + name);
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
