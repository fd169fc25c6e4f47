import express from 'express';
import { loadConfig } from '../src/config';

/**
 * The floor: exactly express.json({ limit: <the service's limit> }) and
 * res.json({ cards: [] }) — what any Express service pays to receive the same body. The limit
 * comes from the same environment through the service's own config parser.
 */
const { maxBodyBytes, port } = loadConfig(process.env);
const app = express();
app.post('/cds-services/:id', express.json({ limit: maxBodyBytes }), (_req, res) => {
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
