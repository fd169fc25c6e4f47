// The timeline's charts: one uPlot chart per analyte on a shared time axis (drug levels above the
// dose bars, kidney function and weight below), with the target band, phase shading, the 36-month
// mark and highlight rings drawn by uPlot hooks; a tooltip with value and date on hover and on
// keyboard focus (← → Home End).
'use strict';

(function () {
  const {
    DAY_S,
    SERIES_ORDER,
    LEVELS,
    monthFormat,
    numberFormat,
    formatDateTime,
    formatValue,
    formatReported,
    seconds,
    element,
  } = window.LnTimeline.format;
  const lanes = window.LnTimeline.lanes;
  const AXIS_SIZE = 120;
  const $ = (id) => document.getElementById(id);

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

  /** The timeline of one page: `state` holds the view, the range and the highlighted references. */
  function createTimeline(state) {
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
      return {
        min: target.min,
        max: typeof target.max === 'number' ? target.max : undefined,
        unit: target.unit,
        phase: target.phase,
        source: target.source,
      };
    }

    function describeTarget(band) {
      const range =
        band.max === undefined
          ? `\u2265 ${numberFormat.format(band.min)}`
          : `${numberFormat.format(band.min)}\u2013${numberFormat.format(band.max)}`;
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
        for (const [iso, colour] of [
          [view.maintenanceMark, cssVar('--mark')],
          [view.now, cssVar('--muted')],
        ]) {
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
        chart.container.setAttribute('aria-valuenow', String(index + 1));
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
      const points = series.points
        .filter((point) => point.at && typeof point.value === 'number' && !point.unreadable)
        .sort((a, b) => seconds(a.at) - seconds(b.at));
      const section = element('section', undefined, 'track');
      section.dataset.series = series.key;
      const title = element('h3', `${series.label} (${series.unit})`);
      title.id = `track-${series.key}-title`;
      section.setAttribute('aria-labelledby', title.id);
      section.append(title);
      if (band && series.points.length > 0) {
        const inForce = bandInterval(view, band) !== null;
        const label = element(
          'p',
          `${describeTarget(band)}${inForce ? '' : ', not in force yet'}`,
          'band-label',
        );
        if (band.source) label.title = band.source;
        section.append(label);
      }
      const unreadable = series.points.filter((point) => point.unreadable || !point.at);
      if (points.length === 0) {
        section.append(
          element(
            'p',
            `No ${series.label.toLowerCase()} result${unreadable.length > 0 ? ' that can be read' : ''} on record.`,
            'no-data',
          ),
        );
      }
      if (unreadable.length > 0) {
        const list = element('ul', undefined, 'unreadable');
        for (const point of unreadable) {
          const item = element(
            'li',
            `Not charted, unreadable: ${point.unreadable || 'no date'}${point.at ? ` (${formatDateTime(point.at)})` : ''}${point.reference ? ` \u2014 ${point.reference}` : ''}`,
          );
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
      container.setAttribute(
        'aria-label',
        `${series.label} results, ${points.length}; use the arrow keys to step through them`,
      );
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
          axes: [
            {
              space: 70,
              values: (_u, splits) => splits.map((split) => monthFormat.format(new Date(split * 1000))),
            },
            { size: AXIS_SIZE, space: 24 },
          ],
          series: [
            {},
            {
              label: series.label,
              stroke: colour,
              width: 1.5,
              points: { show: true, size: 9, fill: colour },
              spanGaps: true,
            },
          ],
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
        const index = Math.min(
          last,
          Math.max(0, chart.index < 0 && event.key === 'ArrowLeft' ? last : moves[event.key]),
        );
        showPoint(chart, index);
      });
      container.addEventListener('blur', () => {
        $('tooltip').hidden = true;
      });
      return chart;
    }

    /** Left offset and width, in CSS pixels, of the charts' plotting area. */
    function plotArea() {
      const first = state.charts[0];
      if (first)
        return { left: first.plot.bbox.left / uPlot.pxRatio, width: first.plot.bbox.width / uPlot.pxRatio };
      return { left: AXIS_SIZE, width: chartWidth() - AXIS_SIZE - 16 };
    }

    function applyHighlight() {
      for (const node of document.querySelectorAll('[data-ref]'))
        node.classList.toggle('highlight', state.highlight.has(node.dataset.ref));
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
        const chart = buildTrack(
          view,
          series || { key, label: 'Tacrolimus', unit: 'ng/mL', points: [] },
          $(LEVELS.has(key) ? 'tracks' : 'tracks-kidney'),
        );
        if (chart) state.charts.push(chart);
      }
      const area = plotArea();
      lanes.renderPhases(state, view, area);
      lanes.renderOrders(state, view, area);
      lanes.rangeNote(state, view);
      applyHighlight();
    }

    function setRange(which) {
      state.range = which;
      $('range-24').setAttribute('aria-pressed', String(which === '24'));
      $('range-all').setAttribute('aria-pressed', String(which === 'all'));
      $('tooltip').hidden = true;
      drawTimeline();
      showHighlighted();
    }

    /** The tooltip on the first highlighted result, if one is charted; returns its chart. */
    function showHighlighted() {
      const chart = state.charts.find((candidate) =>
        candidate.points.some((point) => state.highlight.has(point.reference)),
      );
      if (chart)
        showPoint(
          chart,
          chart.points.findIndex((point) => state.highlight.has(point.reference)),
        );
      return chart;
    }

    return { draw: drawTimeline, setRange, showHighlighted, applyHighlight };
  }

  window.LnTimeline = Object.assign(window.LnTimeline || {}, { chart: { createTimeline, timeRange } });
})();
