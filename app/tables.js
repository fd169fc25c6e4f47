// The table view: the timeline's data as real tables with captions (phase and targets, one table
// per analyte newest first, the orders), for keyboards, screen readers and print. Unreadable
// results are rows saying so, with the reason.
'use strict';

(function () {
  const {
    SERIES_ORDER,
    numberFormat,
    formatDate,
    formatDateTime,
    formatValue,
    formatReported,
    seconds,
    element,
  } = window.LnTimeline.format;
  const $ = (id) => document.getElementById(id);

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
    if (view.phase)
      phaseRows.push({ cells: ['Phase now', view.phase === 'induction' ? 'Induction' : 'Maintenance'] });
    if (view.therapyStart) phaseRows.push({ cells: ['Therapy start', formatDate(view.therapyStart)] });
    if (view.reInduction)
      phaseRows.push({
        cells: ['Re-induction', formatDate(view.reInduction.start)],
        reference: view.reInduction.reference,
      });
    if (view.inductionEnd) phaseRows.push({ cells: ['End of induction', formatDate(view.inductionEnd)] });
    if (view.maintenanceMark) phaseRows.push({ cells: ['36-month mark', formatDate(view.maintenanceMark)] });
    const band = view.targets && view.targets.tacrolimus;
    if (band)
      phaseRows.push({
        cells: [
          'Tacrolimus target',
          `${numberFormat.format(band.min)}\u2013${numberFormat.format(band.max)} ${band.unit} (${band.phase}${band.source ? `, ${band.source}` : ''})`,
        ],
      });
    if (view.targets && view.targets.mpaTrough)
      phaseRows.push({
        cells: [
          'MPA trough target',
          `\u2265 ${numberFormat.format(view.targets.mpaTrough.min)} ${view.targets.mpaTrough.unit}`,
        ],
      });
    if (view.targets && view.targets.mpaAuc)
      phaseRows.push({
        cells: [
          'MPA AUC target',
          `${numberFormat.format(view.targets.mpaAuc.min)}\u2013${numberFormat.format(view.targets.mpaAuc.max)} ${view.targets.mpaAuc.unit}`,
        ],
      });
    tables.append(table('Phase of therapy and targets', ['', 'Value'], phaseRows, 'table-phase'));

    const byKey = new Map(view.series.map((series) => [series.key, series]));
    for (const key of SERIES_ORDER) {
      const series = byKey.get(key);
      if (!series || (series.points.length === 0 && key !== 'tacrolimus')) continue;
      const rows = [...series.points]
        .sort((a, b) => (b.at ? seconds(b.at) : Infinity) - (a.at ? seconds(a.at) : Infinity))
        .map((point) => ({
          reference: point.reference,
          cells: [
            point.at ? formatDateTime(point.at) : 'date unreadable',
            point.unreadable ? 'unreadable' : formatValue(point, series.unit),
            formatReported(point),
            point.unreadable || '',
          ],
        }));
      tables.append(
        table(
          `${series.label} (${series.unit}), newest first`,
          ['Date and time', 'Result', 'As reported', 'Could not be read because'],
          rows,
          `table-${key}`,
        ),
      );
    }

    const orderRows = [...view.orders]
      .sort((a, b) => (b.start ? seconds(b.start) : Infinity) - (a.start ? seconds(a.start) : Infinity))
      .map((order) => ({
        reference: order.reference,
        cells: [
          order.drug,
          order.dailyDose
            ? order.dailyDose.text
            : `unreadable${order.doseUnreadable ? ` (${order.doseUnreadable})` : ''}`,
          order.start ? formatDate(order.start) : 'unknown',
          order.end ? formatDate(order.end) : order.endUnknown ? 'not recorded' : 'ongoing',
          order.status,
        ],
      }));
    tables.append(
      table(
        'Immunosuppressant and glucocorticoid orders, newest first',
        ['Drug', 'Daily dose', 'Start', 'End', 'Status'],
        orderRows,
        'table-orders',
      ),
    );
  }

  window.LnTimeline = Object.assign(window.LnTimeline || {}, { tables: { renderTables } });
})();
