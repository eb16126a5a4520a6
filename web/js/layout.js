// The frame every signed-in page shares: checks the key with GET /v1/me,
// sends the user to the sign-in page when there is none (or it is refused),
// sends them to their own home page when their role may not see this one, and
// fills the header: the pages their role may open and who is signed in.

import { api, forgetKey, getKey } from './api.js';
import { $, fill, h } from './dom.js';

// Pages, the roles that may open them (docs/API.md, "Keys and roles").
export const PAGES = [
  { href: 'orders.html', label: 'Orders', roles: ['moderator', 'auditor', 'admin'] },
  { href: 'queue.html', label: 'Review queue', roles: ['moderator', 'admin'] },
  { href: 'authority.html', label: 'My orders', roles: ['authority'] },
  { href: 'reports.html', label: 'Reports', roles: ['auditor', 'admin'] },
];

// Where a role starts: an authority its own view, a moderator or admin the
// orders desk, an auditor the reports.
const HOME = { authority: 'authority.html', moderator: 'orders.html', admin: 'orders.html', auditor: 'reports.html' };

// Whether the signed-in role sees a field of an answer: the server's one
// table of what each role sees (src/server/field_visibility.cc), sent as
// /v1/me "fields". The API leaves out what a role may not see; the pages
// ask this so they leave out its column or line too.
export function sees(me, path) {
  return !Array.isArray(me.fields) || me.fields.includes(path);
}

export function homeFor(role) {
  return HOME[role] || 'index.html';
}

function toLogin(reason) {
  const q = reason ? `?reason=${encodeURIComponent(reason)}` : '';
  location.replace(`index.html${q}`);
}

// Resolves to the /v1/me answer, or never (the page navigates away).
export async function signedIn(pageHref) {
  if (!getKey()) {
    toLogin('');
    return new Promise(() => {});
  }
  let me;
  try {
    me = await api('GET', '/v1/me');
  } catch (e) {
    if (e.status === 401) {
      toLogin('expired');
      return new Promise(() => {});
    }
    throw e;
  }
  const page = PAGES.find((p) => p.href === pageHref);
  if (page && !page.roles.includes(me.role)) {
    location.replace(homeFor(me.role));
    return new Promise(() => {});
  }
  renderHeader(me, pageHref);
  return me;
}

function renderHeader(me, pageHref) {
  const nav = $('#nav');
  const links = PAGES.filter((p) => p.roles.includes(me.role)).map((p) =>
    h('li', {}, h('a', { href: p.href, 'aria-current': p.href === pageHref ? 'page' : null }, p.label)));
  fill(nav, h('ul', {}, links));
  const who = me.authority ? `${me.name || me.key} · ${me.authority.name || me.authority.id}` : (me.name || me.key);
  fill($('#who'),
      h('span', { class: 'who-name' }, who, ' ', h('span', { class: 'role-badge' }, me.role)),
      h('button', {
        type: 'button', class: 'btn btn-quiet', id: 'signout',
        onclick: () => { forgetKey(); location.replace('index.html'); },
      }, 'Sign out'));
}

// Shows a failure where the page's content would be.
export function showFatal(e) {
  const main = $('#main');
  fill(main, h('h1', {}, 'Something went wrong'),
      h('p', { class: 'notice notice-error', role: 'alert' }, e.message || String(e)));
}
