// authority.html: an authority's own view. The server lists only the orders
// of the key's own authority (docs/API.md); this page shows them with their
// countdowns and submits new ones for the key's authority and jurisdiction.
// The answer is shown as the server gives it: accepted with the deadline its
// regime sets, rejected with the reason, or already on file (a repeat of the
// same reference).

import { api } from './api.js';
import { auditPanel } from './audit-panel.js';
import { formatDuration } from './countdown.js';
import { $, fill, formatShort, formatTime, h, humanize, say } from './dom.js';
import { showFatal, signedIn } from './layout.js';
import { ordersTable } from './orders-table.js';

// "item p1" / "account a1" / "p1" (an item), one a line or comma separated.
export function parseTargets(text) {
  const targets = [];
  for (const raw of text.split(/[\n,]+/)) {
    const parts = raw.trim().split(/\s+/).filter(Boolean);
    if (!parts.length) continue;
    if (parts.length === 1) targets.push({ item: parts[0] });
    else if (parts[0] === 'item' || parts[0] === 'account') targets.push({ [parts[0]]: parts.slice(1).join(' ') });
    else throw new Error(`Target "${raw.trim()}": write "item ID" or "account ID".`);
  }
  return targets;
}

// The authority's data-disclosure requests (read only here): what it asked
// for, under which process, and how far each has gone.
function requestsTable(requests) {
  if (!requests.length) return h('p', { class: 'empty' }, 'No data requests sent.');
  const cell = (label, ...c) => h('td', { 'data-label': label }, ...c);
  return h('div', { class: 'table-wrap' }, h('table', { class: 'orders requests' },
      h('caption', { class: 'visually-hidden' }, 'Data requests, oldest first'),
      h('thead', {}, h('tr', {}, ['Reference', 'Legal process', 'Fields asked for', 'Received', 'State', 'Disclosed']
          .map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, requests.map((r) => h('tr', { 'data-request': r.id, 'data-state': r.state },
          h('th', { scope: 'row', 'data-label': 'Reference' }, r.reference,
              r.emergency ? h('span', { class: 'badge badge-emergency' }, 'emergency') : null),
          cell('Legal process', r.legal_process ? `${humanize(r.legal_process.kind)}: ${r.legal_process.reference}` : '—'),
          cell('Fields asked for', (r.fields || []).join(', ')),
          cell('Received', h('time', { datetime: r.received, title: formatTime(r.received), class: 'nowrap' }, formatShort(r.received))),
          cell('State', h('span', { class: `badge badge-${r.state}` }, humanize(r.state)),
              r.reason ? h('div', { class: 'sub' }, r.reason) : null),
          cell('Disclosed', r.disclosed_at ? `${(r.disclosed_fields || []).join(', ') || 'nothing'} (${formatShort(r.disclosed_at)})` : '—'))))));
}

async function main() {
  const me = await signedIn('authority.html');
  const auth = me.authority || {};
  const status = $('#status');
  fill($('#title'), `Orders from ${auth.name || auth.id || 'your authority'}`);
  fill($('#jurisdiction-help'), `Sent as ${auth.id} for jurisdiction ${auth.jurisdiction}; the deadline is the one that jurisdiction's regime sets.`);

  async function load() {
    try {
      const fetchedAt = Date.now();
      const data = await api('GET', '/v1/orders?limit=500');
      const orders = data.orders || [];
      fill($('#list'), orders.length ? ordersTable(orders, fetchedAt, { actions: false, ownAuthority: true })
        : h('p', { class: 'empty' }, 'No orders sent yet.'));
      const cats = [...new Set(orders.map((o) => o.category).filter(Boolean))].sort();
      fill($('#categories'), cats.map((c) => h('option', { value: c })));
      const dr = await api('GET', '/v1/datarequests?limit=500');
      fill($('#requests'), requestsTable(dr.requests || []));
    } catch (e) {
      say(status, e.message, 'error');
    }
  }

  const form = $('#submit');
  const submitStatus = $('#submit-status');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = (name) => form.elements[name].value.trim();
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    const missing = ['reference', 'category', 'instrument', 'provision', 'targets'].filter((n) => !v(n));
    if (missing.length) {
      for (const n of missing) form.elements[n].setAttribute('aria-invalid', 'true');
      form.elements[missing[0]].focus();
      say(submitStatus, `Fill in: ${missing.map((n) => form.querySelector(`label[for=${n}]`).textContent).join(', ')}.`, 'error');
      return;
    }
    let targets;
    try {
      targets = parseTargets(v('targets'));
    } catch (e) {
      form.elements.targets.setAttribute('aria-invalid', 'true');
      say(submitStatus, e.message, 'error');
      return;
    }
    const body = {
      jurisdiction: auth.jurisdiction,
      legal_basis: { instrument: v('instrument'), provision: v('provision') },
      category: v('category'),
      emergency: form.elements.emergency.checked,
      targets,
      reference: v('reference'),
    };
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const order = await api('POST', '/v1/orders', body);
      let msg;
      if (order.duplicate) msg = `${order.reference} was already on file (state: ${order.state}); nothing changed.`;
      else if (order.state === 'rejected') msg = `${order.reference} was received but rejected: ${order.reason}`;
      else if (order.deadline) msg = `${order.reference} accepted. Deadline ${formatTime(order.deadline)} (${formatDuration(order.seconds_left)} from now).`;
      else msg = `${order.reference} accepted. The law sets no hour limit for this category.`;
      say(submitStatus, msg, order.state === 'rejected' ? 'error' : 'ok');
      if (!order.duplicate) form.reset();
      await load();
    } catch (e) {
      say(submitStatus, e.message, 'error');
    } finally {
      button.disabled = false;
    }
  });

  fill($('#audit'), auditPanel({ title: 'Audit log' }));
  await load();
}

main().catch(showFatal);
