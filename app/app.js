// The immunosuppression timeline, a SMART on FHIR app. The SMART project's client (window.FHIR,
// fhirclient's browser bundle) does the launch: an EHR launch (launch + iss: authorization code
// with PKCE S256) or an open FHIR server (fhirServiceUrl + patientId, as the CDS Hooks Sandbox
// opens a card's link). The page then asks this service, POST /app/api/timeline, for the
// patient's timeline: phase, targets, daily doses and findings come from the same code as the
// cards, so the page computes nothing clinical; it only draws what it is given. Every value is
// written with textContent (nothing the record carries is ever parsed as HTML).
'use strict';

(function () {
  const FOCUS_KEY = 'ln-timeline-focus';
  const TIMELINE_TIMEOUT_MS = 60000;
  const AXIS_SIZE = 120;
  const DAY_S = 86400;
  const $ = (id) => document.getElementById(id);
  const state = { view: null, range: '24', highlight: new Set(), selectedRule: null, charts: [], refs: new Map() };

  // Dates and times of the record, in this browser's time zone, always with the date.
  const dateTimeFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
  const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric' });
  const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
  const formatDateTime = (iso) => dateTimeFormat.format(new Date(iso));
  const formatDate = (iso) => dateFormat.format(new Date(iso));
  const seconds = (iso) => Date.parse(iso) / 1000;

  function element(name, text, className) {
    const node = document.createElement(name);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function setStatus(text, kind) {
    const status = $('status');
    status.textContent = text;
    status.className = `status ${kind || ''}`;
  }

  function fail(text) {
    setStatus(text, 'error');
    document.body.dataset.state = 'error';
  }

  // ---- Launch ---------------------------------------------------------------------------

  const splitList = (value) => (value ? value.split(',').map((item) => item.trim()).filter(Boolean) : []);

  /** The card's finding the app was opened for: rule code and triggering references. */
  function focusFromUrl(params) {
    const ruleCode = params.get('rule');
    const focus = splitList(params.get('focus'));
    return ruleCode || focus.length > 0 ? { ruleCode: ruleCode || null, focus, from: 'link' } : null;
  }

  /** appContext of the token response (SMART App Launch 2: a string, here JSON from the card's link). */
  function focusFromAppContext(tokenResponse, patientId) {
    let context = tokenResponse && tokenResponse.appContext;
    if (!context) return null;
    if (typeof context === 'string') {
      try {
        context = JSON.parse(context);
      } catch {
        return null;
      }
    }
    if (typeof context !== 'object' || context === null) return null;
    // A context about another patient must not highlight anything in this one.
    if (context.patientId && context.patientId !== patientId) return null;
    const focus = Array.isArray(context.focus) ? context.focus.filter((item) => typeof item === 'string') : [];
    const ruleCode = typeof context.ruleCode === 'string' ? context.ruleCode : null;
    return ruleCode || focus.length > 0 ? { ruleCode, focus, from: 'appContext' } : null;
  }

  async function fetchJson(url) {
    const response = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return response.json();
  }

  /** Resolves to a fhirclient Client, or to null while the browser is sent to the authorization server. */
  async function connect() {
    const params = new URLSearchParams(location.search);
    if (params.has('iss') || params.has('launch') || params.has('fhirServiceUrl')) {
      // The authorization redirect drops this page's own parameters: keep the card's focus for the return.
      sessionStorage.setItem(FOCUS_KEY, JSON.stringify(focusFromUrl(params)));
      const config = await fetchJson('/app/config.json');
      await FHIR.oauth2.authorize({
        clientId: config.clientId,
        scope: config.scope,
        redirectUri: `${location.origin}${location.pathname}`,
        pkceMode: 'required',
        // In an EHR's iframe the launch completes in the frame itself.
        completeInTarget: true,
      });
      return null;
    }
    return FHIR.oauth2.ready();
  }

  function savedFocus() {
    try {
      return JSON.parse(sessionStorage.getItem(FOCUS_KEY) || 'null');
    } catch {
      return null;
    }
  }

  // ---- Timeline -------------------------------------------------------------------------

  function outcomeText(outcome) {
    const issues = (outcome && Array.isArray(outcome.issue) && outcome.issue) || [];
    return issues
      .map((issue) => issue.diagnostics || (issue.details && issue.details.text) || '')
      .filter(Boolean)
      .join(' ');
  }

  async function loadTimeline(client) {
    const token = client.state.tokenResponse || {};
    const body = { fhirServer: client.state.serverUrl, patientId: client.patient.id };
    if (token.access_token) {
      body.fhirAuthorization = {
        access_token: token.access_token,
        token_type: token.token_type || 'Bearer',
        scope: token.scope || client.state.scope || '',
        subject: client.state.clientId || '',
        ...(typeof token.expires_in === 'number' ? { expires_in: token.expires_in } : {}),
      };
    }
    let response;
    try {
      response = await fetch('/app/api/timeline', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        cache: 'no-store',
        signal: AbortSignal.timeout(TIMELINE_TIMEOUT_MS),
      });
    } catch (error) {
      throw new Error(
        error && error.name === 'TimeoutError'
          ? `The timeline service did not answer within ${TIMELINE_TIMEOUT_MS / 1000} s. Nothing is shown.`
          : `The timeline service could not be reached (${error.message}). Nothing is shown.`,
      );
    }
    if (!response.ok) {
      let detail = '';
      try {
        detail = outcomeText(await response.json());
      } catch {
        // Not an OperationOutcome: the status says enough.
      }
      const what = response.status === 412 ? 'The patient\u2019s record could not be read from the EHR, so nothing is shown.' : `The timeline service answered ${response.status}; nothing is shown.`;
      throw new Error(detail ? `${what} ${detail}` : what);
    }
    return response.json();
  }

  // ---- What the view holds --------------------------------------------------------------

  const SERIES_ORDER = ['tacrolimus', 'mpaTrough', 'mpaAuc', 'egfr', 'creatinine', 'weight'];
  // Drug levels sit above the dose bars they answer to; kidney function and weight below them.
  const LEVELS = new Set(['tacrolimus', 'mpaTrough', 'mpaAuc']);

  function formatValue(point, unit) {
    if (point.value === undefined || point.value === null) return '';
    const comparator = point.comparator ? `${point.comparator}\u2009` : '';
    return `${comparator}${numberFormat.format(point.value)} ${unit}`;
  }

  const formatReported = (point) => (point.reported ? `${numberFormat.format(point.reported.value)} ${point.reported.unit}` : '');

  /** Index of everything a finding can point at: reference → what it is, in words. */
  function indexReferences(view) {
    const refs = new Map();
    for (const series of view.series) {
      for (const point of series.points) {
        if (!point.reference) continue;
        const value = point.unreadable ? `unreadable (${point.unreadable})` : formatValue(point, series.unit);
        refs.set(point.reference, { kind: 'point', series, point, text: `${series.label} ${value}${point.at ? `, ${formatDateTime(point.at)}` : ''}` });
      }
    }
    for (const order of view.orders) {
      if (!order.reference) continue;
      const dose = order.dailyDose ? order.dailyDose.text : 'daily dose unreadable';
      refs.set(order.reference, { kind: 'order', order, text: `${order.drug} ${dose}${order.start ? `, from ${formatDate(order.start)}` : ''}` });
    }
    return refs;
  }

  function timeRange(view, which) {
    const now = seconds(view.now);
    const margin = 14 * DAY_S;
    if (which === '24') {
      const start = new Date(view.now);
      start.setMonth(start.getMonth() - 24);
      return { min: start.getTime() / 1000, max: now + margin };
    }
    let earliest = now - 365 * DAY_S;
    const consider = (iso) => {
      if (iso) earliest = Math.min(earliest, seconds(iso));
    };
    consider(view.therapyStart);
    for (const order of view.orders) consider(order.start);
    for (const series of view.series) for (const point of series.points) consider(point.at);
    return { min: earliest - margin, max: now + margin };
  }

  // ---- Header, notices, findings ---------------------------------------------------------

  function renderHeader(view) {
    const parts = [`Patient ${view.patientId}`];
    if (view.phase) parts.push(`${view.phase === 'induction' ? 'Induction' : 'Maintenance'} phase`);
    if (view.therapyStart) parts.push(`therapy since ${formatDate(view.therapyStart)}`);
    if (view.maintenanceMark) parts.push(`36-month mark ${formatDate(view.maintenanceMark)}`);
    $('patient').textContent = parts.join(' \u00b7 ');
  }

  /** Who the chart is for, from the EHR's Patient resource (read with the launch's own token). */
  function describePatient(patient) {
    const names = Array.isArray(patient.name) ? patient.name : [];
    const name = names.find((candidate) => candidate.use === 'official') || names[0];
    const text = name && (name.text || [...(name.given || []), name.family].filter(Boolean).join(' '));
    const parts = [text || 'Name not recorded'];
    if (patient.gender) parts.push(patient.gender);
    const born = /^(\d{4})-(\d{2})-(\d{2})$/.exec(patient.birthDate || '');
    // A birth date is a calendar date, not an instant: shown as written, in no time zone.
    if (born) parts.push(`born ${dateFormat.format(new Date(Number(born[1]), Number(born[2]) - 1, Number(born[3])))}`);
    return parts.join(', ');
  }

  async function showPatient(client) {
    const who = $('who');
    try {
      const patient = await Promise.race([
        client.patient.read(),
        new Promise((_resolve, reject) => setTimeout(() => reject(new Error('timeout')), TIMELINE_TIMEOUT_MS)),
      ]);
      who.textContent = describePatient(patient);
    } catch {
      who.textContent = `The patient\u2019s name could not be read from the EHR (patient ${client.patient.id}).`;
      who.classList.add('unknown');
    }
  }

  function notice(text, kind) {
    const node = element('p', text, `notice ${kind}`);
    $('notices').append(node);
    return node;
  }

  function renderNotices(view) {
    $('notices').replaceChildren();
    if (view.unavailable && view.unavailable.length > 0) {
      notice(`Could not be read from the EHR, so not shown: ${view.unavailable.join(', ')}.`, 'warning');
    }
    const unreadable = view.series.reduce((count, series) => count + series.points.filter((point) => point.unreadable).length, 0);
    const dosesUnreadable = view.orders.filter((order) => !order.dailyDose).length;
    if (unreadable > 0) notice(`${unreadable} result${unreadable === 1 ? '' : 's'} could not be read and ${unreadable === 1 ? 'is' : 'are'} not charted; see the table view.`, 'warning');
    if (dosesUnreadable > 0) notice(`${dosesUnreadable} order${dosesUnreadable === 1 ? '\u2019s' : 's\u2019'} daily dose could not be read; the bar says so.`, 'warning');
  }

  const INDICATOR = { critical: 'Critical', warning: 'Warning', info: 'Info' };

  function renderFindings(view) {
    const list = $('findings');
    list.replaceChildren();
    if (view.findings.length === 0) {
      list.append(element('li', 'No finding: the rules flag nothing for this patient now.', 'none'));
      return;
    }
    for (const finding of view.findings) {
      const item = element('li', undefined, `finding ${finding.indicator}`);
      item.dataset.rule = finding.ruleCode;
      const head = element('p', undefined, 'finding-head');
      head.append(element('span', INDICATOR[finding.indicator] || finding.indicator, `badge ${finding.indicator}`), ' ', element('span', finding.summary, 'summary'));
      item.append(head);
      if (finding.triggers.length > 0) {
        const triggers = element('ul', undefined, 'triggers');
        for (const reference of finding.triggers) {
          const known = state.refs.get(reference);
          triggers.append(element('li', known ? known.text : `${reference} (not in the timeline)`));
        }
        const show = element('button', 'Show in the timeline', 'show');
        show.type = 'button';
        show.addEventListener('click', () => select(finding.ruleCode, finding.triggers, true));
        item.append(triggers, show);
      }
      list.append(item);
    }
  }

  // ---- Highlight --------------------------------------------------------------------------

  /** Highlights the references of one finding in the charts, bars and tables. */
  function select(ruleCode, references, scroll) {
    state.selectedRule = ruleCode;
    state.highlight = new Set(references);
    for (const item of $('findings').querySelectorAll('li.finding')) {
      const selected = item.dataset.rule === ruleCode;
      item.classList.toggle('selected', selected);
      if (selected) item.setAttribute('aria-current', 'true');
      else item.removeAttribute('aria-current');
    }
    applyHighlight();
    // A highlighted result before the shown range widens it, so the highlight is never off-screen.
    const range = timeRange(state.view, state.range);
    const outside = [...state.highlight].some((reference) => {
      const known = state.refs.get(reference);
      if (!known) return false;
      // A result is off-screen before the range; an order only when it ended before it.
      const at = known.kind === 'point' ? known.point.at : known.order.start && (known.order.end || state.view.now);
      return Boolean(at) && seconds(at) < range.min;
    });
    if (outside && state.range !== 'all') setRange('all');
    else for (const chart of state.charts) chart.plot.redraw(false, false);
    const first = state.charts.find((chart) => chart.points.some((point) => state.highlight.has(point.reference)));
    if (first) {
      const index = first.points.findIndex((point) => state.highlight.has(point.reference));
      showPoint(first, index);
    }
    const target = first ? first.container : document.querySelector('#orders .highlight, #tracks .highlight, #tracks-kidney .highlight');
    if (scroll && target) target.scrollIntoView({ block: 'center' });
  }

  function applyHighlight() {
    for (const node of document.querySelectorAll('[data-ref]')) node.classList.toggle('highlight', state.highlight.has(node.dataset.ref));
  }

  function applyInitialFocus(focus) {
    const note = $('focus-note');
    note.hidden = true;
    if (!focus) return;
    const finding = focus.ruleCode ? state.view.findings.find((candidate) => candidate.ruleCode === focus.ruleCode) : undefined;
    const references = new Set([...(focus.focus || []), ...(finding ? finding.triggers : [])]);
    const missing = [...references].filter((reference) => !state.refs.has(reference));
    const texts = [];
    if (focus.ruleCode && !finding) texts.push(`The card\u2019s finding (${focus.ruleCode}) is not found in the record now.`);
    if (missing.length > 0) texts.push(`Not in the timeline: ${missing.join(', ')}.`);
    if (texts.length > 0) {
      note.textContent = texts.join(' ');
      note.hidden = false;
    }
    select(focus.ruleCode, [...references], false);
  }

  // ---- Charts -------------------------------------------------------------------------------

  const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

  function chartWidth() {
    return Math.max(480, $('tracks').clientWidth || 900);
  }

  /**
   * Where a target applies on the time axis. The tacrolimus band is the one the rules judge with,
   * for its phase only: the maintenance band from the end of induction (none while induction
   * lasts), an induction band during induction. MPA targets have no phase: the whole axis.
   */
  function bandInterval(view, band) {
    const now = seconds(view.now);
    if (!band.phase) return [-Infinity, now];
    const inductionStart = (view.reInduction && view.reInduction.start) || view.therapyStart;
    if (band.phase === 'maintenance') {
      if (!view.inductionEnd) return view.phase === 'maintenance' ? [-Infinity, now] : null;
      const from = seconds(view.inductionEnd);
      return from < now ? [from, now] : null;
    }
    if (!inductionStart) return null;
    return [seconds(inductionStart), view.inductionEnd ? Math.min(now, seconds(view.inductionEnd)) : now];
  }

  /** The target of a track, drawn only where its unit is the track's own (never a band in another unit). */
  function targetOf(view, series) {
    const targets = view.targets || {};
    const target = targets[series.key];
    if (!target || target.unit !== series.unit) return null;
    return { min: target.min, max: typeof target.max === 'number' ? target.max : undefined, unit: target.unit, phase: target.phase, source: target.source };
  }

  function describeTarget(band) {
    const range = band.max === undefined ? `\u2265 ${numberFormat.format(band.min)}` : `${numberFormat.format(band.min)}\u2013${numberFormat.format(band.max)}`;
    return `Target ${range} ${band.unit}${band.phase ? ` (${band.phase})` : ''}`;
  }

  function drawBackground(view, series, band) {
    return (u) => {
      const { ctx } = u;
      const { left, top, width, height } = u.bbox;
      ctx.save();
      ctx.beginPath();
      ctx.rect(left, top, width, height);
      ctx.clip();
      const x = (time) => u.valToPos(time, 'x', true);
      if (view.therapyStart && view.inductionEnd) {
        const start = seconds((view.reInduction && view.reInduction.start) || view.therapyStart);
        ctx.fillStyle = cssVar('--induction');
        ctx.fillRect(x(start), top, x(seconds(view.inductionEnd)) - x(start), height);
      }
      const interval = band && bandInterval(view, band);
      if (interval) {
        const from = x(Math.max(interval[0], u.scales.x.min));
        const to = x(interval[1]);
        const y0 = u.valToPos(band.min, 'y', true);
        const y1 = band.max === undefined ? y0 : u.valToPos(band.max, 'y', true);
        ctx.fillStyle = cssVar('--band');
        ctx.fillRect(from, y1, to - from, y0 - y1);
        ctx.strokeStyle = cssVar('--band-edge');
        ctx.lineWidth = 1.5 * uPlot.pxRatio;
        ctx.setLineDash([4 * uPlot.pxRatio, 3 * uPlot.pxRatio]);
        for (const y of band.max === undefined ? [y0] : [y0, y1]) {
          ctx.beginPath();
          ctx.moveTo(from, y);
          ctx.lineTo(to, y);
          ctx.stroke();
        }
      }
      ctx.setLineDash([6 * uPlot.pxRatio, 4 * uPlot.pxRatio]);
      ctx.lineWidth = 1.5 * uPlot.pxRatio;
      for (const [iso, colour] of [[view.maintenanceMark, cssVar('--mark')], [view.now, cssVar('--muted')]]) {
        if (!iso) continue;
        ctx.strokeStyle = colour;
        ctx.beginPath();
        ctx.moveTo(x(seconds(iso)), top);
        ctx.lineTo(x(seconds(iso)), top + height);
        ctx.stroke();
      }
      ctx.restore();
    };
  }

  function drawHighlights(points) {
    return (u) => {
      const { ctx } = u;
      ctx.save();
      ctx.strokeStyle = cssVar('--ink');
      ctx.lineWidth = 3 * uPlot.pxRatio;
      points.forEach((point, index) => {
        if (!state.highlight.has(point.reference)) return;
        const cx = u.valToPos(u.data[0][index], 'x', true);
        const cy = u.valToPos(u.data[1][index], 'y', true);
        ctx.beginPath();
        ctx.arc(cx, cy, 10 * uPlot.pxRatio, 0, 2 * Math.PI);
        ctx.stroke();
      });
      ctx.restore();
    };
  }

  function tooltipText(chart, index) {
    const point = chart.points[index];
    const reported = formatReported(point);
    return `${chart.series.label} ${formatValue(point, chart.series.unit)}${reported ? ` (reported ${reported})` : ''} \u2014 ${formatDateTime(point.at)}`;
  }

  function showPoint(chart, index) {
    const u = chart.plot;
    if (index < 0 || index >= chart.points.length) return;
    u.setCursor({ left: u.valToPos(u.data[0][index], 'x'), top: u.valToPos(u.data[1][index], 'y') });
  }

  function onCursor(chart) {
    return (u) => {
      const tooltip = $('tooltip');
      const index = u.cursor.idx;
      if (index === null || index === undefined || u.cursor.left < 0 || !chart.points[index]) {
        if (tooltip.dataset.owner === chart.series.key) tooltip.hidden = true;
        return;
      }
      chart.index = index;
      const box = u.over.getBoundingClientRect();
      const left = box.left + window.scrollX + u.valToPos(u.data[0][index], 'x');
      const top = box.top + window.scrollY + u.valToPos(u.data[1][index], 'y');
      tooltip.textContent = tooltipText(chart, index);
      tooltip.dataset.owner = chart.series.key;
      tooltip.hidden = false;
      // Beside the point, on whichever side leaves it inside the page.
      const right = left - 8 + tooltip.offsetWidth > box.right + window.scrollX;
      tooltip.style.left = `${Math.round(right ? left + 8 - tooltip.offsetWidth : left - 8)}px`;
      // Just above the plotting area, level with the track's title: it never covers a point or the band.
      tooltip.style.top = `${Math.round(box.top + window.scrollY - tooltip.offsetHeight - 6)}px`;
      tooltip.dataset.x = String(Math.round(left));
      tooltip.dataset.y = String(Math.round(top));
      chart.container.setAttribute('aria-valuetext', tooltip.textContent);
    };
  }

  /** From zero (a level's distance from zero is part of its reading) to a round number above the highest value or band. */
  function yRange(values, band) {
    const highest = Math.max(band ? (band.max === undefined ? band.min : band.max) : 0, ...values) * 1.15;
    if (!(highest > 0)) return [0, 1];
    const step = 10 ** Math.floor(Math.log10(highest));
    return [0, Math.ceil(highest / (step / 2)) * (step / 2)];
  }

  function buildTrack(view, series, target) {
    const band = targetOf(view, series);
    const points = series.points.filter((point) => point.at && typeof point.value === 'number' && !point.unreadable).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const section = element('section', undefined, 'track');
    section.dataset.series = series.key;
    const title = element('h3', `${series.label} (${series.unit})`);
    title.id = `track-${series.key}-title`;
    section.setAttribute('aria-labelledby', title.id);
    section.append(title);
    if (band && series.points.length > 0) {
      const inForce = bandInterval(view, band) !== null;
      const label = element('p', `${describeTarget(band)}${inForce ? '' : ', not in force yet'}`, 'band-label');
      if (band.source) label.title = band.source;
      section.append(label);
    }
    const unreadable = series.points.filter((point) => point.unreadable || !point.at);
    if (points.length === 0) {
      section.append(element('p', `No ${series.label.toLowerCase()} result${unreadable.length > 0 ? ' that can be read' : ''} on record.`, 'no-data'));
    }
    if (unreadable.length > 0) {
      const list = element('ul', undefined, 'unreadable');
      for (const point of unreadable) {
        const item = element('li', `Not charted, unreadable: ${point.unreadable || 'no date'}${point.at ? ` (${formatDateTime(point.at)})` : ''}${point.reference ? ` \u2014 ${point.reference}` : ''}`);
        if (point.reference) item.dataset.ref = point.reference;
        list.append(item);
      }
      section.append(list);
    }
    target.append(section);
    if (points.length === 0) return null;

    const container = element('div', undefined, 'plot');
    container.tabIndex = 0;
    container.setAttribute('role', 'slider');
    container.setAttribute('aria-label', `${series.label} results, ${points.length}; use the arrow keys to step through them`);
    container.setAttribute('aria-valuemin', '1');
    container.setAttribute('aria-valuemax', String(points.length));
    section.insertBefore(container, section.querySelector('ul.unreadable'));
    const chart = { series, points, container, plot: null, index: -1 };
    const colour = cssVar(`--${series.key}`) || cssVar('--ink');
    chart.plot = new uPlot(
      {
        width: chartWidth(),
        height: LEVELS.has(series.key) ? 190 : 130,
        legend: { show: false },
        cursor: { x: false, y: false, drag: { x: false, y: false }, points: { size: 14, fill: colour } },
        scales: {
          x: { time: true, range: () => [state.rangeMin, state.rangeMax] },
          y: { range: (_u, _min, max) => yRange([max], band) },
        },
        // Month ticks (the shortest range is 24 months); the unit is in the track's title.
        axes: [{ space: 70, values: (_u, splits) => splits.map((split) => monthFormat.format(new Date(split * 1000))) }, { size: AXIS_SIZE, space: 24 }],
        series: [{}, { label: series.label, stroke: colour, width: 1.5, points: { show: true, size: 9, fill: colour }, spanGaps: true }],
        hooks: {
          drawClear: [drawBackground(view, series, band)],
          draw: [drawHighlights(points)],
          setCursor: [onCursor(chart)],
        },
      },
      [points.map((point) => seconds(point.at)), points.map((point) => point.value)],
      container,
    );
    container.addEventListener('keydown', (event) => {
      const last = points.length - 1;
      const moves = { ArrowRight: chart.index + 1, ArrowLeft: chart.index - 1, Home: 0, End: last };
      if (!(event.key in moves)) return;
      event.preventDefault();
      const index = Math.min(last, Math.max(0, chart.index < 0 && event.key === 'ArrowLeft' ? last : moves[event.key]));
      showPoint(chart, index);
      container.setAttribute('aria-valuenow', String(index + 1));
    });
    container.addEventListener('blur', () => {
      $('tooltip').hidden = true;
    });
    return chart;
  }

  // ---- Phase strip and order bars (DOM, on the charts' time scale) -----------------------

  /** Left offset and width, in CSS pixels, of the charts' plotting area. */
  function plotArea() {
    const first = state.charts[0];
    if (first) return { left: first.plot.bbox.left / uPlot.pxRatio, width: first.plot.bbox.width / uPlot.pxRatio };
    return { left: AXIS_SIZE, width: chartWidth() - AXIS_SIZE - 16 };
  }

  function place(node, start, end, area) {
    const span = state.rangeMax - state.rangeMin;
    const from = Math.max(start, state.rangeMin);
    const to = Math.min(end, state.rangeMax);
    if (to <= from) {
      node.hidden = true;
      return;
    }
    node.hidden = false;
    node.style.left = `${area.left + ((from - state.rangeMin) / span) * area.width}px`;
    node.style.width = `${Math.max(2, ((to - from) / span) * area.width)}px`;
    node.classList.toggle('cut-start', start < state.rangeMin);
  }

  function renderPhases(view) {
    const strip = $('phases');
    strip.replaceChildren();
    const area = plotArea();
    const now = seconds(view.now);
    const segments = [];
    const inductionStart = (view.reInduction && view.reInduction.start) || view.therapyStart;
    if (view.reInduction && view.therapyStart) segments.push(['Earlier therapy', view.therapyStart, view.reInduction.start, 'earlier']);
    if (inductionStart && view.inductionEnd) {
      segments.push([view.reInduction ? 'Re-induction' : 'Induction', inductionStart, Date.parse(view.inductionEnd) < Date.parse(view.now) ? view.inductionEnd : view.now, 'induction']);
      if (Date.parse(view.inductionEnd) < Date.parse(view.now)) segments.push(['Maintenance', view.inductionEnd, view.now, 'maintenance']);
    }
    for (const [label, from, to, kind] of segments) {
      const node = element('div', label, `phase ${kind}`);
      node.title = `${label}: ${formatDate(from)} \u2013 ${to === view.now ? 'now' : formatDate(to)}`;
      place(node, seconds(from), seconds(to), area);
      strip.append(node);
    }
    if (view.maintenanceMark) {
      // The 36-month mark (clinical-rules.md §5) is always named: a line where it falls in the
      // shown range, or an arrow at the edge it lies beyond.
      const mark = seconds(view.maintenanceMark);
      const where = mark > state.rangeMax ? 'after' : mark < state.rangeMin ? 'before' : 'inside';
      const text = `36 months: ${formatDate(view.maintenanceMark)}`;
      const node = element('div', where === 'after' ? `${text} \u2192` : where === 'before' ? `\u2190 ${text}` : text, `mark ${where}`);
      const fraction = where === 'inside' ? (mark - state.rangeMin) / (state.rangeMax - state.rangeMin) : where === 'after' ? 1 : 0;
      node.style.left = `${area.left + fraction * area.width}px`;
      // Near the right edge the label goes left of its line.
      if (fraction > 0.8) node.classList.add('flip');
      if (mark > now) node.title = 'The 36-month mark is ahead';
      strip.append(node);
    }
    strip.hidden = strip.children.length === 0;
  }

  function renderOrders(view) {
    const lanes = $('orders');
    lanes.replaceChildren();
    const area = plotArea();
    const now = seconds(view.now);
    if (view.orders.length === 0) {
      lanes.append(element('p', 'No lupus nephritis immunosuppressant or glucocorticoid order on record.', 'no-data'));
      return;
    }
    const byDrug = new Map();
    for (const order of view.orders) {
      if (!byDrug.has(order.drug)) byDrug.set(order.drug, []);
      byDrug.get(order.drug).push(order);
    }
    const undated = [];
    for (const [drug, orders] of byDrug) {
      // Overlapping orders of one drug go on separate rows, so every dose stays readable.
      const rows = [];
      for (const order of orders.filter((candidate) => candidate.start).sort((a, b) => Date.parse(a.start) - Date.parse(b.start))) {
        const start = seconds(order.start);
        const end = order.end ? seconds(order.end) : now;
        let row = rows.find((candidate) => candidate.end <= start);
        if (!row) {
          row = { end, node: element('div', undefined, 'lane') };
          row.node.append(element('div', rows.length === 0 ? drug : '', 'lane-label'));
          rows.push(row);
        }
        row.end = end;
        const dose = order.dailyDose ? order.dailyDose.text : 'dose unreadable';
        const bar = element('div', dose, `bar group-${order.group}${order.dailyDose ? '' : ' unreadable'}${order.end ? '' : ' ongoing'}`);
        bar.tabIndex = 0;
        if (order.reference) bar.dataset.ref = order.reference;
        const period = `${formatDate(order.start)} \u2013 ${order.end ? formatDate(order.end) : 'ongoing'}`;
        const label = `${drug}: ${order.dailyDose ? order.dailyDose.text : `daily dose unreadable (${order.doseUnreadable || 'no dose'})`}, ${period}, ${order.status}`;
        bar.title = label;
        bar.setAttribute('aria-label', label);
        bar.setAttribute('role', 'img');
        place(bar, start, end, area);
        row.node.append(bar);
      }
      for (const row of rows) lanes.append(row.node);
      undated.push(...orders.filter((candidate) => !candidate.start));
    }
    if (undated.length > 0) lanes.append(element('p', `${undated.length} order${undated.length === 1 ? ' has' : 's have'} no start date and ${undated.length === 1 ? 'is' : 'are'} in the table view only.`, 'hint'));
  }

  function rangeNote(view) {
    let before = 0;
    for (const series of view.series) for (const point of series.points) if (point.at && seconds(point.at) < state.rangeMin) before += 1;
    const ordersBefore = view.orders.filter((order) => order.start && (order.end ? seconds(order.end) : Infinity) < state.rangeMin).length;
    const shown = `Shown: ${formatDate(state.rangeMin * 1000)} \u2013 ${formatDate(view.now)}.`;
    const hidden = [];
    if (before > 0) hidden.push(`${before} result${before === 1 ? '' : 's'}`);
    if (ordersBefore > 0) hidden.push(`${ordersBefore} order${ordersBefore === 1 ? '' : 's'}`);
    $('range-note').textContent = hidden.length > 0 ? `${shown} ${hidden.join(' and ')} before this: choose \u201cAll therapy since the start\u201d or see the table view.` : shown;
  }

  function drawTimeline() {
    const view = state.view;
    for (const chart of state.charts.splice(0)) chart.plot.destroy();
    $('tracks').replaceChildren();
    $('tracks-kidney').replaceChildren();
    const range = timeRange(view, state.range);
    state.rangeMin = range.min;
    state.rangeMax = range.max;
    const byKey = new Map(view.series.map((series) => [series.key, series]));
    for (const key of SERIES_ORDER) {
      const series = byKey.get(key);
      // Tacrolimus always has its track (saying "no result" when there is none); the others when present.
      if (!series && key !== 'tacrolimus') continue;
      if (series && series.points.length === 0 && key !== 'tacrolimus') continue;
      const chart = buildTrack(view, series || { key, label: 'Tacrolimus', unit: 'ng/mL', points: [] }, $(LEVELS.has(key) ? 'tracks' : 'tracks-kidney'));
      if (chart) state.charts.push(chart);
    }
    renderPhases(view);
    renderOrders(view);
    rangeNote(view);
    applyHighlight();
  }

  function setRange(which) {
    state.range = which;
    $('range-24').setAttribute('aria-pressed', String(which === '24'));
    $('range-all').setAttribute('aria-pressed', String(which === 'all'));
    $('tooltip').hidden = true;
    drawTimeline();
  }

  // ---- Tables ---------------------------------------------------------------------------------

  function table(caption, headings, rows, id) {
    const wrap = element('div', undefined, 'table-wrap');
    wrap.tabIndex = 0;
    wrap.setAttribute('role', 'region');
    wrap.setAttribute('aria-label', caption);
    const node = element('table');
    if (id) node.id = id;
    node.append(element('caption', caption));
    const head = element('thead');
    const headRow = element('tr');
    for (const heading of headings) {
      const cell = element('th', heading);
      cell.scope = 'col';
      headRow.append(cell);
    }
    head.append(headRow);
    const body = element('tbody');
    for (const { cells, reference } of rows) {
      const tr = element('tr');
      if (reference) tr.dataset.ref = reference;
      cells.forEach((text, index) => {
        const cell = element(index === 0 ? 'th' : 'td', text);
        if (index === 0) cell.scope = 'row';
        tr.append(cell);
      });
      body.append(tr);
    }
    if (rows.length === 0) {
      const empty = element('td', 'None on record.');
      empty.colSpan = headings.length;
      const tr = element('tr');
      tr.append(empty);
      body.append(tr);
    }
    node.append(head, body);
    wrap.append(node);
    return wrap;
  }

  function renderTables(view) {
    const tables = $('tables');
    tables.replaceChildren();
    const phaseRows = [];
    if (view.phase) phaseRows.push({ cells: ['Phase now', view.phase === 'induction' ? 'Induction' : 'Maintenance'] });
    if (view.therapyStart) phaseRows.push({ cells: ['Therapy start', formatDate(view.therapyStart)] });
    if (view.reInduction) phaseRows.push({ cells: ['Re-induction', formatDate(view.reInduction.start)], reference: view.reInduction.reference });
    if (view.inductionEnd) phaseRows.push({ cells: ['End of induction', formatDate(view.inductionEnd)] });
    if (view.maintenanceMark) phaseRows.push({ cells: ['36-month mark', formatDate(view.maintenanceMark)] });
    const band = view.targets && view.targets.tacrolimus;
    if (band) phaseRows.push({ cells: ['Tacrolimus target', `${numberFormat.format(band.min)}\u2013${numberFormat.format(band.max)} ${band.unit} (${band.phase}${band.source ? `, ${band.source}` : ''})`] });
    if (view.targets && view.targets.mpaTrough) phaseRows.push({ cells: ['MPA trough target', `\u2265 ${numberFormat.format(view.targets.mpaTrough.min)} ${view.targets.mpaTrough.unit}`] });
    if (view.targets && view.targets.mpaAuc) phaseRows.push({ cells: ['MPA AUC target', `${numberFormat.format(view.targets.mpaAuc.min)}\u2013${numberFormat.format(view.targets.mpaAuc.max)} ${view.targets.mpaAuc.unit}`] });
    tables.append(table('Phase of therapy and targets', ['', 'Value'], phaseRows, 'table-phase'));

    const byKey = new Map(view.series.map((series) => [series.key, series]));
    for (const key of SERIES_ORDER) {
      const series = byKey.get(key);
      if (!series || (series.points.length === 0 && key !== 'tacrolimus')) continue;
      const rows = [...series.points]
        .sort((a, b) => (b.at ? Date.parse(b.at) : Infinity) - (a.at ? Date.parse(a.at) : Infinity))
        .map((point) => ({
          reference: point.reference,
          cells: [
            point.at ? formatDateTime(point.at) : 'date unreadable',
            point.unreadable ? 'unreadable' : formatValue(point, series.unit),
            formatReported(point),
            point.unreadable || '',
          ],
        }));
      tables.append(table(`${series.label} (${series.unit}), newest first`, ['Date and time', 'Result', 'As reported', 'Could not be read because'], rows, `table-${key}`));
    }

    const orderRows = [...view.orders]
      .sort((a, b) => (b.start ? Date.parse(b.start) : Infinity) - (a.start ? Date.parse(a.start) : Infinity))
      .map((order) => ({
        reference: order.reference,
        cells: [
          order.drug,
          order.dailyDose ? order.dailyDose.text : `unreadable${order.doseUnreadable ? ` (${order.doseUnreadable})` : ''}`,
          order.start ? formatDate(order.start) : 'unknown',
          order.end ? formatDate(order.end) : 'ongoing',
          order.status,
        ],
      }));
    tables.append(table('Immunosuppressant and glucocorticoid orders, newest first', ['Drug', 'Daily dose', 'Start', 'End', 'Status'], orderRows, 'table-orders'));
  }

  // ---- Start --------------------------------------------------------------------------------

  /**
   * Out of the LN rules' scope (clinical-rules.md §1) the app charts nothing: its targets, phases
   * and findings are about lupus nephritis, and a band drawn for a transplant recipient would be wrong.
   */
  function renderOutOfScope(view) {
    renderHeader(view);
    const text =
      view.scopeReason === 'transplant'
        ? 'This patient has a kidney transplant on record: the lupus nephritis targets and rules do not apply, so nothing is charted here.'
        : 'No lupus nephritis on record for this patient: this app shows lupus nephritis immunosuppression only, so nothing is charted here.';
    const node = element('p', text, 'notice warning out-of-scope');
    node.id = 'out-of-scope';
    $('main').replaceChildren(node);
    $('main').hidden = false;
    setStatus(`Computed ${formatDateTime(view.now)}.`, '');
    document.body.dataset.state = 'ready';
  }

  function render(view, focus) {
    if (!view.inScope) {
      renderOutOfScope(view);
      return;
    }
    state.view = view;
    state.refs = indexReferences(view);
    renderHeader(view);
    renderNotices(view);
    renderFindings(view);
    renderTables(view);
    $('main').hidden = false;
    drawTimeline();
    applyInitialFocus(focus);
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    setStatus(`Computed ${formatDateTime(view.now)} (times in ${zone}).`, '');
    document.body.dataset.state = 'ready';
  }

  async function start() {
    $('range-24').addEventListener('click', () => setRange('24'));
    $('range-all').addEventListener('click', () => setRange('all'));
    let resizeTimer;
    const redraw = () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => state.view && drawTimeline(), 100);
    };
    window.addEventListener('resize', redraw);
    window.matchMedia('print').addEventListener('change', () => state.view && drawTimeline());
    if (typeof FHIR === 'undefined' || typeof uPlot === 'undefined') {
      fail('The page\u2019s scripts did not load; nothing can be shown.');
      return;
    }
    let client;
    try {
      client = await connect();
    } catch (error) {
      fail(`The app could not connect to the EHR: ${error.message} Open it from the EHR or from a card\u2019s link.`);
      return;
    }
    if (client === null) return;
    if (!client.patient.id) {
      fail('The EHR did not say which patient to show.');
      return;
    }
    const focus = focusFromAppContext(client.state.tokenResponse, client.patient.id) || savedFocus();
    setStatus('Reading the patient\u2019s record\u2026', '');
    void showPatient(client);
    let view;
    try {
      view = await loadTimeline(client);
    } catch (error) {
      fail(error.message);
      return;
    }
    render(view, focus);
  }

  void start();
})();
