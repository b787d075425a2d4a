// @ts-check
// A compact end-of-test text summary for scripts that print their own report in handleSummary (k6 then skips
// its default summary): every threshold with pass/fail, and the main values of the metrics named.

/**
 * @param {any} data  the handleSummary argument
 * @param {string[]} metricNames
 * @returns {string}
 */
export function thresholdReport(data, metricNames) {
  const lines = [];
  for (const [name, metric] of Object.entries(data.metrics || {})) {
    const m = /** @type {any} */ (metric);
    if (!m.thresholds) continue;
    for (const [expr, result] of Object.entries(m.thresholds)) {
      lines.push(`  ${(/** @type {any} */ (result)).ok ? 'PASS' : 'FAIL'}  ${name}: ${expr}`);
    }
  }
  const values = [];
  for (const name of metricNames) {
    const m = data.metrics && data.metrics[name];
    if (!m) continue;
    const parts = Object.entries(m.values).map(([k, v]) => `${k}=${typeof v === 'number' ? round(v) : v}`);
    values.push(`  ${name}: ${parts.join(' ')}`);
  }
  return `thresholds:\n${lines.join('\n') || '  (none)'}\nmetrics:\n${values.join('\n')}\n`;
}

/** @param {number} v */
function round(v) {
  return Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 100) / 100;
}
