// Inline SVG charts drawn from the report endpoints' JSON, no library.
// Each chart is a <figure> holding an SVG (role="img" with a title and a
// one-line description), an HTML legend, and the same numbers in a table for
// screen readers and for anyone who wants the figures (in a <details>).
//
// Two layouts: on a wide screen each bar has its label on its left; on a
// phone (max-width 600px when drawn) the label sits above its bar, so that
// the chart is drawn at about the size it is shown and its text stays legible.
// Labels are never cut: one too long for its column wraps onto more lines
// (the row grows), and the whole label is also the row's <title> (tooltip).

import { h } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const BAR_H = 16;
const PAD_TOP = 8;
const AXIS_H = 26;
const LINE_H = 14;      // a label line (12px text)
const SUB_LINE_H = 13;  // a sub-label line (10.5px text)
const LABEL_SIZE = 12;
const SUB_SIZE = 10.5;

function layout() {
  if (window.matchMedia('(max-width: 600px)').matches) {
    // The label sits above its bar, as wide as the chart.
    return { width: 340, labelW: 0, rightPad: 78, textW: 336, above: true };
  }
  // The label right-aligned left of its bar, 8px from it.
  return { width: 720, labelW: 250, rightPad: 96, textW: 238, above: false };
}

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

// Text width in px at the chart's font, measured on a canvas (the SVG is not
// in the page yet when its rows are laid out).
let measureCtx = null;
function textWidth(text, size) {
  if (!measureCtx) measureCtx = document.createElement('canvas').getContext('2d');
  const family = getComputedStyle(document.body).fontFamily || 'sans-serif';
  measureCtx.font = `${size}px ${family}`;
  return measureCtx.measureText(text).width;
}

