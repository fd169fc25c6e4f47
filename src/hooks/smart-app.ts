import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import type { Asset } from './quality-console';

/**
 * GET /app/ and its assets: the immunosuppression timeline, a SMART on FHIR app made of static
 * files (app/ beside src/ and dist/). Its libraries come from node_modules — fhirclient's
 * prebuilt browser bundle (the SMART project's own client: launch, PKCE, token) and uPlot, the
 * quality console's chart — so the page needs nothing outside this service. /app/config.json
 * tells the page its OAuth client id and scopes. Every number it shows comes from
 * POST /app/api/timeline.
 */
export interface SmartAppSettings {
  readonly production: boolean;
  /** CDS_SMART_CLIENT_ID. */
  readonly clientId: string;
  /** Origins of the FHIR servers registered in CDS_CLIENTS_FILE, and CDS_APP_CONNECT_SRC. */
  readonly connectOrigins: readonly string[];
  /** CDS_APP_FRAME_ANCESTORS; empty: the defaults below. */
  readonly frameAncestors: readonly string[];
}

/**
 * SMART App Launch 2.x scopes, the narrowest the service's patient-view reading needs:
 * `launch` (EHR launch context) and read+search (`.rs`) of the six resource types the service
 * reads with the app's token. No `openid fhirUser`: the app never asks who is looking, and an
 * identity it does not use is one more thing an EHR's reviewer must approve.
 */
export const SMART_SCOPE =
  'launch patient/Patient.rs patient/Condition.rs patient/MedicationRequest.rs ' +
  'patient/Medication.rs patient/Observation.rs patient/AllergyIntolerance.rs';

/**
 * The page's policy. Scripts and styles only from this service, nothing inline (an injected
 * <script> does not run). connect-src: this service (the timeline endpoint) and where fhirclient
 * goes during the launch — the FHIR server's `.well-known/smart-configuration` (or its
 * CapabilityStatement) and the authorization server's token endpoint. In production those are
 * the registered FHIR servers' origins and CDS_APP_CONNECT_SRC; in development any http(s)
 * origin, since the demo and the Sandbox run on ports of their own.
 *
 * frame-ancestors: EHRs embed SMART apps in an iframe of their own web origin, which this service
 * cannot know from its FHIR servers. The page holds no data before a launch and offers no action a
 * clickjacking frame could trigger (it only reads and draws), so by default any https page may
 * frame it (development: any page); CDS_APP_FRAME_ANCESTORS narrows it to the EHRs' origins.
 */
export function appContentSecurityPolicy(settings: SmartAppSettings): string {
  const anyOrigin = settings.production ? ['https:'] : ['http:', 'https:'];
  const connect = settings.production ? settings.connectOrigins : anyOrigin;
  const ancestors = settings.frameAncestors.length > 0 ? settings.frameAncestors : anyOrigin;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${connect.join(' ')}`.trim(),
    `frame-ancestors 'self' ${ancestors.join(' ')}`.trim(),
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const APP_DIR = path.join(__dirname, '..', '..', 'app');
const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** The app's files, read once at start-up: path under /app/ → content. */
export function loadAppAssets(settings: Pick<SmartAppSettings, 'clientId'>): ReadonlyMap<string, Asset> {
  const own = (file: string, type: string): Asset => ({ type, body: readFileSync(path.join(APP_DIR, file)) });
  const lib = (module: string, type: string): Asset => ({
    type,
    body: readFileSync(require.resolve(module)),
  });
  const config = JSON.stringify({ clientId: settings.clientId, scope: SMART_SCOPE });
  return new Map([
    ['/app/', own('index.html', 'text/html; charset=utf-8')],
    ['/app/format.js', own('format.js', JS)],
    ['/app/launch.js', own('launch.js', JS)],
    ['/app/lanes.js', own('lanes.js', JS)],
    ['/app/chart.js', own('chart.js', JS)],
    ['/app/tables.js', own('tables.js', JS)],
    ['/app/app.js', own('app.js', JS)],
    ['/app/app.css', own('app.css', CSS)],
    // The prebuilt browser bundle: no bundler here, and it leaves out fhirclient's React Native paths.
    ['/app/fhir-client.js', lib('fhirclient/build/fhir-client.min.js', JS)],
    ['/app/uplot.js', lib('uplot/dist/uPlot.iife.min.js', JS)],
    ['/app/uplot.css', lib('uplot/dist/uPlot.min.css', CSS)],
    ['/app/config.json', { type: 'application/json; charset=utf-8', body: Buffer.from(config) }],
  ]);
}

/**
 * Serves the app's files with the page's policy. The helmet defaults every response carries are
 * relaxed for these files only: X-Frame-Options (SAMEORIGIN) would forbid the EHR's frame that
 * frame-ancestors allows, and Cross-Origin-Opener-Policy `same-origin` would cut the app off from
 * the window that opened it (SMART Web Messaging posts to `window.opener`, as the Sandbox expects).
 */
export function createSmartApp(settings: SmartAppSettings, assets = loadAppAssets(settings)): RequestHandler {
  const policy = appContentSecurityPolicy(settings);
  return (req, res, next) => {
    if (req.path === '/app') {
      // The page's relative URLs need the slash; the launch parameters (launch, iss) must survive.
      const query = req.originalUrl.indexOf('?');
      res.redirect(302, `/app/${query < 0 ? '' : req.originalUrl.slice(query)}`);
      return;
    }
    const asset = assets.get(req.path);
    if (asset === undefined) {
      next();
      return;
    }
    res.removeHeader('X-Frame-Options');
    res.set('Cross-Origin-Opener-Policy', 'unsafe-none');
    res.set('Content-Security-Policy', policy).type(asset.type).send(asset.body);
  };
}
