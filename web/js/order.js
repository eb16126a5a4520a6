// order.html?id=ID: one order, its countdown, its audit history and, for
// moderators and admins, the steps its state allows (docs/API.md):
// review, act (withheld | removed_globally | no_action, with a reason for the
// last two), reject, close, file an appeal, decide an appeal.

import { api } from './api.js';
import { auditPanel } from './audit-panel.js';
import { countdownCell, formatDuration, isOpen, start } from './countdown.js';
import { $, fill, formatTime, h, humanize, say } from './dom.js';
import { homeFor, sees, showFatal, signedIn } from './layout.js';
import { labelled, stateBadge, targetText } from './orders-table.js';

const OUTCOMES = [
  ['withheld', 'Withhold in the ordering jurisdiction only'],
  ['removed_globally', 'Remove everywhere (also breaks global policy)'],
  ['no_action', 'Take no action'],
];

function pair(term, ...desc) {
  return [h('dt', {}, term), h('dd', {}, ...desc)];
}

let seq = 0;
function field(label, control, help) {
  const id = `f${++seq}`;
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control,
      help ? h('p', { class: 'help' }, help) : null);
}

// The forms for the steps `order.state` allows. `run(path, body)` posts.
function actionsFor(order, run) {
  const forms = [];
  const button = (label, cls = 'btn') => h('button', { type: 'submit', class: cls }, label);
  const form = (title, children, onsubmit) => {
    const f = h('form', { class: 'action stack', 'aria-label': title }, h('h3', {}, title), children);
    f.addEventListener('submit', (ev) => { ev.preventDefault(); onsubmit(f); });
    return f;
  };
  const reasonBox = () => h('textarea', { rows: 2, name: 'reason' });
  const events = `/v1/orders/${encodeURIComponent(order.id)}/events`;

  switch (order.state) {
    case 'received': {
      const reason = reasonBox();
      forms.push(form('Reject the order', [field('Reason', reason), button('Reject', 'btn btn-danger')],
          () => run(events, { event: 'reject', reason: reason.value.trim() })));
      break;
    }
    case 'accepted':
      forms.push(form('Review', [h('p', {}, 'Take the order into review; the clock keeps running.'), button('Start review')],
          () => run(events, { event: 'review' })));
      break;
    case 'in_review': {
      const outcome = h('select', { name: 'outcome' }, OUTCOMES.map(([v, t]) => h('option', { value: v }, t)));
      const reason = reasonBox();
      forms.push(form('Act on the order', [
        field('Outcome', outcome),
        field('Reason', reason, 'Required to remove everywhere or to take no action.'),
        button('Record action'),
      ], () => {
        const body = { event: 'act', outcome: outcome.value };
        if (reason.value.trim()) body.reason = reason.value.trim();
        run(events, body);
      }));
      break;
    }
    case 'reopened': {
      const outcome = h('select', { name: 'outcome' },
          h('option', { value: 'upheld' }, 'Uphold the action'),
          h('option', { value: 'reversed' }, 'Reverse it (reinstate the content)'));
      const reason = reasonBox();
      forms.push(form('Decide the appeal', [field('Decision', outcome), field('Reason', reason), button('Decide')],
          () => run(`/v1/orders/${encodeURIComponent(order.id)}/appeal/decision`,
              { outcome: outcome.value, reason: reason.value.trim() })));
      break;
    }
    default:
      break;
  }
  if (['actioned', 'upheld', 'reversed'].includes(order.state)) {
    forms.push(form('Close', [h('p', {}, 'Nothing more to do on this order.'), button('Close order')],
        () => run(events, { event: 'close' })));
  }
  if (['actioned', 'closed'].includes(order.state)) {
    const text = h('textarea', { rows: 3, name: 'text' });
    forms.push(form('File an appeal or counter-notice', [field('Appeal text', text), button('File appeal', 'btn btn-secondary')],
        () => run(`/v1/orders/${encodeURIComponent(order.id)}/appeal`, { text: text.value.trim() })));
  }
  return forms;
}

// "accepted → in review · outcome: withheld · reason: ..." from an audit payload.
function summary(payload) {
  if (!payload || typeof payload !== 'object') return '';
  const parts = [];
  if (payload.from && payload.to) parts.push(`${humanize(payload.from)} → ${humanize(payload.to)}`);
  for (const k of ['state', 'regime', 'outcome', 'verdict', 'reason', 'text']) {
    if (payload[k]) parts.push(`${k}: ${k === 'outcome' || k === 'state' ? humanize(payload[k]) : payload[k]}`);
  }
  return parts.join(' · ');
}

// For an order with a deadline that was acted on: on time or late, by how much.
function timeliness(o) {
  if (!o.deadline || !o.actioned_at) return null;
  const diff = (Date.parse(o.actioned_at) - Date.parse(o.deadline)) / 1000;
  if (Number.isNaN(diff)) return null;
  return diff > 0
    ? h('span', { class: 'countdown countdown-overdue', dataset: { state: 'late' } }, `acted ${formatDuration(diff)} late`)
    : h('span', { class: 'countdown countdown-later', dataset: { state: 'on_time' } }, `acted ${formatDuration(-diff)} before the deadline`);
}

