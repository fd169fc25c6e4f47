// The immunosuppression timeline, a SMART on FHIR app (docs/app.md): after the launch
// (launch.js) it shows what POST /app/api/timeline answers — findings, charts (chart.js,
// lanes.js) and the table view (tables.js). Phase, targets, daily doses and findings come from
// the same code as the cards, so the page computes nothing clinical; it only draws what it is
// given. This file holds the page's state, its header, notices and findings, and the highlight
// of a finding's triggers.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const modules = window.LnTimeline || {};
  if (
    !modules.format ||
    !modules.launch ||
    !modules.lanes ||
    !modules.chart ||
    !modules.tables ||
    typeof FHIR === 'undefined' ||
    typeof uPlot === 'undefined'
  ) {
    $('status').textContent = 'The page\u2019s scripts did not load; nothing can be shown.';
    $('status').className = 'status error';
    document.body.dataset.state = 'error';
    return;
  }
  const { formatDate, formatDateTime, formatValue, seconds, element } = window.LnTimeline.format;
  const { connect, savedFocus, focusFromAppContext, loadTimeline, readPatient } = window.LnTimeline.launch;
  const { createTimeline, timeRange } = window.LnTimeline.chart;
  const { renderTables } = window.LnTimeline.tables;
  const state = {
    view: null,
    range: '24',
    highlight: new Set(),
    selectedRule: null,
    charts: [],
    refs: new Map(),
  };
  const timeline = createTimeline(state);

  function setStatus(text, kind) {
    const status = $('status');
    status.textContent = text;
    status.className = `status ${kind || ''}`;
  }

  function fail(text) {
    setStatus(text, 'error');
    document.body.dataset.state = 'error';
  }

  /** Index of everything a finding can point at: reference → what it is, in words. */
  function indexReferences(view) {
    const refs = new Map();
    for (const series of view.series) {
      for (const point of series.points) {
        if (!point.reference) continue;
        const value = point.unreadable ? `unreadable (${point.unreadable})` : formatValue(point, series.unit);
        refs.set(point.reference, {
          kind: 'point',
          series,
          point,
          text: `${series.label} ${value}${point.at ? `, ${formatDateTime(point.at)}` : ''}`,
        });
      }
    }
    for (const order of view.orders) {
      if (!order.reference) continue;
      const dose = order.dailyDose ? order.dailyDose.text : 'daily dose unreadable';
      refs.set(order.reference, {
        kind: 'order',
        order,
        text: `${order.drug} ${dose}${order.start ? `, from ${formatDate(order.start)}` : ''}`,
      });
    }
    return refs;
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
    // A birth date is a calendar date: shown as written, in no time zone.
    if (/^\d{4}-\d{2}-\d{2}$/.test(patient.birthDate || ''))
      parts.push(`born ${formatDate(patient.birthDate)}`);
    return parts.join(', ');
  }

  async function showPatient(client) {
    const who = $('who');
    try {
      const patient = await readPatient(client);
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
    const unreadable = view.series.reduce(
      (count, series) => count + series.points.filter((point) => point.unreadable).length,
      0,
    );
    const dosesUnreadable = view.orders.filter((order) => !order.dailyDose).length;
    if (unreadable > 0)
      notice(
        `${unreadable} result${unreadable === 1 ? '' : 's'} could not be read and ${unreadable === 1 ? 'is' : 'are'} not charted; see the table view.`,
        'warning',
      );
    if (dosesUnreadable > 0)
      notice(
        `${dosesUnreadable} order${dosesUnreadable === 1 ? '\u2019s' : 's\u2019'} daily dose could not be read; the bar says so.`,
        'warning',
      );
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
      head.append(
        element('span', INDICATOR[finding.indicator] || finding.indicator, `badge ${finding.indicator}`),
        ' ',
        element('span', finding.summary, 'summary'),
      );
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
    timeline.applyHighlight();
    // A highlighted result before the shown range widens it, so the highlight is never off-screen.
    const range = timeRange(state.view, state.range);
    const outside = [...state.highlight].some((reference) => {
      const known = state.refs.get(reference);
      if (!known) return false;
      // A result is off-screen before the range; an order only when it ended before it.
      const at =
        known.kind === 'point' ? known.point.at : known.order.start && (known.order.end || state.view.now);
      return Boolean(at) && seconds(at) < range.min;
    });
    if (outside && state.range !== 'all') timeline.setRange('all');
    else for (const chart of state.charts) chart.plot.redraw(false, false);
    const first = timeline.showHighlighted();
    const target = first
      ? first.container
      : document.querySelector('#orders .highlight, #tracks .highlight, #tracks-kidney .highlight');
    if (scroll && target) target.scrollIntoView({ block: 'center' });
  }

  function applyInitialFocus(focus) {
    const note = $('focus-note');
    note.hidden = true;
    if (!focus) return;
    const finding = focus.ruleCode
      ? state.view.findings.find((candidate) => candidate.ruleCode === focus.ruleCode)
      : undefined;
    const references = new Set([...(focus.focus || []), ...(finding ? finding.triggers : [])]);
    const missing = [...references].filter((reference) => !state.refs.has(reference));
    const texts = [];
    if (focus.ruleCode && !finding)
      texts.push(`The card\u2019s finding (${focus.ruleCode}) is not found in the record now.`);
    if (missing.length > 0) texts.push(`Not in the timeline: ${missing.join(', ')}.`);
    if (texts.length > 0) {
      note.textContent = texts.join(' ');
      note.hidden = false;
    }
    select(focus.ruleCode, [...references], false);
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
    timeline.draw();
    applyInitialFocus(focus);
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    setStatus(`Computed ${formatDateTime(view.now)} (times in ${zone}).`, '');
    document.body.dataset.state = 'ready';
  }

  async function start() {
    $('range-24').addEventListener('click', () => timeline.setRange('24'));
    $('range-all').addEventListener('click', () => timeline.setRange('all'));
    let resizeTimer;
    const redraw = () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => state.view && timeline.draw(), 100);
    };
    window.addEventListener('resize', redraw);
    window.matchMedia('print').addEventListener('change', () => state.view && timeline.draw());
    let client;
    try {
      client = await connect();
    } catch (error) {
      fail(
        `The app could not connect to the EHR: ${error.message} Open it from the EHR or from a card\u2019s link.`,
      );
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
