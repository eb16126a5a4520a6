// The orders table both the desk (orders.html) and an authority's own view
// (authority.html) show: one row an order, sorted by urgency, each with a
// ticking countdown to its deadline. With `actions`, each open row also gets
// the button for its next step (review, withhold, close), which calls the API
// and repaints the row from the record the server answers with.

import { api } from './api.js';
import { countdownCell, byUrgency, isOpen, start } from './countdown.js';
import { formatShort, formatTime, h, humanize } from './dom.js';

export function targetText(targets) {
  return (targets || []).map((t) => (t.item ? `item ${t.item}` : t.account ? `account ${t.account}` : '?')).join(', ');
}

// The targets as a list whose ids do not break at their hyphens.
export function targetList(targets) {
  return (targets || []).map((t, i) => [i ? ', ' : '', h('span', { class: 'nowrap' }, t.item ? `item ${t.item}` : t.account ? `account ${t.account}` : '?')]);
}

// A name for people with the stored id beside it (for searches, support and
// the API): "Pakistan Telecommunication Authority" over `pta`. The labels
// are the server's (`authority_label`, `category_label`: the reports' own,
// analytics/labels.h); without one, the id spelled out.
export function labelled(label, id, testid) {
  const text = label || humanize(id);
  return h('span', { 'data-testid': testid }, h('span', { class: 'label' }, text),
      id && text !== id ? h('div', { class: 'sub' }, h('code', { class: 'id', title: 'id' }, id)) : null);
}

// "Closed · withheld", or, once an appeal reversed the action (the server's
// `standing`), "Closed · withheld, reversed on appeal": the action no longer applies.
export function stateBadge(order) {
  const reversed = order.standing === 'reversed';
  const label = humanize(order.state) + (order.outcome ? ` · ${humanize(order.outcome)}` : '') +
      (reversed ? ', reversed on appeal' : '');
  return h('span', { class: `badge badge-${reversed ? 'reversed' : order.state}`, 'data-testid': 'state' }, label);
}

// The one-click next step for an order in `state`, or null.
export function nextStep(order) {
  switch (order.state) {
    case 'accepted':
      return { label: 'Start review', body: { event: 'review' } };
    case 'in_review':
      return { label: `Withhold in ${order.jurisdiction}`, body: { event: 'act', outcome: 'withheld' } };
    case 'actioned':
    case 'upheld':
    case 'reversed':
      return { label: 'Close', body: { event: 'close' } };
    default:
      return null;
  }
}

export async function sendEvent(order, body) {
  return api('POST', `/v1/orders/${encodeURIComponent(order.id)}/events`, body);
}

// opts: {actions: bool, ownAuthority: bool (leave the authority column out),
//        onError(e), onChange(order)}
export function ordersTable(orders, fetchedAt, opts = {}) {
  const sorted = [...orders].sort(byUrgency(fetchedAt));
  const head = ['Deadline', 'Reference', opts.ownAuthority ? null : 'Authority', 'Category', 'Targets', 'Received', 'State'].filter(Boolean);
  if (opts.actions) head.push('Next step');
  const tbody = h('tbody');
  for (const order of sorted) tbody.append(row(order, fetchedAt, opts));
  start();
  return h('div', { class: 'table-wrap' },
      h('table', { class: 'orders', 'data-testid': 'orders' },
          h('caption', { class: 'visually-hidden' }, 'Orders, most urgent first'),
          h('thead', {}, h('tr', {}, head.map((t) => h('th', { scope: 'col' }, t)))),
          tbody));
}

function row(order, fetchedAt, opts) {
  const cells = [
    h('td', { 'data-label': 'Deadline' }, countdownCell(order, fetchedAt),
        order.deadline && isOpen(order) ? h('div', { class: 'sub' }, 'due ', h('time', { datetime: order.deadline, title: formatTime(order.deadline) }, formatShort(order.deadline))) : null),
    h('th', { scope: 'row', 'data-label': 'Reference' },
        h('a', { href: `order.html?id=${encodeURIComponent(order.id)}` }, order.reference || order.id),
        order.emergency ? h('span', { class: 'badge badge-emergency' }, 'emergency') : null),
    opts.ownAuthority ? null : h('td', { 'data-label': 'Authority' }, labelled(order.authority_label, order.authority, 'authority'),
        h('div', { class: 'sub' }, order.jurisdiction)),
    h('td', { 'data-label': 'Category' }, labelled(order.category_label, order.category, 'category')),
    h('td', { 'data-label': 'Targets' }, targetList(order.targets)),
    h('td', { 'data-label': 'Received' }, h('time', { datetime: order.received, title: formatTime(order.received), class: 'nowrap' }, formatShort(order.received))),
    h('td', { 'data-label': 'State' }, stateBadge(order),
        order.state === 'rejected' && order.reason ? h('div', { class: 'sub' }, order.reason) : null),
  ];
  if (opts.actions) {
    const step = nextStep(order);
    const cell = h('td', { 'data-label': 'Next step' });
    if (step) {
      const button = h('button', { type: 'button', class: 'btn btn-small' }, step.label);
      button.setAttribute('aria-label', `${step.label}: ${order.reference || order.id}`);
      button.addEventListener('click', async () => {
        button.disabled = true;
        button.textContent = 'Working…';
        try {
          const updated = await sendEvent(order, step.body);
          tr.replaceWith(row(updated, Date.now(), opts));
          if (opts.onChange) opts.onChange(updated);
        } catch (e) {
          button.disabled = false;
          button.textContent = step.label;
          if (opts.onError) opts.onError(e);
        }
      });
      cell.append(button);
    } else {
      cell.append(h('span', { class: 'sub' }, '—'));
    }
    cells.push(cell);
  }
  const tr = h('tr', {
    'data-order': order.id, 'data-reference': order.reference || '', 'data-state': order.state,
  }, cells);
  return tr;
}
