// queue.html: the review queue (GET /v1/decisions?review=1), one card a
// decision with the post, the statement of reasons (action, scope, category,
// rule, policy, reason) and the signals behind it. Confirm or Overturn calls
// POST /v1/decisions/{item}/review; an overturn needs a reason. A reviewed
// card links to the item's page (item.html: where it can be seen now).

import { api, query } from './api.js';
import { $, fill, formatTime, h, humanize, say } from './dom.js';
import { showFatal, signedIn } from './layout.js';

const LIMIT = 100;

function scoreBar(score) {
  const v = Math.max(0, Math.min(1, Number(score) || 0));
  const fillEl = h('span', { class: 'score-fill' });
  fillEl.style.width = `${(v * 100).toFixed(0)}%`;  // CSSOM, not a style attribute: fine under a strict CSP
  return h('span', { class: 'score' },
      h('span', { class: 'score-bar', 'aria-hidden': 'true' }, fillEl),
      h('span', { class: 'score-num' }, v.toFixed(2)));
}

function signalsTable(signals) {
  if (!signals || !signals.length) return h('p', { class: 'sub' }, 'No signals recorded.');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'signals' },
      h('thead', {}, h('tr', {}, ['Detector', 'Signal', 'Score', 'Evidence'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, signals.map((s) => h('tr', {},
          h('td', { 'data-label': 'Detector' }, s.detector),
          h('td', { 'data-label': 'Signal' }, humanize(s.name)),
          h('td', { 'data-label': 'Score' }, scoreBar(s.score)),
          h('td', { 'data-label': 'Evidence' }, h('span', { dir: 'auto', class: 'evidence' }, s.evidence || '')))))));
}

function pair(term, ...desc) {
  return [h('dt', {}, term), h('dd', {}, ...desc)];
}

function actionText(d) {
  const scope = d.scope && d.scope.length ? ` in ${d.scope.join(', ')}` : '';
  return `${humanize(d.action)}${scope}`;
}

function reviewedText(r) {
  const verdict = r.verdict === 'overturn' ? 'Overturned' : 'Confirmed';
  return `${verdict} by ${r.by || 'a moderator'}${r.at ? `, ${formatTime(r.at)}` : ''}${r.reason ? `: ${r.reason}` : ''}`;
}

function card(d, onDone, onError) {
  const post = d.post || {};
  const id = `d-${String(d.item).replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const reasonId = `${id}-reason`;
  const reason = h('textarea', { id: reasonId, rows: 2, name: 'reason' });
  const outcome = h('p', { class: 'review-outcome', role: 'status', hidden: true });
  const confirm = h('button', { type: 'button', class: 'btn', 'data-verdict': 'confirm' }, 'Confirm decision');
  const overturn = h('button', { type: 'button', class: 'btn btn-secondary', 'data-verdict': 'overturn' }, 'Overturn');
  const el = h('article', { class: 'card decision', 'data-item': d.item, 'aria-labelledby': `${id}-h` },
      h('header', { class: 'card-head' },
          h('h2', { id: `${id}-h` }, `Item ${d.item}`),
          h('span', { class: `badge badge-action badge-${d.action}` }, actionText(d))),
      post.text ? h('blockquote', { class: 'post', dir: 'auto', lang: post.lang || null }, post.text) : null,
      h('dl', { class: 'facts facts-post' },
          pair('Account', post.account || '—'),
          pair('Region', post.region || '—'),
          pair('Language', post.lang || '—'),
          pair('Posted', formatTime(post.ts) || '—')),
      h('div', { class: 'card-cols' },
          h('div', {},
              h('h3', {}, 'Statement of reasons'),
              h('dl', { class: 'facts sor' },
                  pair('Decision', actionText(d)),
                  pair('Category', humanize(d.category)),
                  pair('Rule', h('code', {}, d.rule || '—')),
                  pair('Policy', h('code', {}, d.policy || '—')),
                  pair('Reason', d.reason || '—'),
                  pair('Decided', formatTime(d.stored_at) || '—'))),
          h('div', {},
              h('h3', {}, 'Signals'),
              signalsTable(d.signals))),
      h('div', { class: 'review' },
          h('div', { class: 'field' },
              h('label', { for: reasonId }, 'Reason ', h('span', { class: 'sub' }, '(required to overturn)')),
              reason),
          h('div', { class: 'buttons' }, confirm, overturn)),
      outcome);

  async function review(verdict) {
    const text = reason.value.trim();
    if (verdict === 'overturn' && !text) {
      reason.setAttribute('aria-invalid', 'true');
      onError(new Error(`To overturn the decision on item ${d.item}, give a reason.`));
      reason.focus();
      return;
    }
    confirm.disabled = overturn.disabled = true;
    try {
      const body = { verdict, policy: d.policy };
      if (text) body.reason = text;
      const updated = await api('POST', `/v1/decisions/${encodeURIComponent(d.item)}/review`, body);
      el.classList.add('done');
      el.dataset.reviewed = verdict;
      outcome.hidden = false;
      outcome.textContent = reviewedText(updated.reviewed || { verdict, reason: text });
      outcome.append(' ', h('a', { href: `item.html?id=${encodeURIComponent(d.item)}` }, `Where item ${d.item} can be seen now`));
      el.querySelector('.review').remove();
      onDone(updated);
    } catch (e) {
      confirm.disabled = overturn.disabled = false;
      onError(e);
    }
  }
  confirm.addEventListener('click', () => review('confirm'));
  overturn.addEventListener('click', () => review('overturn'));
  return el;
}

async function main() {
  await signedIn('queue.html');
  const status = $('#status');
  const list = $('#list');
  let waiting = 0;
  const paintSummary = () => fill($('#summary'),
      h('li', {}, h('strong', { id: 'waiting' }, String(waiting)), ' waiting for review'));
  try {
    const data = await api('GET', `/v1/decisions${query({ review: 1, limit: LIMIT })}`);
    const decisions = data.decisions || [];
    waiting = decisions.length;
    paintSummary();
    fill(list, decisions.length
      ? decisions.map((d) => card(d, (u) => {
        waiting -= 1;
        paintSummary();
        say(status, `Item ${u.item}: ${u.reviewed && u.reviewed.verdict === 'overturn' ? 'overturned' : 'confirmed'}.`, 'ok');
      }, (e) => say(status, e.message, 'error')))
      : h('p', { class: 'empty' }, 'Nothing waits for review.'));
  } catch (e) {
    say(status, e.message, 'error');
    fill(list);
  }
}

main().catch(showFatal);
