// The phase strip (induction → maintenance, the 36-month mark) and one bar per order labelled with
// its daily dose: plain DOM placed on the charts' time scale (the same plotting-area offset and
// width), so dose changes line up with the levels above them.
'use strict';

(function () {
  const { formatDate, seconds, element } = window.LnTimeline.format;
  const $ = (id) => document.getElementById(id);

  /** Places a bar or phase from `start` to `end` (seconds) on the shown range; hidden when wholly outside it. */
  function place(state, node, start, end, area) {
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

  /** Induction (or re-induction) → maintenance, and the 36-month mark. */
  function renderPhases(state, view, area) {
    const strip = $('phases');
    strip.replaceChildren();
    const now = seconds(view.now);
    const segments = [];
    const inductionStart = (view.reInduction && view.reInduction.start) || view.therapyStart;
    if (view.reInduction && view.therapyStart)
      segments.push(['Earlier therapy', view.therapyStart, view.reInduction.start, 'earlier']);
    if (inductionStart && view.inductionEnd) {
      segments.push([
        view.reInduction ? 'Re-induction' : 'Induction',
        inductionStart,
        seconds(view.inductionEnd) < seconds(view.now) ? view.inductionEnd : view.now,
        'induction',
      ]);
      if (seconds(view.inductionEnd) < seconds(view.now))
        segments.push(['Maintenance', view.inductionEnd, view.now, 'maintenance']);
    }
    for (const [label, from, to, kind] of segments) {
      const node = element('div', label, `phase ${kind}`);
      node.title = `${label}: ${formatDate(from)} \u2013 ${to === view.now ? 'now' : formatDate(to)}`;
      place(state, node, seconds(from), seconds(to), area);
      strip.append(node);
    }
    if (view.maintenanceMark) {
      // The 36-month mark (clinical-rules.md §5) is always named: a line where it falls in the
      // shown range, or an arrow at the edge it lies beyond.
      const mark = seconds(view.maintenanceMark);
      const where = mark > state.rangeMax ? 'after' : mark < state.rangeMin ? 'before' : 'inside';
      const text = `36 months: ${formatDate(view.maintenanceMark)}`;
      const node = element(
        'div',
        where === 'after' ? `${text} \u2192` : where === 'before' ? `\u2190 ${text}` : text,
        `mark ${where}`,
      );
      const fraction =
        where === 'inside'
          ? (mark - state.rangeMin) / (state.rangeMax - state.rangeMin)
          : where === 'after'
            ? 1
            : 0;
      node.style.left = `${area.left + fraction * area.width}px`;
      // Near the right edge the label goes left of its line.
      if (fraction > 0.8) node.classList.add('flip');
      if (mark > now) node.title = 'The 36-month mark is ahead';
      strip.append(node);
    }
    strip.hidden = strip.children.length === 0;
  }

  /** The end of an order in words: its date, "ongoing", or that it stopped on a day not recorded. */
  function endText(order) {
    if (order.end) return formatDate(order.end);
    return order.endUnknown ? 'end date not recorded' : 'ongoing';
  }

  /** One row per drug, one bar per order, labelled with its daily dose (or that it cannot be read). */
  function renderOrders(state, view, area) {
    const lanes = $('orders');
    lanes.replaceChildren();
    const now = seconds(view.now);
    if (view.orders.length === 0) {
      lanes.append(
        element('p', 'No lupus nephritis immunosuppressant or glucocorticoid order on record.', 'no-data'),
      );
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
      for (const order of orders
        .filter((candidate) => candidate.start)
        .sort((a, b) => seconds(a.start) - seconds(b.start))) {
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
        // Stopped at a time the record does not give: drawn to today, its end fading, never as ongoing.
        const ending = order.end ? '' : order.endUnknown ? ' end-unknown' : ' ongoing';
        const bar = element(
          'div',
          dose,
          `bar group-${order.group}${order.dailyDose ? '' : ' unreadable'}${ending}`,
        );
        bar.tabIndex = 0;
        if (order.reference) bar.dataset.ref = order.reference;
        const period = `${formatDate(order.start)} \u2013 ${endText(order)}`;
        const label = `${drug}: ${order.dailyDose ? order.dailyDose.text : `daily dose unreadable (${order.doseUnreadable || 'no dose'})`}, ${period}, ${order.status}`;
        bar.title = label;
        bar.setAttribute('aria-label', label);
        bar.setAttribute('role', 'img');
        place(state, bar, start, end, area);
        row.node.append(bar);
      }
      for (const row of rows) lanes.append(row.node);
      undated.push(...orders.filter((candidate) => !candidate.start));
    }
    if (undated.length > 0)
      lanes.append(
        element(
          'p',
          `${undated.length} order${undated.length === 1 ? ' has' : 's have'} no start date and ${undated.length === 1 ? 'is' : 'are'} in the table view only.`,
          'hint',
        ),
      );
  }

  /** The shown period, and how many results and orders lie before it (never hidden silently). */
  function rangeNote(state, view) {
    let before = 0;
    for (const series of view.series)
      for (const point of series.points) if (point.at && seconds(point.at) < state.rangeMin) before += 1;
    const ordersBefore = view.orders.filter(
      (order) => order.start && (order.end ? seconds(order.end) : Infinity) < state.rangeMin,
    ).length;
    const shown = `Shown: ${formatDate(state.rangeMin * 1000)} \u2013 ${formatDate(view.now)}.`;
    const hidden = [];
    if (before > 0) hidden.push(`${before} result${before === 1 ? '' : 's'}`);
    if (ordersBefore > 0) hidden.push(`${ordersBefore} order${ordersBefore === 1 ? '' : 's'}`);
    $('range-note').textContent =
      hidden.length > 0
        ? `${shown} ${hidden.join(' and ')} before this: choose \u201cAll therapy since the start\u201d or see the table view.`
        : shown;
  }

  window.LnTimeline = Object.assign(window.LnTimeline || {}, {
    lanes: { renderPhases, renderOrders, rangeNote },
  });
})();