// Splits `text` into lines no wider than `width`: at spaces, else after a
// hyphen, slash, underscore or dot, else (a word wider than a line) between
// characters. Nothing is dropped: the lines hold every character, so a long
// label takes more lines instead of being cut.
export function wrapText(text, width, size = LABEL_SIZE) {
  const words = String(text).split(/\s+/).filter(Boolean);
  const lines = [];
  let line = '';
  const fits = (t) => textWidth(t, size) <= width;
  const pieces = (word) => {
    if (fits(word)) return [word];
    const parts = word.split(/(?<=[-/_.·])/);
    const out = [];
    for (const p of parts) {
      if (fits(p)) { out.push(p); continue; }
      let chunk = '';
      for (const ch of p) {
        if (chunk && !fits(chunk + ch)) { out.push(chunk); chunk = ''; }
        chunk += ch;
      }
      if (chunk) out.push(chunk);
    }
    return out;
  };
  for (const word of words) {
    for (const [i, piece] of pieces(word).entries()) {
      const joiner = i === 0 && line ? ' ' : '';
      if (line && fits(line + joiner + piece)) {
        line += joiner + piece;
      } else if (!line) {
        line = piece;
      } else {
        lines.push(line);
        line = piece;
      }
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

// 1, 2, 5 × 10^k ticks covering [0, max].
function ticks(max, count = 5) {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((v) => v >= raw);
  const out = [];
  for (let v = 0; v <= max + step * 0.001; v += step) out.push(Number(v.toPrecision(12)));
  if (out[out.length - 1] < max) out.push(Number((out[out.length - 1] + step).toPrecision(12)));
  return out;
}

function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
}

const fullLabel = (r) => (r.sub ? `${r.label} (${r.sub})` : r.label);

// Every row's label lines and height, and where each row starts.
function rowsLayout(L, rows) {
  let top = PAD_TOP;
  return rows.map((r) => {
    const label = wrapText(r.label, L.textW, LABEL_SIZE);
    const sub = r.sub ? wrapText(r.sub, L.textW, SUB_SIZE) : [];
    const textH = label.length * LINE_H + sub.length * SUB_LINE_H;
    const h = L.above ? textH + BAR_H + 10 : Math.max(BAR_H + 10, textH + 8);
    const row = { top, h, label, sub };
    top += h;
    return row;
  });
}

// Row i: where its bar goes (y) and its label (every line of it, with the
// whole label in a <title> for a tooltip), above the bar or left of it.
function place(L, r, box) {
  const t = s('text', { class: 'label' }, s('title', {}, fullLabel(r)));
  const lines = [...box.label.map((x) => [x, false]), ...box.sub.map((x) => [x, true])];
  const textH = box.label.length * LINE_H + box.sub.length * SUB_LINE_H;
  const x = L.above ? 0 : L.labelW - 8;
  if (!L.above) t.setAttribute('text-anchor', 'end');
  // First baseline: at the top on a phone; centred on the row beside the bar.
  let y = L.above ? box.top + 11 : box.top + (box.h - textH) / 2 + 11;
  for (const [line, sub] of lines) {
    t.append(s('tspan', { x, y, class: sub ? 'label-sub' : null }, line));
    y += sub ? SUB_LINE_H : LINE_H;
  }
  const barY = L.above ? box.top + textH + 4 : box.top + (box.h - BAR_H) / 2;
  return { y: barY, label: t };
}

function frame(L, title, desc, boxes) {
  const last = boxes[boxes.length - 1];
  const height = (last ? last.top + last.h : PAD_TOP) + AXIS_H;
  const id = `c${Math.random().toString(36).slice(2, 9)}`;
  const svg = s('svg', {
    viewBox: `0 0 ${L.width} ${height}`, width: L.width, height, role: 'img',
    'aria-labelledby': `${id}-t ${id}-d`, class: `chart${L.above ? ' chart-narrow' : ''}`,
    preserveAspectRatio: 'xMinYMin meet',
  }, s('title', { id: `${id}-t` }, title), s('desc', { id: `${id}-d` }, desc));
  return { svg, height };
}

// Draws the grid and the axis; returns value -> bar length.
function axis(L, svg, max, height, unit) {
  const plotW = L.width - L.labelW - L.rightPad;
  const t = ticks(max, L.above ? 3 : 5);
  const top = t[t.length - 1];
  const g = s('g', { class: 'axis', 'aria-hidden': 'true' });
  for (const v of t) {
    const x = L.labelW + (v / top) * plotW;
    g.append(s('line', { x1: x, x2: x, y1: PAD_TOP - 4, y2: height - AXIS_H + 2, class: 'grid' }));
    g.append(s('text', { x: Math.max(x, 4), y: height - 8, 'text-anchor': 'middle' }, fmt(v)));
  }
  if (unit) g.append(s('text', { x: L.width - 4, y: height - 8, 'text-anchor': 'end', class: 'unit' }, unit));
  svg.append(g);
  return (v) => (v / top) * plotW;
}

function legend(series) {
  return h('ul', { class: 'legend' }, series.map((x) =>
    h('li', {}, h('span', { class: 'swatch', 'data-color': x.key, 'aria-hidden': 'true' }), x.label)));
}

function dataTable(caption, columns, rows) {
  return h('details', { class: 'chart-data' }, h('summary', {}, 'The numbers'),
      h('div', { class: 'table-wrap' }, h('table', {},
          h('caption', { class: 'visually-hidden' }, caption),
          h('thead', {}, h('tr', {}, columns.map((c, i) => h('th', { scope: 'col', class: i ? 'num' : null }, c)))),
          h('tbody', {}, rows.map((r) => h('tr', {}, r.map((v, i) =>
            i ? h('td', { class: 'num' }, fmt(v)) : h('th', { scope: 'row' }, v))))))));
}

function figure(caption, svg, legendEl, table) {
  return h('figure', { class: 'figure' },
      caption ? h('figcaption', { class: 'sub' }, caption) : null,
      h('div', { class: 'chart-scroll' }, svg), legendEl, table);
}

// rows: [{label, sub?, values: {key: number}, note?}]; series: [{key, label}]
// (colours come from the stylesheet by key). `note` is printed after the bar
// instead of its total.
export function stackedBars({ title, desc, rows, series, unit = '', caption }) {
  const L = layout();
  const boxes = rowsLayout(L, rows);
  const { svg, height } = frame(L, title, desc, boxes);
  const totals = rows.map((r) => series.reduce((a, x) => a + (Number(r.values[x.key]) || 0), 0));
  const scale = axis(L, svg, Math.max(1, ...totals), height, unit);
  rows.forEach((r, i) => {
    const { y, label } = place(L, r, boxes[i]);
    const g = s('g', { class: 'row' }, label);
    let x = L.labelW;
    for (const ser of series) {
      const v = Number(r.values[ser.key]) || 0;
      if (!v) continue;
      const w = Math.max(1, scale(v));
      g.append(s('rect', { x, y, width: w, height: BAR_H, class: `fill-${ser.key}` },
          s('title', {}, `${fullLabel(r)}: ${ser.label} ${fmt(v)}`)));
      x += w;
    }
    g.append(s('text', { x: x + 6, y: y + BAR_H - 3, class: 'value' }, r.note !== undefined ? r.note : fmt(totals[i])));
    svg.append(g);
  });
  return figure(caption, svg, legend(series),
      dataTable(title, ['', ...series.map((x) => x.label)],
          rows.map((r) => [fullLabel(r), ...series.map((x) => Number(r.values[x.key]) || 0)])));
}

// rows: [{label, sub?, value, low, high, marker}] — a bar to `value` with a
// whisker from `low` to `high` and a tick at `marker` (e.g. the p90). The
// figures after the bar are value · marker, one decimal.
export function barsWithInterval({ title, desc, rows, unit = '', valueLabel, markerLabel, caption }) {
  const L = layout();
  const boxes = rowsLayout(L, rows);
  const { svg, height } = frame(L, title, desc, boxes);
  const finite = (v) => typeof v === 'number' && Number.isFinite(v);
  const max = Math.max(1, ...rows.flatMap((r) => [r.value, r.high, r.marker].filter(finite)));
  const scale = axis(L, svg, max, height, unit);
  rows.forEach((r, i) => {
    const { y, label } = place(L, r, boxes[i]);
    const g = s('g', { class: 'row' }, label);
    const x0 = L.labelW;
    if (finite(r.value)) {
      g.append(s('rect', { x: x0, y, width: Math.max(1, scale(r.value)), height: BAR_H, class: 'fill-median' },
          s('title', {}, `${fullLabel(r)}: ${valueLabel} ${fmt(r.value)} ${unit}`)));
    }
    if (finite(r.low) && finite(r.high)) {
      const mid = y + BAR_H / 2;
      g.append(s('line', { x1: x0 + scale(r.low), x2: x0 + scale(r.high), y1: mid, y2: mid, class: 'whisker' }));
      for (const v of [r.low, r.high]) {
        g.append(s('line', { x1: x0 + scale(v), x2: x0 + scale(v), y1: mid - 5, y2: mid + 5, class: 'whisker' }));
      }
    }
    if (finite(r.marker)) {
      const x = x0 + scale(r.marker);
      g.append(s('path', { d: `M${x} ${y - 3}v${BAR_H + 6}`, class: 'marker' },
          s('title', {}, `${fullLabel(r)}: ${markerLabel} ${fmt(r.marker)} ${unit}`)));
    }
    const end = Math.max(...[r.value, r.high, r.marker].filter(finite).map(scale), 0);
    const one = (v) => v.toFixed(1);
    const text = finite(r.value) ? `${one(r.value)}${finite(r.marker) ? ` · ${one(r.marker)}` : ''}` : 'not yet (open cases)';
    g.append(s('text', { x: x0 + end + 8, y: y + BAR_H - 3, class: 'value' }, text));
    svg.append(g);
  });
  return figure(caption, svg,
      legend([{ key: 'median', label: valueLabel }, { key: 'whisker', label: '95% interval' }, { key: 'marker', label: markerLabel }]),
      dataTable(title, ['', valueLabel, 'interval low', 'interval high', markerLabel],
          rows.map((r) => [fullLabel(r), r.value, r.low, r.high, r.marker])));
}

// A row of headline numbers: [{label, value, tone}]
export function tiles(items) {
  return h('ul', { class: 'tiles' }, items.map((t) =>
    h('li', { class: `tile ${t.tone ? `tile-${t.tone}` : ''}` },
        h('span', { class: 'tile-value' }, t.value), h('span', { class: 'tile-label' }, t.label))));
}
