// index.html: the sign-in form. Checks the key with GET /v1/me before keeping
// it, then opens the home page of the key's role (an authority its own view,
// a moderator the orders desk, an auditor the reports).

import { api, ApiError, getKey, setKey } from './api.js';
import { $, say } from './dom.js';
import { homeFor } from './layout.js';

const status = $('#status');

const reason = new URLSearchParams(location.search).get('reason');
if (reason === 'expired') say(status, 'The key was refused (revoked or unknown). Sign in again.', 'error');

async function signIn(key) {
  const me = await api('GET', '/v1/me', undefined, key);
  setKey(key);
  location.assign(homeFor(me.role));
}

// Already signed in in this tab: straight to the home page.
if (getKey() && !reason) {
  signIn(getKey()).catch(() => {});
}

$('#login').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const input = $('#key');
  const key = input.value.trim();
  if (!key) {
    say(status, 'Enter your API key.', 'error');
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  say(status, 'Checking the key…', 'info');
  try {
    await signIn(key);
  } catch (e) {
    input.setAttribute('aria-invalid', 'true');
    const msg = e instanceof ApiError && e.status === 401
      ? 'That key was not accepted: unknown, revoked or mistyped.'
      : e.message;
    say(status, msg, 'error');
    input.focus();
  }
});
