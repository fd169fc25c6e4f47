// The timeline app's shared helpers: how record values, dates and times are written (the
// browser's locale and time zone), the analyte groups in display order, and a DOM helper that
// writes text only (nothing the record carries is ever parsed as HTML).
'use strict';

(function () {
  const DAY_S = 86400;

  // Dates and times of the record, in this browser's time zone, always with the date.
  const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
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

  const SERIES_ORDER = ['tacrolimus', 'mpaTrough', 'mpaAuc', 'egfr', 'creatinine', 'weight'];
  // Drug levels sit above the dose bars they answer to; kidney function and weight below them.
  const LEVELS = new Set(['tacrolimus', 'mpaTrough', 'mpaAuc']);

  function formatValue(point, unit) {
    if (point.value === undefined || point.value === null) return '';
    const comparator = point.comparator ? `${point.comparator}\u2009` : '';
    return `${comparator}${numberFormat.format(point.value)} ${unit}`;
  }

  const formatReported = (point) =>
    point.reported ? `${numberFormat.format(point.reported.value)} ${point.reported.unit}` : '';

  window.LnTimeline = Object.assign(window.LnTimeline || {}, {
    format: {
      DAY_S,
      SERIES_ORDER,
      LEVELS,
      dateFormat,
      monthFormat,
      numberFormat,
      formatDate,
      formatDateTime,
      formatValue,
      formatReported,
      seconds,
      element,
    },
  });
})();
