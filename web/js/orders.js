// orders.html: every order on the desk, most urgent first, with live
// countdowns; moderators and admins move each on with one button (details and
// the other outcomes on order.html). Filters by state and "due within".

import { api, query } from './api.js';
import { $, fill, h, say } from './dom.js';
import { showFatal, signedIn } from './layout.js';
import { ordersTable } from './orders-table.js';

const REFRESH_MS = 30000;

async function main() {
  const me = await signedIn('orders.html');
  const canAct = me.role === 'moderator' || me.role === 'admin';
  const form = $('#filters');
  const status = $('#status');
  const list = $('#list');

  async function load() {
    // One page of the most urgent (the API pages its lists; docs/API.md "Paging").
    const params = { state: $('#state').value, due_within: $('#due').value, limit: 500 };
    try {
      const fetchedAt = Date.now();
      const data = await api('GET', `/v1/orders${query(params)}`);
      const orders = data.orders || [];
      const open = orders.filter((o) => ['received', 'accepted', 'in_review', 'reopened'].includes(o.state));
      const overdue = open.filter((o) => typeof o.seconds_left === 'number' && o.seconds_left < 0);
      fill($('#summary'),
          h('li', {}, h('strong', {}, String(orders.length)), data.next_cursor ? ' shown (the most urgent; more match)' : ' shown'),
          h('li', {}, h('strong', {}, String(open.length)), ' open'),
          h('li', { class: overdue.length ? 'summary-bad' : '' }, h('strong', {}, String(overdue.length)), ' overdue'));
      fill(list, orders.length ? ordersTable(orders, fetchedAt, {
        actions: canAct,
        onError: (e) => say(status, e.message, 'error'),
        onChange: (o) => say(status, `${o.reference || o.id} is now ${o.state.replace(/_/g, ' ')}.`, 'ok'),
      }) : h('p', { class: 'empty' }, 'No orders match.'));
    } catch (e) {
      say(status, e.message, 'error');
    }
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    load();
  });
  await load();
  // A light refresh picks up orders that arrive meanwhile; the countdowns
  // tick locally every second in between.
  setInterval(() => {
    if (!document.hidden && !list.contains(document.activeElement)) load();
  }, REFRESH_MS);
}

main().catch(showFatal);
