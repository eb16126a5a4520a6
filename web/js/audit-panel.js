// The "Audit log" panel of the authority's pages (issue 19 point 4): checks,
// in this browser, that the platform's audit log holds what it says,
// against a key and checkpoint the viewer keeps.
//
// The verifier key is kept in this browser's localStorage the first time
// (trust on first use: the panel shows it so it can be compared with the key
// the platform publishes out of band) and every later check refuses a
// different key. The newest verified checkpoint is kept too, and each check
// proves that the log's new checkpoint extends it (consistency), so a log
// rewritten after the viewer's last visit is caught. With an entry number
// (an order's last audit entry) the check also proves that entry is in the
// log (inclusion). Nothing here trusts the server's word: see audit-verify.js.

import { api } from './api.js';
import { ProofError, parseVerifierKey, verifyCheckpoint, verifyConsistencyAnswer, verifyInclusionAnswer } from './audit-verify.js';
import { h, say } from './dom.js';

const KEY_SLOT = 'evenhand.audit.key';
const CHECKPOINT_SLOT = 'evenhand.audit.checkpoint';

const count = (n) => Number(n).toLocaleString('en-GB');
const clock = (d) => d.toISOString().slice(11, 16);

async function latestCheckpointText() {
  const r = await fetch('/v1/audit/checkpoint', { headers: { Accept: 'text/plain' } });
  if (!r.ok) throw new ProofError(`no checkpoint to check against (the server answered ${r.status})`);
  return r.text();
}

// Runs every check; resolves to the sentence to show, or throws.
export async function checkLog(entry) {
  const served = await api('GET', '/v1/audit/key');
  const kept = localStorage.getItem(KEY_SLOT);
  const vkey = await parseVerifierKey(kept || served.verifier_key);
  if (kept && vkey.text !== String(served.verifier_key).trim()) {
    throw new ProofError(`the log now signs with the key ${served.verifier_key}, not the key ${vkey.text} you kept: ` +
        'its checkpoints cannot be trusted until the platform explains the change');
  }
  const notes = [];
  if (!kept) {
    localStorage.setItem(KEY_SLOT, vkey.text);
    notes.push(`First check from this browser: the key ${vkey.text} is now kept; compare it with the key the platform publishes.`);
  }
  let checkpoint;
  let proved = '';
  if (entry) {
    const answer = await api('GET', `/v1/audit/proof?entry=${encodeURIComponent(entry)}&checkpoint=latest`);
    const r = await verifyInclusionAnswer(answer, vkey);
    checkpoint = { note: answer.checkpoint, ...r.checkpoint };
    proved = `entry ${count(r.entry)} about this order is in the log` +
        (!r.bound ? ' (the proof binds its hash; its fields are withheld from you)'
          : r.unbound.length ? ` (the proof binds it; the ${r.unbound.join(' and ')} shown to you only as a commitment)`
            : ', every field it shows you bound to its leaf');
  } else {
    const note = await latestCheckpointText();
    checkpoint = { note, ...(await verifyCheckpoint(note, vkey)) };
  }
  const keptNote = localStorage.getItem(CHECKPOINT_SLOT);
  let extends_ = '';
  if (keptNote) {
    const old = await verifyCheckpoint(keptNote, vkey);
    if (old.size > checkpoint.size) {
      throw new ProofError(`the log shows ${count(checkpoint.size)} entries, fewer than the ${count(old.size)} of the checkpoint you kept (entries removed)`);
    }
    const answer = await api('GET', `/v1/audit/consistency?from=${old.size}&to=${checkpoint.size}`);
    await verifyConsistencyAnswer(answer, vkey, keptNote);
    extends_ = `it extends the checkpoint of ${count(old.size)} entries you kept, unchanged`;
  }
  localStorage.setItem(CHECKPOINT_SLOT, checkpoint.note);
  const head = `Verified at ${clock(new Date())} UTC against the checkpoint of tree size ${count(checkpoint.size)}, signed by ${vkey.name}`;
  return [head + (proved || extends_ ? `: ${[proved, extends_].filter(Boolean).join('; ')}.` : '.'), ...notes].join(' ');
}

// The panel: a button, and the outcome in a live region.
export function auditPanel({ entry, title = 'Audit log' } = {}) {
  const out = h('p', { class: 'audit-result', role: 'status', hidden: true });
  const button = h('button', { type: 'button', class: 'btn btn-secondary' }, entry ? 'Verify this order in the audit log' : 'Verify the audit log');
  button.addEventListener('click', async () => {
    button.disabled = true;
    say(out, 'Checking…');
    try {
      say(out, await checkLog(entry), 'ok');
      out.dataset.verified = 'true';
    } catch (e) {
      say(out, e instanceof ProofError ? `Not verified: ${e.message}` : `Could not check: ${e.message}`, 'error');
      out.dataset.verified = 'false';
    } finally {
      button.disabled = false;
    }
  });
  const id = `audit-h-${entry || 'log'}`;
  return h('section', { class: 'panel audit', 'aria-labelledby': id },
      h('h2', { id }, title),
      h('p', { class: 'sub' }, 'Checked in your browser against the log\'s signing key and the last checkpoint you saw: nothing is taken on the platform\'s word.'),
      button, out);
}
