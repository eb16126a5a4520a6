// reports.html: the report endpoints (GET /v1/reports/sla, /times,
// /transparency) drawn as inline SVG charts, each with its numbers below.

import { api, query } from './api.js';
import { barsWithInterval, stackedBars, tiles } from './charts.js';
import { $, fill, h, humanize, say } from './dom.js';
import { showFatal, signedIn } from './layout.js';

const SLA_SERIES = [
  { key: 'on_time', label: 'on time' },
  { key: 'late', label: 'late' },
  { key: 'open_overdue', label: 'open, overdue' },
  { key: 'open_due_soon', label: 'open, due soon' },
  { key: 'open_later', label: 'open, due later' },
  { key: 'no_deadline', label: 'no hour limit' },
];

const OUTCOME_SERIES = [
  { key: 'fully_complied', label: 'fully complied' },
  { key: 'partly_complied', label: 'partly complied' },
  { key: 'not_complied', label: 'not complied' },
  { key: 'reversed_on_appeal', label: 'reversed on appeal' },
  { key: 'rejected', label: 'rejected' },
  { key: 'pending', label: 'pending' },
];

const pct = (x) => `${(100 * x).toFixed(0)}%`;
// The on-time rate, or '—' while no case has fallen due (nothing to rate yet).
const rate = (r) => ((r.on_time || 0) + (r.late || 0) + (r.open_overdue || 0) ? pct(r.on_time_rate) : '—');

function slaView(r) {
  const t = r.total || {};
  const head = tiles([
    { label: 'on time (of those due)', value: rate(t), tone: rate(t) === '—' ? '' : t.on_time_rate < 0.95 ? 'bad' : 'good' },
    { label: 'open and overdue', value: String(t.open_overdue || 0), tone: t.open_overdue ? 'bad' : 'good' },
    { label: `due within ${r.due_within_hours} h`, value: String(t.open_due_soon || 0), tone: t.open_due_soon ? 'warn' : '' },
    { label: 'late, median hours', value: t.late ? (t.late_median_hours || 0).toFixed(1) : '—' },
  ]);
  const rows = (r.rows || []).map((x) => ({
    label: x.category_label || humanize(x.category),
    sub: `${x.source_label || humanize(x.source)} · ${x.regime || 'no regime'}`,
    values: x,
    note: rate(x),
  }));
  if (!rows.length) return [head, h('p', { class: 'empty' }, 'No orders or notices with a clock yet.')];
  return [head, stackedBars({
    title: 'Cases by deadline outcome, per regime and category',
    desc: `${rows.length} groups; the figure after each bar is the on-time rate. As of ${r.as_of}.`,
    rows, series: SLA_SERIES, unit: 'cases',
    caption: 'The figure after each bar is the on-time rate of the cases that fell due.',
  })];
}

function timesView(r) {
  const rows = (r.rows || []).filter((x) => x.cases > 0).map((x) => ({
    label: x.value_label || humanize(x.value) || '(none)',
    sub: x.source_label || humanize(x.source),
    value: x.median && x.median.hours,
    low: x.median && x.median.ci_low,
    high: x.median && x.median.ci_high,
    marker: x.p90 && x.p90.hours,
  }));
  if (!rows.length) return h('p', { class: 'empty' }, 'No cases to time yet.');
  return barsWithInterval({
    title: `Hours from receipt to action, by ${r.by}`,
    desc: 'Kaplan-Meier median with its 95% interval, and the 90th percentile; open cases count as censored.',
    rows, unit: 'hours', valueLabel: 'median', markerLabel: '90th percentile',
    caption: 'The figures after each bar: median · 90th percentile, in hours.',
  });
}

function transparencyView(r) {
  const go = r.government_orders || {};
  const total = go.total || {};
  const byCountry = new Map();
  for (const row of go.rows || []) {
    // The authority's registered name and its country (the id is in the JSON and CSV).
    const key = `${row.authority_name || row.authority} (${row.country})`;
    const acc = byCountry.get(key) || {};
    for (const s of OUTCOME_SERIES) acc[s.key] = (acc[s.key] || 0) + (row.outcomes[s.key] || 0);
    byCountry.set(key, acc);
  }
  const rows = [...byCountry].map(([label, values]) => ({ label, values }));
  const appeals = r.appeals || {};
  const dr = (r.data_requests && r.data_requests.all) || {};
  const head = tiles([
    { label: 'government orders', value: String(total.total || 0) },
    { label: 'complied (fully or partly)', value: String((total.fully_complied || 0) + (total.partly_complied || 0)) },
    { label: 'appeals filed', value: String(appeals.appealed || 0) },
    { label: 'appeals reversed', value: String(appeals.reversed || 0) },
    { label: 'data requests', value: String(dr.total ?? dr.received ?? 0) },
  ]);
  if (!rows.length) return [head, h('p', { class: 'empty' }, 'No government orders in the period.')];
  return [head, stackedBars({
    title: 'Government orders by country and authority, by outcome',
    desc: `${total.total || 0} orders in all. As of ${(r.period && r.period.as_of) || ''}.`,
    rows, series: OUTCOME_SERIES, unit: 'orders',
  })];
}

async function main() {
  await signedIn('reports.html');
  const status = $('#status');
  const show = async (el, path, view) => {
    try {
      fill(el, view(await api('GET', path)));
    } catch (e) {
      fill(el, h('p', { class: 'notice notice-error' }, e.message));
    }
  };
  const by = $('#by');
  const loadTimes = () => show($('#times'), `/v1/reports/times${query({ by: by.value })}`, timesView);
  by.addEventListener('change', loadTimes);
  $('#times-form').addEventListener('submit', (ev) => { ev.preventDefault(); loadTimes(); });
  await Promise.all([
    show($('#sla'), `/v1/reports/sla${query({ due_within: '6h' })}`, slaView),
    loadTimes(),
    show($('#transparency'), '/v1/reports/transparency', transparencyView),
  ]);
  say(status, '', 'info');
}

main().catch(showFatal);