// The history's columns the role sees (an authority: no sequence numbers,
// no staff names).
function historyTable(history, me) {
  if (!history || !history.length) return h('p', { class: 'sub' }, 'No history.');
  const cols = [
    ['#', 'order.history[].seq', (e) => String(e.seq)],
    ['When', 'order.history[].ts', (e) => formatTime(e.ts)],
    ['Who', 'order.history[].actor', (e) => e.actor],
    ['What', 'order.history[].action', (e) => e.action],
    ['Details', 'order.history[].payload', (e) => summary(e.payload)],
  ].filter(([, path]) => sees(me, path));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'history' },
      h('thead', {}, h('tr', {}, cols.map(([t]) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, history.map((e) => h('tr', {},
          cols.map(([t, , cell]) => h('td', { 'data-label': t }, cell(e))))))));
}

// "filed, decided: reversed" from appeal_status (what an authority may know).
function appealStatus(a) {
  if (!a || !a.filed) return null;
  return a.decided ? `filed; decided: ${humanize(a.outcome)}` : 'filed; not decided yet';
}

async function main() {
  const me = await signedIn('order.html');
  const canAct = me.role === 'moderator' || me.role === 'admin';
  const id = new URLSearchParams(location.search).get('id') || '';
  const status = $('#status');
  const back = $('.back a');
  back.href = homeFor(me.role);
  if (me.role === 'authority') back.textContent = '← My orders';

  async function run(path, body) {
    try {
      const updated = await api('POST', path, body);
      say(status, `Done: the order is now ${humanize(updated.state)}.`, 'ok');
      await load();
    } catch (e) {
      say(status, e.message, 'error');
    }
  }

  async function load() {
    const fetchedAt = Date.now();
    const o = await api('GET', `/v1/orders/${encodeURIComponent(id)}`);
    document.title = `${o.reference || o.id} · evenhand`;
    fill($('#title'), `Order ${o.reference || o.id}`);
    const lb = o.legal_basis || {};
    const facts = h('dl', { class: 'facts' },
        pair('State', stateBadge(o)),
        pair('Deadline', isOpen(o) || !timeliness(o) ? countdownCell(o, fetchedAt) : timeliness(o),
            o.deadline ? h('div', { class: 'sub' }, formatTime(o.deadline)) : h('div', { class: 'sub' }, 'the law sets no hour limit')),
        pair('Authority', labelled(o.authority_label, o.authority, 'authority'), h('div', { class: 'sub' }, `jurisdiction ${o.jurisdiction}`)),
        pair('Regime', o.regime || '—'),
        pair('Legal basis', [lb.instrument, lb.provision].filter(Boolean).join(', ') || '—'),
        pair('Category', labelled(o.category_label, o.category, 'category')),
        pair('Emergency', o.emergency ? 'yes' : 'no'),
        pair('Targets', targetText(o.targets)),
        pair('Received', formatTime(o.received)),
        o.reason ? pair('Reason', o.reason) : null,
        o.actioned_at ? pair('Actioned', formatTime(o.actioned_at)) : null,
        sees(me, 'order.appeal') && o.appeal ? pair('Appeal', o.appeal) : null,
        appealStatus(o.appeal_status) ? pair('Appeal status', appealStatus(o.appeal_status)) : null,
        o.standing === 'reversed'
          ? pair('Reversed', `on appeal, ${formatTime(o.reversed_at)}: the action no longer applies and the content is reinstated`)
          : null,
        o.closed_at ? pair('Closed', formatTime(o.closed_at)) : null,
        pair('Internal id', h('code', {}, o.id)));
    const actions = canAct ? actionsFor(o, run) : [];
    fill($('#order'),
        h('div', { class: 'columns' },
            h('section', { class: 'panel', 'aria-labelledby': 'facts-h' }, h('h2', { id: 'facts-h' }, 'Details'), facts),
            canAct ? h('section', { class: 'panel', 'aria-labelledby': 'act-h' }, h('h2', { id: 'act-h' }, 'Next step'),
                actions.length ? actions : h('p', { class: 'sub' },
                    isOpen(o) ? 'Nothing to do until the order moves on.' : 'The order is finished.')) : null),
        h('section', { class: 'panel', 'aria-labelledby': 'hist-h' }, h('h2', { id: 'hist-h' }, 'History'), historyTable(o.history, me)),
        o.audit && o.audit.entry ? auditPanel({ entry: o.audit.entry }) : null);
    start();
  }

  try {
    await load();
  } catch (e) {
    if (e.status === 404) {
      fill($('#title'), 'Order not found');
      fill($('#order'), h('p', {}, 'There is no such order, or it is not visible to your key.'));
    } else {
      say(status, e.message, 'error');
    }
  }
}

main().catch(showFatal);
