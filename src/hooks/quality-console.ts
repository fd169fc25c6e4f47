import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';

/**
 * GET /admin/ and its assets: the quality console, a static page (console/ beside src/ and
 * dist/) whose script asks GET /admin/feedback-report for its numbers. No build step; the chart
 * library, uPlot, is served from node_modules so that the page needs nothing outside this service.
 *
 * The service's default CSP (`default-src 'none'`) lets a page load nothing; this page gets one
 * that allows its own script, styles, and report requests to this origin, and nothing inline
 * (CSP Level 3: no 'unsafe-inline' means an injected <script> or style attribute does not run).
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** A static file served from memory: its media type and bytes (the console's and the app's). */
export interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

const CONSOLE_DIR = path.join(__dirname, '..', '..', 'console');

/** The console's files, read once at start-up: path under /admin/ → content. */
export function loadConsoleAssets(): ReadonlyMap<string, Asset> {
  const own = (file: string, type: string): Asset => ({ type, body: readFileSync(path.join(CONSOLE_DIR, file)) });
  const uplot = (file: string, type: string): Asset => ({ type, body: readFileSync(require.resolve(`uplot/dist/${file}`)) });
  return new Map([
    ['/admin/', own('index.html', 'text/html; charset=utf-8')],
    ['/admin/console.js', own('console.js', 'text/javascript; charset=utf-8')],
    ['/admin/console.css', own('console.css', 'text/css; charset=utf-8')],
    ['/admin/favicon.svg', own('favicon.svg', 'image/svg+xml')],
    ['/admin/uplot.js', uplot('uPlot.iife.min.js', 'text/javascript; charset=utf-8')],
    ['/admin/uplot.css', uplot('uPlot.min.css', 'text/css; charset=utf-8')],
  ]);
}

/** Serves the console's files; app.ts puts the admin guard in front of them (docs/governance.md "Access"). */
export function createQualityConsole(assets: ReadonlyMap<string, Asset> = loadConsoleAssets()): RequestHandler {
  return (req, res, next) => {
    const asset = assets.get(req.path === '/admin' ? '/admin/' : req.path);
    if (asset === undefined) {
      next();
      return;
    }
    res.set('Content-Security-Policy', CONSOLE_CSP).type(asset.type).send(asset.body);
  };
}
