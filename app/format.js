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

  /**
   * The view writes a FHIR date without a time of day as a calendar date (`2024-03-15`) and any
   * other time as an instant. A calendar date is that day wherever the browser is: it is placed at
   * local midnight and shown without a time, never as the evening before west of UTC.
   */
  function toDate(time) {
    if (typeof time === 'number') return new Date(time);
    const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(time);
    return day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : new Date(time);
  }
  const isCalendarDate = (time) => typeof time === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(time);
  const formatDate = (time) => dateFormat.format(toDate(time));
  const formatDateTime = (time) =>
    isCalendarDate(time) ? formatDate(time) : dateTimeFormat.format(toDate(time));
  /** Seconds since the epoch, the charts' time scale. */
  const seconds = (time) => toDate(time).getTime() / 1000;

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
