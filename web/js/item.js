// item.html?id=ID: one stored item as GET /v1/items/{id} gives it
// (moderators, auditors, admins): where it can be seen now, country by
// country, and why; the decisions about it with their reviews (an overturn
// or an appeal's reversal undoes the decision everywhere: the item is
// visible again where it hid it); the cases that name it; its versions.

import { api } from './api.js';
import { $, fill, formatTime, h, humanize, say } from './dom.js';
import { showFatal, signedIn } from './layout.js';

function table(caption, head, rows, testid) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'item-table', 'data-testid': testid },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, head.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows)));
}

// "Overturned on review by mod-aisha, 3 Dec 2026, 10:00 UTC: reason" / "Reversed on appeal ..."
function reversalText(r) {
  const how = r.how === 'appeal' ? 'Reversed on appeal' : 'Overturned on review';
  return `${how}${r.by ? ` by ${r.by}` : ''}${r.at ? `, ${formatTime(r.at)}` : ''}${r.reason ? `: ${r.reason}` : ''}`;
}

function visibilityRows(visibility) {
  // Countries first, "anywhere else" last.
  const names = Object.keys(visibility || {}).sort((a, b) =>
    (a === 'anywhere else') - (b === 'anywhere else') || a.localeCompare(b));
  return names.map((where) => {
    const v = visibility[where];
    const why = [...(v.because || []).map((b) => h('li', {}, b)),
      ...(v.reversed || []).map((r) => h('li', { class: 'reversed' }, `undone: ${r}`))];
    return h('tr', { 'data-country': where },
        h('th', { scope: 'row', 'data-label': 'Seen from' }, where === 'anywhere else' ? 'Anywhere else' : where),
        h('td', { 'data-label': 'Visible', 'data-testid': 'visible' },
            h('span', { class: `badge ${v.visible ? 'badge-visible' : 'badge-hidden'}` }, v.visible ? 'Visible' : 'Hidden')),
        h('td', { 'data-label': 'Why' }, why.length ? h('ul', { class: 'plain' }, why) : '—'));
  });
}

function decisionRows(decisions) {
  return (decisions || []).map((d) => {
    const scope = d.scope && d.scope.length ? ` in ${d.scope.join(', ')}` : '';
    const review = d.reversed ? reversalText(d.reversed)
      : d.reviewed ? `${d.reviewed.verdict === 'overturn' ? 'Overturned' : 'Confirmed'} on review` : (d.review ? 'Waiting for review' : '—');
    return h('tr', { 'data-policy': d.policy, 'data-reversed': d.reversed ? d.reversed.how : null },
        h('th', { scope: 'row', 'data-label': 'Policy' }, h('code', {}, d.policy)),
        h('td', { 'data-label': 'Version' }, String(d.version)),
        h('td', { 'data-label': 'Decision' }, `${humanize(d.action)}${scope}`,
            d.reversed ? h('div', { class: 'sub' }, 'no longer applies') : null),
        h('td', { 'data-label': 'Category' }, humanize(d.category) || '—'),
        h('td', { 'data-label': 'Review', 'data-testid': 'review' }, review));
  });
}

function caseRows(cases) {
  return (cases || []).map((c) => h('tr', {},
      h('th', { scope: 'row', 'data-label': 'Case' },
          c.kind === 'order' ? h('a', { href: `order.html?id=${encodeURIComponent(c.id)}` }, c.id) : h('code', {}, c.id)),
      h('td', { 'data-label': 'Kind' }, humanize(c.kind)),
      h('td', { 'data-label': 'State' }, humanize(c.state)),
      h('td', { 'data-label': 'Standing' }, humanize(c.standing || '—'))));
}

function versionRows(versions) {
  return (versions || []).map((v) => h('tr', {},
      h('th', { scope: 'row', 'data-label': 'Version' }, String(v.version)),
      h('td', { 'data-label': 'Stored' }, formatTime(v.stored_at)),
      h('td', { 'data-label': 'Content' }, v.text == null ? h('em', {}, 'deleted by retention') : h('span', { dir: 'auto' }, v.text)),
      h('td', { 'data-label': 'Content hash' }, h('code', { title: v.content_hash }, String(v.content_hash || '').slice(0, 12)))));
}

async function main() {
  await signedIn('item.html');
  const id = new URLSearchParams(location.search).get('id') || '';
  const status = $('#status');
  try {
    const it = await api('GET', `/v1/items/${encodeURIComponent(id)}`);
    document.title = `Item ${it.id} · evenhand`;
    fill($('#title'), `Item ${it.id}`);
    const section = (hid, title, ...body) => h('section', { class: 'panel', 'aria-labelledby': hid }, h('h2', { id: hid }, title), ...body);
    fill($('#item'),
        section('vis-h', 'Where it can be seen now',
            table('Visibility by country', ['Seen from', 'Visible', 'Why'], visibilityRows(it.visibility), 'visibility')),
        section('dec-h', 'Decisions',
            (it.decisions || []).length ? table('Decisions about the item', ['Policy', 'Version', 'Decision', 'Category', 'Review'],
                decisionRows(it.decisions), 'decisions') : h('p', { class: 'sub' }, 'No decision.')),
        section('case-h', 'Cases',
            (it.cases || []).length ? table('Cases that name the item', ['Case', 'Kind', 'State', 'Standing'], caseRows(it.cases), 'cases')
              : h('p', { class: 'sub' }, 'No order, notice or appeal names it.')),
        section('ver-h', 'Versions',
            table('Stored versions', ['Version', 'Stored', 'Content', 'Content hash'], versionRows(it.versions), 'versions')));
  } catch (e) {
    if (e.status === 404 || e.status === 403) {
      fill($('#title'), 'Item not found');
      fill($('#item'), h('p', {}, 'Nothing about this item is stored, or your key may not see items.'));
    } else {
      say(status, e.message, 'error');
      fill($('#item'));
    }
  }
}

main().catch(showFatal);
