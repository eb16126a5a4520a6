// Live deadline countdowns. An order's deadline is anchored to the moment its
// record arrived: the server sends `seconds_left` (its own clock), so the
// browser's clock may be wrong without the countdown being wrong.
//
// countdownCell(order, fetchedAtMs) makes a <span> that start() ticks every
// second; it carries data-state="overdue|soon|later|none" so the page and the
// tests can read the urgency without parsing the text.

import { h } from './dom.js';

const SOON_SECONDS = 6 * 3600;  // "due within 6 h", as in /metrics
const OPEN_STATES = new Set(['received', 'accepted', 'in_review', 'reopened']);

export function isOpen(order) {
  return OPEN_STATES.has(order.state);
}

// Milliseconds since the epoch (browser clock) at which the order is due, or
// null when there is no hour figure or the order no longer runs.
export function dueAt(order, fetchedAtMs) {
  if (!isOpen(order) || typeof order.seconds_left !== 'number') return null;
  return fetchedAtMs + order.seconds_left * 1000;
}

// "2d 03h 04m 05s" / "03h 04m 05s" / "04m 05s"
export function formatDuration(seconds) {
  let s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400); s -= d * 86400;
  const hh = Math.floor(s / 3600); s -= hh * 3600;
  const mm = Math.floor(s / 60); s -= mm * 60;
  const p = (n) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${p(hh)}h ${p(mm)}m ${p(s)}s`;
  if (hh > 0) return `${p(hh)}h ${p(mm)}m ${p(s)}s`;
  return `${p(mm)}m ${p(s)}s`;
}

function paint(el, now) {
  const due = Number(el.dataset.due);
  const left = (due - now) / 1000;
  const state = left < 0 ? 'overdue' : left <= SOON_SECONDS ? 'soon' : 'later';
  el.dataset.state = state;
  el.className = `countdown countdown-${state}`;
  el.textContent = left < 0 ? `overdue by ${formatDuration(-left)}` : `${formatDuration(left)} left`;
}

export function countdownCell(order, fetchedAtMs) {
  const due = dueAt(order, fetchedAtMs);
  if (due === null) {
    const text = !isOpen(order) ? '—' : 'no hour limit';
    return h('span', { class: 'countdown countdown-none', dataset: { state: 'none' } }, text);
  }
  const el = h('span', { class: 'countdown', dataset: { due: String(due) } });
  paint(el, Date.now());
  return el;
}

let timer = 0;

// Ticks every countdown on the page once a second.
export function start() {
  if (timer) return;
  const tick = () => {
    const now = Date.now();
    for (const el of document.querySelectorAll('.countdown[data-due]')) paint(el, now);
  };
  timer = setInterval(tick, 1000);
}

// Urgency order: overdue first, then the soonest deadline, then open orders
// without an hour figure (oldest first), then the closed ones (newest first).
export function byUrgency(fetchedAtMs) {
  return (a, b) => {
    const da = dueAt(a, fetchedAtMs);
    const db = dueAt(b, fetchedAtMs);
    if (da !== null && db !== null) return da - db;
    if (da !== null) return -1;
    if (db !== null) return 1;
    const oa = isOpen(a);
    const ob = isOpen(b);
    if (oa !== ob) return oa ? -1 : 1;
    const ra = Date.parse(a.received) || 0;
    const rb = Date.parse(b.received) || 0;
    return oa ? ra - rb : rb - ra;
  };
}
