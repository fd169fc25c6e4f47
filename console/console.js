// The quality console: asks GET /admin/feedback-report for a period and tenant and shows it as
// tables and one uPlot chart per rule. Plain script, no build step; every value is written with
// textContent (nothing the report carries is ever parsed as HTML).
'use strict';

(function () {
  const DAY_MS = 86400000;
  const DAY_STEPS = [1, 2, 7, 14, 28, 56, 91, 182, 364].map((days) => days * 86400);
  const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 100000];
  const UNATTRIBUTED = '(cards not issued by this service)';
  const $ = (id) => document.getElementById(id);
  const form = $('filters');
  const since = $('since');
  const until = $('until');
  const tenant = $('tenant');
  const token = $('token');
  const status = $('status');
  const charts = [];

  const isoDay = (time) => new Date(time).toISOString().slice(0, 10);

  function element(name, text, className) {
    const node = document.createElement(name);
    if (text !== undefined) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function row(cells) {
    const tr = document.createElement('tr');
    for (const cell of cells) tr.append(cell);
    return tr;
  }

  const numberCell = (value) => element('td', value, 'number');

  /** Overridden cards per card shown; '–' when none was shown (the CLI's definition). */
  function overrideRate(rule) {
    return rule.issued === 0 ? '–' : `${((rule.overridden / rule.issued) * 100).toFixed(1)} %`;
  }

  function describeReason(reason) {
    if (reason.code === null) return `no reason given: ${reason.cards}`;
    const coded = `${reason.system || '?'}|${reason.code}`;
    return `${reason.display === null ? coded : `${reason.display} (${coded})`}: ${reason.cards}`;
  }

  function setStatus(text, isError) {
    status.textContent = text;
    status.classList.toggle('error', Boolean(isError));
  }

  function fillTenants(report) {
    const chosen = tenant.value;
    const names = new Set(report.tenants || []);
    if (chosen) names.add(chosen);
    tenant.replaceChildren(element('option', 'All tenants'));
    tenant.firstChild.value = '';
    for (const name of [...names].sort()) {
      const option = element('option', name);
      option.value = name;
      tenant.append(option);
    }
    tenant.value = chosen;
  }

  function fillVersions(report) {
    $('current-version').textContent = report.currentRulesetVersion || 'unknown';
    const body = $('versions').tBodies[0];
    body.replaceChildren();
    for (const version of report.rulesetVersions || []) {
      body.append(
        row([
          element('td', version.version),
          element('td', version.firstIssuedAt.replace('T', ' ').slice(0, 16) + ' UTC'),
          element('td', version.lastIssuedAt.replace('T', ' ').slice(0, 16) + ' UTC'),
          numberCell(version.cards),
        ]),
      );
    }
    if (body.rows.length === 0) {
      const empty = element('td', 'No card with a recorded rule-set version in this period.');
      empty.colSpan = 4;
      body.append(row([empty]));
    }
  }

  function fillRules(report) {
    const who = report.tenant ? `tenant ${report.tenant}` : 'all tenants';
    $('rules-caption').textContent = `Cards per rule, ${since.value} to ${until.value}, ${who}`;
    const body = $('rules').tBodies[0];
    body.replaceChildren();
    for (const rule of report.rules) {
      const reasons = document.createElement('td');
      if (rule.overrideReasons.length > 0) {
        const list = document.createElement('ul');
        for (const reason of rule.overrideReasons) list.append(element('li', describeReason(reason)));
        reasons.append(list);
      }
      const name = element('th', rule.ruleCode === null ? UNATTRIBUTED : rule.ruleCode);
      name.scope = 'row';
      const tr = row([
        name,
        numberCell(rule.issued),
        numberCell(rule.shadow),
        numberCell(rule.accepted),
        numberCell(rule.overridden),
        numberCell(overrideRate(rule)),
        reasons,
      ]);
      tr.dataset.rule = rule.ruleCode === null ? '' : rule.ruleCode;
      body.append(tr);
    }
    if (report.rules.length === 0) {
      const empty = element('td', 'No card shown, no shadow finding and no feedback in this period.');
      empty.colSpan = 7;
      body.append(row([empty]));
    }
  }

  function fillCharts(report) {
    for (const chart of charts.splice(0)) chart.destroy();
    const container = $('charts');
    container.replaceChildren();
    const days = report.days || [];
    const xs = days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000);
    for (const series of report.daily || []) {
      const section = element('section', undefined, 'rule-chart');
      section.dataset.rule = series.ruleCode;
      const id = `chart-${series.ruleCode}`;
      const title = element('h3', series.ruleCode);
      title.id = `${id}-title`;
      section.setAttribute('aria-labelledby', title.id);
      const total = (values) => values.reduce((sum, value) => sum + value, 0);
      const summary = element(
        'p',
        `${total(series.shown)} shown and ${total(series.shadow)} shadow findings over ${days.length} days.`,
      );
      const plot = document.createElement('div');
      plot.setAttribute('role', 'img');
      plot.setAttribute('aria-label', `Daily firing of ${series.ruleCode}: cards shown and shadow findings per day; the numbers are in the table below.`);
      const details = document.createElement('details');
      details.append(element('summary', 'The chart\u2019s numbers'));
      const table = document.createElement('table');
      table.className = 'daily';
      table.append(element('caption', `Daily firing of ${series.ruleCode} (UTC days)`));
      const head = document.createElement('thead');
      const headRow = row(['Day', 'Shown', 'Shadow'].map((text, index) => element('th', text, index > 0 ? 'number' : '')));
      for (const cell of headRow.cells) cell.scope = 'col';
      head.append(headRow);
      const body = document.createElement('tbody');
      days.forEach((day, index) => {
        const dayCell = element('th', day);
        dayCell.scope = 'row';
        body.append(row([dayCell, numberCell(series.shown[index]), numberCell(series.shadow[index])]));
      });
      table.append(head, body);
      details.append(table);
      section.append(title, summary, plot, details);
      container.append(section);
      charts.push(drawChart(plot, xs, series, container.clientWidth || 800));
    }
    if (container.children.length === 0) container.append(element('p', 'Nothing fired in this period.'));
  }

  function drawChart(target, xs, series, width) {
    const style = getComputedStyle(document.documentElement);
    return new uPlot(
      {
        width: Math.max(320, width),
        height: 220,
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        // Whole UTC days on x and whole cards on y: the data are daily counts.
        axes: [
          { incrs: DAY_STEPS, values: (_u, splits) => splits.map((split) => isoDay(split * 1000).slice(5)) },
          { label: 'cards per day', incrs: COUNT_STEPS },
        ],
        series: [
          { label: 'day', value: (_u, value) => (value == null ? '' : isoDay(value * 1000)) },
          { label: 'shown', stroke: style.getPropertyValue('--shown').trim(), width: 2, points: { show: true } },
          { label: 'shadow', stroke: style.getPropertyValue('--shadow').trim(), width: 2, dash: [6, 4], points: { show: true } },
        ],
      },
      [xs, series.shown, series.shadow],
      target,
    );
  }

  async function load() {
    const params = new URLSearchParams({ since: since.value, until: until.value });
    if (tenant.value) params.set('tenant', tenant.value);
    history.replaceState(null, '', `?${params}`);
    setStatus('Loading…');
    const headers = { accept: 'application/json' };
    if (token.value) headers.authorization = `Bearer ${token.value}`;
    let response;
    try {
      response = await fetch(`/admin/feedback-report?${params}`, { headers, cache: 'no-store' });
    } catch (error) {
      setStatus(`The service could not be reached (${error.message}).`, true);
      return;
    }
    if (!response.ok) {
      let text = `The service answered ${response.status}.`;
      try {
        const outcome = await response.json();
        const issue = outcome.issue && outcome.issue[0];
        const detail = issue && (issue.diagnostics || (issue.details && issue.details.text));
        if (detail) text = `${text} ${detail}`;
      } catch {
        // Not an OperationOutcome: the status says enough.
      }
      setStatus(text, true);
      return;
    }
    const report = await response.json();
    fillTenants(report);
    fillVersions(report);
    fillRules(report);
    fillCharts(report);
    setStatus(`Report of ${report.generatedAt.replace('T', ' ').slice(0, 16)} UTC: ${report.rules.length} rules.`);
    document.body.dataset.loaded = 'true';
  }

  function start() {
    const asked = new URLSearchParams(location.search);
    const today = Date.now();
    until.value = asked.get('until') || isoDay(today);
    since.value = asked.get('since') || isoDay(today - 29 * DAY_MS);
    const askedTenant = asked.get('tenant');
    if (askedTenant) {
      const option = element('option', askedTenant);
      option.value = askedTenant;
      tenant.append(option);
      tenant.value = askedTenant;
    }
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      document.body.dataset.loaded = 'false';
      void load();
    });
    void load();
  }

  start();
})();
