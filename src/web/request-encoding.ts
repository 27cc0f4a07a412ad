import type { Context, Middleware } from 'koa';
import { UserFacingError } from '../errors.ts';

const DETAIL = 'request bodies are accepted without Content-Encoding only; send it uncompressed';

/**
 * A request body with a Content-Encoding other than identity (RFC 9110 §8.4).
 * No browser compresses what it sends, and nothing that calls this service
 * needs to: decoding it would only be a way in for malformed or inflating
 * bodies. So every coding is refused the same way before any parser reads the
 * body — the ones a parser could decode (gzip, deflate, br), a false header on
 * a plain body, unknown and stacked codings — with 415 and Accept-Encoding:
 * identity, in the answer format of where it was sent.
 */
function encodedBody(ctx: Context): boolean {
  const coding = ctx.get('content-encoding').trim().toLowerCase();
  const hasBody = ctx.get('transfer-encoding') !== '' || ctx.get('content-length') !== '';
  return hasBody && coding !== '' && coding !== 'identity';
}

class EncodedRequestBody extends UserFacingError {
  constructor() {
    super(415, 'error.encoding', DETAIL);
  }
}

/** For pages and SCIM: thrown, so that each one's error mapping answers (an error page, a SCIM error). */
export const refuseEncodedBodies: Middleware = async (ctx, next) => {
  if (!encodedBody(ctx)) return next();
  ctx.set('Accept-Encoding', 'identity');
  throw new EncodedRequestBody();
};

/** For the provider's protocol endpoints, which go past our error pages: their own OAuth error (RFC 6749 §5.2). */
export function refuseEncodedProtocolBodies(endpoints: Set<string>): Middleware {
  return async (ctx, next) => {
    if (!endpoints.has(ctx.path) || !encodedBody(ctx)) return next();
    ctx.set('Accept-Encoding', 'identity');
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 415;
    ctx.body = { error: 'invalid_request', error_description: DETAIL };
  };
}
