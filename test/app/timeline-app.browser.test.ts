import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ANALYTES, CONDITIONS, DRUGS, startChart } from '../../demo/chart';
import { buildDemoPatients, buildDemoResources } from '../../demo/patients';
import { startMemoryFhirServer, type MemoryFhirServer } from '../../dev/memory-fhir-server';
import { startSmartAuthServer, type SmartAuthServer } from '../../dev/smart-auth-server';
import { buildTestApp } from '../support/test-app';

/**
 * A nephrologist opens the immunosuppression timeline from a card, in a real headless Chromium
 * under the app's CSP: through an open FHIR server (the CDS Hooks Sandbox with the demo's server:
 * fhirServiceUrl + patientId) and through an EHR launch (launch + iss, OAuth with PKCE at the demo
 * SMART authorization server, appContext in the token response). The record is the demo's, on a
 * real FHIR server; the service reads it and computes the view. Times are shown in the browser's
 * time zone, here Europe/Amsterdam.
 *
 * Needs Debian's chromium (scripts/install-browser.sh, run by .ci/run): under CI=true a missing
 * browser fails the suite; elsewhere it is skipped with a warning.
 */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = resolve(__dirname, '..', '..', 'test-output', 'app');
const NOW = new Date('2026-12-04T11:00:00Z');
const TIME_ZONE = 'Europe/Amsterdam';

const inCi = process.env.CI === 'true';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !inCi) {
  console.warn(
    `\n*** SKIPPING the timeline app browser test: ${CHROMIUM} is missing (run scripts/install-browser.sh) ***\n`,
  );
}
const describeInBrowser = haveChromium || inCi ? describe : describe.skip;

/**
 * LN on tacrolimus with what EHRs really send: the latest tacrolimus result in "ng" (a mass, not a
 * concentration), a prednisone order dosed in mL, an eGFR dated without a time of day, and an
 * earlier mycophenolate order marked stopped with no end date.
 */
function oddUnitPatient(): fhir4.Resource[] {
  const chart = startChart(NOW, {
    id: 'odd-unit',
    given: 'Oddunit',
    family: 'Demopatient',
    gender: 'female',
    age: 40,
  });
  chart.condition(CONDITIONS.lnClassIV, 1200);
  chart.order(DRUGS.tacrolimus1mg, { value: 2, unit: '{capsule}' }, 'BID', 500);
  chart.result(ANALYTES.tacrolimusTrough, 5.0, 'ng/mL', 60);
  chart.result(ANALYTES.tacrolimusTrough, 3.0, 'ng', 10);
  // Prednisone 5 mg tablets written in millilitres: no daily dose can be computed.
  chart.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 500);
  const prednisone = chart.resources.at(-1) as fhir4.MedicationRequest;
  const dose = prednisone.dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity;
  if (dose === undefined) throw new Error('the demo builder wrote no doseQuantity');
  Object.assign(dose, { unit: 'mL', code: 'mL' });
  // Mycophenolate stopped at some time the record does not give (status stopped, no end).
  chart.order(DRUGS.mmf500mg, { value: 2, unit: '{tbl}' }, 'BID', 1100, { status: 'stopped' });
  // An eGFR recorded with its date only (FHIR dateTime without a time of day).
  chart.result(ANALYTES.egfr, 61, 'mL/min/{1.73_m2}', 4);
  Object.assign(chart.resources.at(-1) as fhir4.Observation, { effectiveDateTime: '2026-11-30' });
  return chart.resources;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A FHIR server that answers every request with 500, or never answers at all. */
async function startBrokenFhirServer(
  mode: 'error' | 'silent',
): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    if (mode === 'silent') return;
    // Browsers may read it (the app reads the Patient for its banner): its failures must reach them as failures.
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Accept');
    if (req.method === 'OPTIONS') {
      res.statusCode = 204;
      res.end();
      return;
    }
    res.statusCode = 500;
    res.setHeader('content-type', 'application/fhir+json');
    res.end(
      JSON.stringify({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'exception', diagnostics: 'database unavailable' }],
      }),
    );
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const root = await listen(server);
  return {
    url: `${root}/fhir`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((done) => server.close(() => done()));
    },
  };
}

