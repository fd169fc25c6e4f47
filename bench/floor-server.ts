import express, { type RequestHandler } from 'express';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { loadConfig } from '../src/config';

/**
 * The floor: exactly express.json({ limit: <the service's limit> }) and
 * res.json({ cards: [] }) — what any Express service pays to receive the same body. The limit
 * comes from the same environment through the service's own config parser.
 *
 * For the authenticated scenarios (BENCH_FLOOR_JWKS: a JSON array of public JWKs, and
 * BENCH_FLOOR_PUBLIC_URL) the floor first verifies the bearer JWT with jose's `jwtVerify`, as the
 * service does, so that hook/floor still says what the service adds beyond the signature check.
 */
const { maxBodyBytes, port } = loadConfig(process.env);
const app = express();
const verify = jwtFloor(process.env.BENCH_FLOOR_JWKS, process.env.BENCH_FLOOR_PUBLIC_URL);
app.post('/cds-services/:id', ...verify, express.json({ limit: maxBodyBytes }), (_req, res) => {
  res.json({ cards: [] });
});
app.get('/', (_req, res) => {
  res.json({ floor: true });
});
const server = app.listen(port, '127.0.0.1');
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5_000).unref();
});

function jwtFloor(jwks: string | undefined, publicUrl: string | undefined): RequestHandler[] {
  if (jwks === undefined || publicUrl === undefined) return [];
  const getKey = createLocalJWKSet({ keys: JSON.parse(jwks) as JWK[] });
  return [
    (req, res, next) => {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      jwtVerify(token, getKey, {
        audience: publicUrl + req.originalUrl,
        requiredClaims: ['exp', 'iat', 'jti'],
      }).then(
        () => next(),
        () => res.status(401).end(),
      );
    },
  ];
}
