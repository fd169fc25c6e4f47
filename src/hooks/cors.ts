import cors from 'cors';
import type { RequestHandler } from 'express';

/**
 * Browsers (the CDS Hooks Sandbox) preflight every call with `OPTIONS` and no JWT, asking for
 * `authorization, content-type`. Only configured origins are allowed, never `*`, and no
 * credentials (the service uses bearer JWTs, not cookies).
 */
export function createCors(origins: readonly string[]): RequestHandler {
  const matchers = origins.map(toMatcher);
  const handle = cors({
    origin: (origin, callback) => {
      callback(null, origin !== undefined && matchers.some((matches) => matches(origin)));
    },
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    credentials: false,
    maxAge: 600,
  });
  // An EHR calling server to server sends no Origin, and cors() then adds nothing: skip it, since
  // it copies its options and allocates callbacks on every call it handles.
  return (req, res, next) => {
    if (req.headers.origin === undefined) {
      next();
      return;
    }
    handle(req, res, next);
  };
}

/** `http://localhost:*` matches any port of that host; everything else matches exactly. */
function toMatcher(pattern: string): (origin: string) => boolean {
  if (!pattern.endsWith(':*')) return (origin) => origin === pattern;
  const prefix = pattern.slice(0, -1);
  return (origin) => origin.startsWith(prefix) && /^\d{1,5}$/.test(origin.slice(prefix.length));
}