describeInBrowser('immunosuppression timeline app in a real browser', () => {
  let fhir: MemoryFhirServer;
  let smart: SmartAuthServer;
  let failing: Awaited<ReturnType<typeof startBrokenFhirServer>>;
  let silent: Awaited<ReturnType<typeof startBrokenFhirServer>>;
  let service: Server;
  let baseUrl = '';
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageProblems: string[] = [];

  beforeAll(async () => {
    if (!haveChromium)
      throw new Error(`${CHROMIUM} is required under CI=true (scripts/install-browser.sh installs it)`);
    // CORS, as a FHIR server that browsers' SMART apps read must allow.
    fhir = await startMemoryFhirServer({ cors: true });
    const demo = buildDemoPatients(NOW).filter((patient) =>
      ['demo-tac-low', 'demo-tac-high', 'demo-mpa-trough', 'demo-control-sle'].includes(patient.id),
    );
    await fhir.load([...buildDemoResources(demo), ...oddUnitPatient()]);
    failing = await startBrokenFhirServer('error');
    silent = await startBrokenFhirServer('silent');

    service = createServer();
    baseUrl = await listen(service);
    const { app } = buildTestApp({
      now: NOW,
      env: { CDS_PUBLIC_URL: baseUrl, CDS_FHIR_TIMEOUT_MS: '4000', CDS_HOOK_DEADLINE_MS: '5000' },
    });
    service.on('request', app);
    // The memory server's first searches are slow while it warms up; the service's deadline is not for that.
    await fetch(`${fhir.url}/Observation?patient=demo-tac-low&_sort=-date`);
    smart = await startSmartAuthServer({
      fhir,
      publicHost: '127.0.0.1',
      allowedRedirectPrefix: `${baseUrl}/app/`,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    service?.closeAllConnections();
    await new Promise((done) => (service ? service.close(done) : done(undefined)));
    await smart?.close();
    await failing?.close();
    await silent?.close();
    await fhir?.close();
  });

  afterEach(() => {
    // The app runs under its CSP without a violation or a script error.
    expect(pageProblems.splice(0)).toEqual([]);
  });

  /** Origins each page asked something of, by page. */
  const origins = new Map<Page, Set<string>>();

  async function openApp(
    path: string,
    viewport = { width: 1280, height: 800 },
    timezoneId = TIME_ZONE,
  ): Promise<Page> {
    const context = await browser.newContext({ viewport, timezoneId, locale: 'en-GB' });
    contexts.push(context);
    const page = await context.newPage();
    origins.set(page, new Set());
    page.on('request', (sent) => origins.get(page)?.add(new URL(sent.url()).origin));
    page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageProblems.push(`console error: ${message.text()}`);
    });
    await page.goto(`${baseUrl}${path}`);
    await page.waitForSelector('body[data-state="ready"], body[data-state="error"]');
    return page;
  }

  const openLaunch = (patientId: string, extra = '', fhirServer = fhir.url): string =>
    `/app/?${extra}fhirServiceUrl=${encodeURIComponent(fhirServer)}&patientId=${patientId}&smart_messaging_origin=${encodeURIComponent('http://127.0.0.1:8080')}`;

  async function ehrLaunch(
    patient: string,
    appContext?: object,
    launchUrl = `${baseUrl}/app/`,
  ): Promise<string> {
    const response = await fetch(`${smart.fhirBaseUrl}/_services/smart/Launch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        launchUrl,
        parameters: { patient, ...(appContext ? { appContext: JSON.stringify(appContext) } : {}) },
      }),
    });
    expect(response.status).toBe(200);
    const { launch_id: launchId } = (await response.json()) as { launch_id: string };
    return launchId;
  }

  /** A table of the table view as a person reads it: one array of cell texts per row. */
  function tableRows(page: Page, id: string): Promise<string[][]> {
    return page.$$eval(`#${id} tbody tr`, (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('th, td')].map((cell) => (cell.textContent ?? '').trim())),
    );
  }

  const highlightedRows = (page: Page): Promise<string[][]> =>
    page.$$eval('#tables tr.highlight', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('th, td')].map((cell) => (cell.textContent ?? '').trim())),
    );

  const barTexts = (page: Page): Promise<string[]> =>
    page.$$eval('#orders .bar:not([hidden])', (bars) =>
      bars.map((bar) => bar.getAttribute('aria-label') ?? ''),
    );

  interface SmartLink {
    readonly url: string;
    readonly type: string;
    readonly appContext?: string;
  }

  /** The patient-view hook for a patient, as the Sandbox calls it; returns each card's rule code and SMART link. */
  async function cardLinks(patientId: string): Promise<{ code: string; link?: SmartLink }[]> {
    const hook = await fetch(`${baseUrl}/cds-services/ln-patient-view`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        hook: 'patient-view',
        hookInstance: randomUUID(),
        fhirServer: fhir.url,
        context: { patientId, userId: 'Practitioner/COREPRACTITIONER1' },
      }),
    });
    expect(hook.status).toBe(200);
    const { cards } = (await hook.json()) as {
      cards: { source: { topic: { code: string } }; links?: SmartLink[] }[];
    };
    return cards.map((card) => ({
      code: card.source.topic.code,
      link: card.links?.find((candidate) => candidate.type === 'smart'),
    }));
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const file = join(SCREENSHOTS, name);
    await page.screenshot({ path: file });
    console.log(`timeline app screenshot: ${file} (folder ${SCREENSHOTS})`);
  }

  test('opened from a card through the open FHIR server: the 3.1 ng/mL trough against the 4–6 ng/mL band, Envarsus 4 mg/day, the finding highlighted from the link', async () => {
    // The CDS Hooks Sandbox with an open FHIR server opens the card's link with fhirServiceUrl,
    // patientId and smart_messaging_origin, and drops appContext (its card-list.jsx).
    const [card] = await cardLinks('demo-tac-low');
    expect(card?.code).toBe('tacrolimus-trough-low');
    expect(card?.link?.url).toBe(
      `${baseUrl}/app/?rule=tacrolimus-trough-low&focus=Observation/demo-tac-low-obs6,MedicationRequest/demo-tac-low-mr2&patientId=demo-tac-low`,
    );
    const page = await openApp(
      `${card?.link?.url.slice(baseUrl.length) ?? ''}&${openLaunch('demo-tac-low').slice('/app/?'.length)}`,
    );
    expect(await page.locator('#patient').textContent()).toContain('Patient demo-tac-low');
    expect(await page.locator('#who').textContent()).toBe(
      'Lowtrough Demopatient (synthetic), female, born 15 Jun 1992',
    );
    // As it opens: the card's trough highlighted, with its value and date.
    expect(await page.locator('#tooltip').textContent()).toBe(
      'Tacrolimus trough 3.1 ng/mL — 25 Nov 2026, 12:00',
    );
    await screenshot(page, 'timeline-demo-tac-low-1280x800.png');

    // The table view: both tacrolimus results with their dates in the browser's time zone.
    expect(await tableRows(page, 'table-tacrolimus')).toEqual([
      ['25 Nov 2026, 12:00', '3.1 ng/mL', '', ''],
      ['16 Aug 2026, 13:00', '4.8 ng/mL', '', ''],
    ]);
    expect(await page.locator('#table-tacrolimus caption').textContent()).toBe(
      'Tacrolimus trough (ng/mL), newest first',
    );
    expect(await page.locator('.track[data-series="tacrolimus"] .band-label').textContent()).toBe(
      'Target 4–6 ng/mL (maintenance)',
    );

    // The chart: a uPlot canvas per track; the keyboard steps through the points with a tooltip.
    expect(await page.locator('.track[data-series="tacrolimus"] canvas').count()).toBeGreaterThan(0);
    await page.focus('.track[data-series="tacrolimus"] .plot');
    await page.keyboard.press('Home');
    expect(await page.locator('#tooltip').textContent()).toBe(
      'Tacrolimus trough 4.8 ng/mL — 16 Aug 2026, 13:00',
    );
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('#tooltip').textContent()).toBe(
      'Tacrolimus trough 3.1 ng/mL — 25 Nov 2026, 12:00',
    );
    // A screen reader hears the same: the chart is a slider over its results.
    const plot = page.locator('.track[data-series="tacrolimus"] .plot');
    expect(await plot.getAttribute('aria-valuenow')).toBe('2');
    expect(await plot.getAttribute('aria-valuetext')).toBe(
      'Tacrolimus trough 3.1 ng/mL — 25 Nov 2026, 12:00',
    );
    // The mouse over the point shows the same.
    const [scrollX = 0, scrollY = 0] = await page.evaluate<number[]>('[window.scrollX, window.scrollY]');
    const x = Number(await page.locator('#tooltip').getAttribute('data-x')) - scrollX;
    const y = Number(await page.locator('#tooltip').getAttribute('data-y')) - scrollY;
    await page.mouse.move(10, 10);
    await page.mouse.move(x, y);
    expect(await page.locator('#tooltip').isVisible()).toBe(true);
    expect(await page.locator('#tooltip').textContent()).toBe(
      'Tacrolimus trough 3.1 ng/mL — 25 Nov 2026, 12:00',
    );

    // Dose bars: every immunosuppressant and glucocorticoid order with its daily dose.
    const bars = await barTexts(page);
    expect(bars).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Tacrolimus.*: 4 mg\/day\b.*, 10 Oct 2025 – ongoing, active$/i),
        expect.stringMatching(/^Mycophenolate mofetil: 500 mg\/day\b.*, 10 Oct 2025 – ongoing, active$/),
        expect.stringMatching(/^Prednisone: 5 mg\/day\b.*, 10 Oct 2025 – ongoing, active$/),
      ]),
    );
    expect(await page.locator('#orders .bar', { hasText: '4 mg/day' }).count()).toBe(1);

    // The card's finding, named in the link, is selected; its trough is highlighted.
    expect(await page.locator('#findings li.selected').getAttribute('data-rule')).toBe(
      'tacrolimus-trough-low',
    );
    expect(await page.locator('#findings li.selected .summary').textContent()).toContain('3.1 ng/mL');
    // The page talked to this service and the FHIR server (the Patient for its banner), nothing else.
    expect([...(origins.get(page) ?? [])].sort()).toEqual([baseUrl, new URL(fhir.url).origin].sort());
    expect(await highlightedRows(page)).toContainEqual(['25 Nov 2026, 12:00', '3.1 ng/mL', '', '']);
    expect(await page.locator('#phases').textContent()).toContain('Maintenance');

    // On paper: no controls, the charts and every table.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.range').isVisible()).toBe(false);
    expect(await page.locator('.track[data-series="tacrolimus"] canvas').first().isVisible()).toBe(true);
    expect(await page.locator('#table-orders').isVisible()).toBe(true);
  });

  test('EHR launch with PKCE: the token response’s appContext selects the finding; the table view is reachable by keyboard', async () => {
    const launch = await ehrLaunch('demo-tac-high', {
      ruleCode: 'tacrolimus-trough-high',
      patientId: 'demo-tac-high',
      focus: ['Observation/demo-tac-high-obs6'],
    });
    const page = await openApp(`/app/?launch=${launch}&iss=${encodeURIComponent(smart.fhirBaseUrl)}`);
    expect(await page.locator('body').getAttribute('data-state')).toBe('ready');
    expect(await page.locator('#patient').textContent()).toContain('Patient demo-tac-high');
    expect(await page.locator('#who').textContent()).toBe(
      'Hightrough Demopatient (synthetic), male, born 15 Jun 1985',
    );
    // The authorization code and state are gone from the address bar.
    expect(page.url()).toBe(`${baseUrl}/app/`);

    // 10.6 nmol/L is shown in ng/mL, with what the laboratory reported.
    const rows = await tableRows(page, 'table-tacrolimus');
    expect(rows[0]?.[0]).toBe('28 Nov 2026, 12:00');
    expect(rows[0]?.[1]).toMatch(/^8\.\d+ ng\/mL$/);
    expect(rows[0]?.[2]).toBe('10.6 nmol/L');
    expect(await page.locator('#findings li.selected').getAttribute('data-rule')).toBe(
      'tacrolimus-trough-high',
    );
    expect((await highlightedRows(page))[0]?.[2]).toBe('10.6 nmol/L');
    expect(await barTexts(page)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Tacrolimus: 6 mg\/day\b.*, 2 Jul 2025 – ongoing, active$/),
      ]),
    );

    // Skip link → table view; its tables have captions and scroll regions that take focus.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to the table view');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('tables-title');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.getAttribute("aria-label")')).toBe(
      'Phase of therapy and targets',
    );
    expect(
      await page.$$eval('#tables caption', (captions) => captions.map((caption) => caption.textContent)),
    ).toEqual(
      expect.arrayContaining([
        'Tacrolimus trough (ng/mL), newest first',
        'Immunosuppressant and glucocorticoid orders, newest first',
      ]),
    );
  });

  test('a card’s SMART link, launched as the CDS Hooks Sandbox does with a token: launch endpoint → launch URL → the chart of that patient, focused on the card', async () => {
    const cards = await cardLinks('demo-mpa-trough');
    expect(cards.map((card) => card.code)).toEqual(['mpa-trough-low']);
    const link = cards[0]?.link;
    expect(link?.url).toMatch(new RegExp(`^${baseUrl}/app/\\?rule=mpa-trough-low&focus=`));
    if (link === undefined) return;

    // cds-hooks/sandbox launch-context-retrieval.js: POST {fhirServer}/_services/smart/Launch, then the link with launch and iss.
    const launch = await fetch(`${smart.fhirBaseUrl}/_services/smart/Launch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        launchUrl: link.url,
        parameters: { patient: 'demo-mpa-trough', appContext: link.appContext },
      }),
    });
    const { launch_id: launchId } = (await launch.json()) as { launch_id: string };
    const page = await openApp(
      `${link.url.slice(baseUrl.length)}&launch=${launchId}&iss=${encodeURIComponent(smart.fhirBaseUrl)}`,
    );
    expect(await page.locator('#patient').textContent()).toContain('Patient demo-mpa-trough');
    expect(await page.locator('#who').textContent()).toBe(
      'Mpatrough Demopatient (synthetic), female, born 15 Jun 1990',
    );
    expect(await page.locator('#findings li.selected').getAttribute('data-rule')).toBe('mpa-trough-low');
    // 4.1 µmol/L of MPA, shown in the group's unit with the reported value beside it.
    const rows = await tableRows(page, 'table-mpaTrough');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.[2]).toBe('4.1 umol/L');
    expect(await highlightedRows(page)).toContainEqual(rows[0]);
    // No tacrolimus for this patient: the track says so instead of an empty chart.
    expect(await page.locator('.track[data-series="tacrolimus"] .no-data').textContent()).toBe(
      'No tacrolimus trough result on record.',
    );
    await screenshot(page, 'timeline-demo-mpa-trough-1280x800.png');
  });

  test('a card’s SMART link, launched as the CDS Hooks Sandbox does against the open demo FHIR server: its launch id, then the chart of the patient the link names', async () => {
    const [card] = await cardLinks('demo-tac-low');
    const link = card?.link;
    expect(link?.url).toMatch(/&patientId=demo-tac-low$/);
    if (link === undefined) return;
    // The Sandbox asks the open server for a launch id too (no token), then opens the link with launch and iss.
    const launch = await fetch(`${fhir.url}/_services/smart/Launch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        launchUrl: link.url,
        parameters: { patient: 'demo-tac-low', appContext: link.appContext },
      }),
    });
    expect(launch.status).toBe(200);
    const { launch_id: launchId } = (await launch.json()) as { launch_id: string };
    const page = await openApp(
      `${link.url.slice(baseUrl.length)}&launch=${launchId}&iss=${encodeURIComponent(fhir.url)}`,
    );
    expect(await page.locator('#patient').textContent()).toContain('Patient demo-tac-low');
    expect(await page.locator('#findings li.selected').getAttribute('data-rule')).toBe(
      'tacrolimus-trough-low',
    );
    expect(await page.locator('#tooltip').textContent()).toBe(
      'Tacrolimus trough 3.1 ng/mL — 25 Nov 2026, 12:00',
    );
    // fhirclient asks the server named by iss for its SMART configuration; the browser logs the
    // open server's 404, which is how it says there is no authorization to go through.
    const notFound =
      'console error: Failed to load resource: the server responded with a status of 404 (Not Found)';
    expect(pageProblems).toContain(notFound);
    pageProblems.splice(pageProblems.indexOf(notFound), 1);
  });

  test('at 1920×1080: choosing a finding highlights its trough and order; the whole therapy since the start, with the 36-month mark ahead named', async () => {
    const page = await openApp(openLaunch('demo-tac-low'), { width: 1920, height: 1080 });
    // Opened without a card's focus: nothing is highlighted until a finding is chosen.
    expect(await page.locator('#findings li.selected').count()).toBe(0);
    expect(await page.locator('.highlight').count()).toBe(0);
    await page.click('#findings li[data-rule="tacrolimus-trough-low"] button.show');
    expect(await page.locator('#findings li.selected').getAttribute('data-rule')).toBe(
      'tacrolimus-trough-low',
    );
    expect(await highlightedRows(page)).toEqual([
      ['25 Nov 2026, 12:00', '3.1 ng/mL', '', ''],
      [
        expect.stringMatching(/^Tacrolimus/),
        expect.stringMatching(/^4 mg\/day/),
        '10 Oct 2025',
        'ongoing',
        'active',
      ],
    ]);
    expect(await page.locator('#orders .bar.highlight').textContent()).toMatch(/^4 mg\/day/);
    await page.click('#range-all');
    expect(await page.locator('#range-all').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#range-note').textContent()).toMatch(/^Shown: /);
    expect(await page.locator('#phases').textContent()).toMatch(/Induction.*Maintenance/);
    // Tacrolimus started 420 days ago: the mark is ahead, beyond the right edge.
    expect(await page.locator('#phases .mark').textContent()).toBe('36 months: 10 Oct 2028 →');
    await screenshot(page, 'timeline-demo-tac-low-all-1920x1080.png');
  });

  test('a tacrolimus result in "ng" (not a concentration) is listed as unreadable, never charted as a value; a dose in mL is a bar saying so', async () => {
    const page = await openApp(openLaunch('odd-unit'));
    const rows = await tableRows(page, 'table-tacrolimus');
    expect(rows).toHaveLength(2);
    expect(rows[0]?.[0]).toBe('24 Nov 2026, 12:00');
    expect(rows[0]?.[1]).toBe('unreadable');
    expect(rows[0]?.[3]).not.toBe('');
    expect(rows[1]?.slice(0, 2)).toEqual(['5 Oct 2026, 13:00', '5 ng/mL']);
    expect(await page.locator('.track[data-series="tacrolimus"] ul.unreadable li').count()).toBe(1);
    expect(await page.locator('#notices').textContent()).toContain('1 result could not be read');
    // The prednisone order's bar says its dose cannot be read; so does its table row.
    expect(await page.locator('#orders .bar.unreadable').textContent()).toBe('dose unreadable');
    const prednisone = (await tableRows(page, 'table-orders')).find((row) =>
      row[0]?.startsWith('Prednisone'),
    );
    expect(prednisone?.[1]).toMatch(/^unreadable/);
    // The stopped mycophenolate: its end is not recorded, so it is neither "ongoing" nor ended today.
    const mmfRow = (await tableRows(page, 'table-orders')).find((row) => row[0]?.startsWith('Mycophenolate'));
    expect(mmfRow?.slice(3)).toEqual(['not recorded', 'stopped']);
    await page.click('#range-all');
    const mmfBar = page.locator('#orders .bar.group-mycophenolate');
    expect(await mmfBar.getAttribute('class')).toMatch(/\bend-unknown\b/);
    expect(await mmfBar.getAttribute('class')).not.toMatch(/\bongoing\b/);
    expect(await mmfBar.getAttribute('aria-label')).toMatch(/ – end date not recorded, stopped$/);
    await page.click('#range-24');
    // Only the readable result is a point on the chart.
    await page.focus('.track[data-series="tacrolimus"] .plot');
    await page.keyboard.press('End');
    expect(await page.locator('#tooltip').textContent()).toBe(
      'Tacrolimus trough 5 ng/mL — 5 Oct 2026, 13:00',
    );
  });

  test('west of UTC, a result recorded with its date only is shown on that date, without a time', async () => {
    const page = await openApp(openLaunch('odd-unit'), undefined, 'America/Los_Angeles');
    expect(await tableRows(page, 'table-egfr')).toEqual([['30 Nov 2026', '61 mL/min/1.73 m²', '', '']]);
    await page.focus('.track[data-series="egfr"] .plot');
    await page.keyboard.press('End');
    expect(await page.locator('#tooltip').textContent()).toBe('eGFR 61 mL/min/1.73 m² — 30 Nov 2026');
    // Instants are in the browser's zone: 11:00 UTC on 5 Oct is 04:00 in Los Angeles (PDT).
    expect((await tableRows(page, 'table-tacrolimus'))[1]?.slice(0, 2)).toEqual([
      '5 Oct 2026, 04:00',
      '5 ng/mL',
    ]);
  });

  test('a patient with SLE but no lupus nephritis, on tacrolimus: the app says it charts LN only and draws nothing', async () => {
    const page = await openApp(openLaunch('demo-control-sle'));
    expect(await page.locator('body').getAttribute('data-state')).toBe('ready');
    expect(await page.locator('#out-of-scope').textContent()).toBe(
      'No lupus nephritis on record for this patient: this app shows lupus nephritis immunosuppression only, so nothing is charted here.',
    );
    // Its tacrolimus trough of 3.0 ng/mL is not drawn against an LN band, nor anywhere else.
    expect(await page.locator('canvas, table, .band-label, .bar').count()).toBe(0);
  });

  test('the FHIR server answers 500: the app says the record could not be read and shows no value', async () => {
    const page = await openApp(openLaunch('demo-tac-low', '', failing.url));
    expect(await page.locator('body').getAttribute('data-state')).toBe('error');
    expect(await page.locator('#status').textContent()).toBe(
      'The patient’s record could not be read from the EHR, so nothing is shown. Could not read conditions from the FHIR server (http-status)',
    );
    expect(await page.locator('#main').isVisible()).toBe(false);
    expect(await page.locator('#who').textContent()).toBe(
      'The patient’s name could not be read from the EHR (patient demo-tac-low).',
    );
    // The browser logs the failed loads itself: the service's 412 and the FHIR server's 500.
    expect(pageProblems.splice(0).sort()).toEqual([
      expect.stringMatching(/^console error: Failed to load resource: .* 412/),
      expect.stringMatching(/^console error: Failed to load resource: .* 500/),
    ]);
  });

  test('the FHIR server never answers: after the service’s deadline the app says what it could not read', async () => {
    const page = await openApp(openLaunch('demo-tac-low', '', silent.url));
    expect(await page.locator('body').getAttribute('data-state')).toBe('error');
    expect(await page.locator('#status').textContent()).toBe(
      'The patient’s record could not be read from the EHR, so nothing is shown. Could not read conditions from the FHIR server (timeout)',
    );
    expect(await page.locator('#main').isVisible()).toBe(false);
    expect(pageProblems.splice(0)).toEqual([
      expect.stringMatching(/^console error: Failed to load resource: .* 412/),
    ]);
  });
});
