// item.html?id=ID[&version=N]: one stored item as GET /v1/items/{id} gives it
// (issue 20 point 1). The content of a version with the decisions' evidence
// marked (byte spans cut from the UTF-8 text, so a mark covers exactly the
// bytes the matcher reported; the text is one bidi-isolated paragraph and
// marks change no direction, so Urdu reads right to left as written); its
// media, fetched with the key (GET /v1/items/{id}/media/{n}) or, when the item
// is sensitive, shown blurred until a person reveals them (POST
// .../media/{n}/reveal, audited); OCR evidence drawn as boxes on the image or
// video frame, a video's matched times as buttons that seek there; the
// author's account; where the item can be seen now, country by country; the
// decisions with their reviews; the cases that name it; every version.
// An authority gets the redacted answer (no account, signals or staff names)
// and cannot reveal sensitive media.

import { api, apiBlob } from './api.js';
import { $, fill, formatTime, h, humanize, say } from './dom.js';
import { showFatal, signedIn } from './layout.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

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

// Evidence text with each quoted term isolated, so an Urdu term does not
// pull the offsets beside it into its right-to-left run.
function evidenceText(s) {
  const out = [];
  let last = 0;
  for (const m of String(s || '').matchAll(/"([^"]*)"/g)) {
    out.push(s.slice(last, m.index), '"', h('bdi', {}, m[1]), '"');
    last = m.index + m[0].length;
  }
  out.push(String(s || '').slice(last));
  return out;
}

const secs = (s) => `${Number(s).toFixed(1)} s`;

// The text with [begin, end) byte spans marked. Overlapping spans: the first wins.
function markedText(text, spans, lang) {
  const bytes = enc.encode(text);
  const sorted = spans.filter((s) => s.begin < s.end && s.end <= bytes.length)
    .sort((a, b) => a.begin - b.begin || b.end - a.end);
  const parts = [];
  let pos = 0;
  for (const s of sorted) {
    if (s.begin < pos) continue;
    if (s.begin > pos) parts.push(dec.decode(bytes.subarray(pos, s.begin)));
    parts.push(h('mark', { 'data-begin': s.begin, 'data-end': s.end, title: `${s.list}: "${s.term}", bytes [${s.begin},${s.end})` },
        dec.decode(bytes.subarray(s.begin, s.end))));
    pos = s.end;
  }
  parts.push(dec.decode(bytes.subarray(pos)));
  return h('p', { class: 'post item-text', dir: 'auto', lang: lang || null, 'data-testid': 'content' }, parts);
}

// Every evidence part of the decisions about `version`, with its signal.
function partsOf(it, version) {
  const out = [];
  for (const d of it.decisions || []) {
    if (d.version !== version) continue;
    for (const s of d.signals || []) for (const p of s.parts || []) out.push({ ...p, list: s.name, detector: s.detector, policy: d.policy });
  }
  return out;
}

// One media file: fetched with the key, or behind a reveal button when sensitive.
function mediaFigure(it, version, index, path, parts, me) {
  const here = parts.filter((p) => p.media === index && (p.kind === 'image_region' || p.kind === 'media'));
  const frame = h('div', { class: 'media-frame' });
  const times = here.filter((p) => p.seconds !== null && p.seconds !== undefined);
  const notes = h('ul', { class: 'plain media-notes' }, here.map((p) => h('li', { 'data-kind': p.kind },
      p.kind === 'image_region'
        ? ['Text read: "', h('bdi', {}, p.term), `"${p.edits ? ` (${p.edits} edits)` : ''} ${p.seconds != null ? `at ${secs(p.seconds)} ` : ''}`,
          h('span', { dir: 'ltr' }, `in box [${p.box.join(', ')}]`), ` (list ${p.list})`]
        : [`Known media: bank ${p.list}`, p.seconds != null ? `, closest frame at ${secs(p.seconds)} (bank video at ${secs(p.bank_seconds)})` : ''])));
  const fig = h('figure', { class: 'media', 'data-media': index }, frame,
      h('figcaption', {}, h('code', {}, path), notes));
  const src = `/v1/items/${encodeURIComponent(it.id)}/media/${index}`;

  const show = (blob) => {
    const url = URL.createObjectURL(blob);
    const isVideo = blob.type.startsWith('video/');
    const el = isVideo
      ? h('video', { src: url, controls: true, preload: 'metadata', 'aria-label': `Video ${path}` })
      : h('img', { src: url, alt: `Media ${index + 1} of the item: ${path}` });
    const boxes = here.filter((p) => p.kind === 'image_region').map((p) =>
      h('div', { class: 'region', 'data-seconds': p.seconds ?? '', title: `"${p.term}"` }));
    fill(frame, el, boxes);
    const place = () => {
      const w = isVideo ? el.videoWidth : el.naturalWidth;
      const ht = isVideo ? el.videoHeight : el.naturalHeight;
      if (!w || !ht) return;
      here.filter((p) => p.kind === 'image_region').forEach((p, k) => {
        const [x0, y0, x1, y1] = p.box;
        Object.assign(boxes[k].style, {
          left: `${(100 * x0) / w}%`, top: `${(100 * y0) / ht}%`, width: `${(100 * (x1 - x0)) / w}%`, height: `${(100 * (y1 - y0)) / ht}%`,
        });
      });
      frame.dataset.ready = 'true';
    };
    const near = () => boxes.forEach((b) => {
      b.hidden = isVideo && b.dataset.seconds !== '' && Math.abs(el.currentTime - Number(b.dataset.seconds)) > 0.75;
    });
    el.addEventListener(isVideo ? 'loadedmetadata' : 'load', () => { place(); near(); });
    if (isVideo) {
      el.addEventListener('timeupdate', near);
      el.addEventListener('seeked', near);
      // Times the evidence names: one button each, which seeks the video there.
      fig.append(h('div', { class: 'buttons' }, [...new Set(times.map((p) => p.seconds))].map((t) =>
        h('button', { type: 'button', class: 'btn btn-quiet', 'data-seek': t, onclick: () => { el.currentTime = t; el.pause(); } },
            `Go to ${secs(t)}`))));
    }
  };
  const fail = (e) => fill(frame, h('p', { class: 'notice notice-error', role: 'alert' }, e.message));

  if (it.sensitive && it.sensitive.blur) {
    const why = (it.sensitive.because || []).join('; ');
    const reason = h('input', { type: 'text', id: `reveal-reason-${index}`, maxlength: 200 });
    const cover = h('div', { class: 'blurred', 'data-testid': 'blurred' },
        h('p', {}, h('strong', {}, 'Blurred: sensitive media. '), why ? `Because ${why}.` : ''),
        me.role === 'authority' ? h('p', {}, 'Only the platform\'s staff may reveal it.')
          : h('div', { class: 'reveal' },
              h('label', { for: `reveal-reason-${index}` }, 'Why you need to see it (recorded)'), reason,
              h('button', {
                type: 'button', class: 'btn', onclick: async (ev) => {
                  ev.target.disabled = true;
                  try {
                    show(await apiBlob('POST', `${src}/reveal`, { version, reason: reason.value }));
                  } catch (e) { fail(e); }
                },
              }, `Reveal media ${index + 1} (audited)`)));
    fill(frame, cover);
  } else {
    apiBlob('GET', `${src}?version=${version}`).then(show, fail);
  }
  return fig;
}

function visibilityRows(visibility) {
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
    const signals = (d.signals || []).map((s) => h('li', { 'data-detector': s.detector },
        h('span', { class: 'badge' }, s.detector), ' ', h('code', {}, s.name), ' ', h('span', { class: 'evidence' }, evidenceText(s.evidence))));
    return h('tr', { 'data-policy': d.policy || null, 'data-reversed': d.reversed ? d.reversed.how : null },
        h('th', { scope: 'row', 'data-label': 'Policy' }, d.policy ? h('code', {}, d.policy) : '—'),
        h('td', { 'data-label': 'Version' }, String(d.version)),
        h('td', { 'data-label': 'Decision' }, `${humanize(d.action)}${scope}`,
            d.reversed ? h('div', { class: 'sub' }, 'no longer applies') : null),
        h('td', { 'data-label': 'Category' }, humanize(d.category) || '—'),
        h('td', { 'data-label': 'Review', 'data-testid': 'review' }, review),
        h('td', { 'data-label': 'Evidence', 'data-testid': 'signals' }, signals.length ? h('ul', { class: 'plain' }, signals) : '—'));
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

function versionRows(it, shown) {
  return (it.versions || []).map((v) => h('tr', { 'aria-current': v.version === shown ? 'true' : null },
      h('th', { scope: 'row', 'data-label': 'Version' },
          v.version === shown ? `${v.version} (shown)` : h('a', { href: `item.html?id=${encodeURIComponent(it.id)}&version=${v.version}` }, `Show ${v.version}`)),
      h('td', { 'data-label': 'Stored' }, formatTime(v.stored_at)),
      h('td', { 'data-label': 'Content' }, v.text == null ? h('em', {}, 'deleted by retention') : h('bdi', {}, v.text)),
      h('td', { 'data-label': 'Content hash' }, h('code', { title: v.content_hash }, String(v.content_hash || '').slice(0, 12)))));
}

function accountPanel(a) {
  if (!a) return h('p', { class: 'sub' }, 'No author is stored.');
  const by = Object.entries((a.decisions && a.decisions.by_action) || {}).map(([k, n]) => `${humanize(k)} ${n}`).join(', ');
  const facts = [
    ['Account', h('code', {}, a.id)],
    ['Created', a.created ? `${formatTime(a.created)} (${a.age_days} days ago)` : 'not stored'],
    ['Country', a.country || '—'],
    ['Posts stored', String(a.posts)],
    ['Decisions about their posts', `${a.decisions.total}${by ? `: ${by}` : ''}${a.decisions.reversed ? `; ${a.decisions.reversed} undone` : ''}`],
  ];
  const recent = (a.recent || []).map((r) => h('tr', {},
      h('th', { scope: 'row', 'data-label': 'Item' }, h('a', { href: `item.html?id=${encodeURIComponent(r.item)}` }, r.item)),
      h('td', { 'data-label': 'Decision' }, `${humanize(r.action)}${r.scope && r.scope.length ? ` in ${r.scope.join(', ')}` : ''}${r.reversed ? ' (undone)' : ''}`),
      h('td', { 'data-label': 'Category' }, humanize(r.category) || '—'),
      h('td', { 'data-label': 'When' }, formatTime(r.stored_at))));
  return [h('dl', { class: 'facts', 'data-testid': 'account' }, facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    recent.length ? [h('h3', {}, 'Latest decisions about their posts'),
      table('Latest decisions about the author\'s posts', ['Item', 'Decision', 'Category', 'When'], recent, 'account-decisions')] : null];
}

async function main() {
  const me = await signedIn('item.html');
  const params = new URLSearchParams(location.search);
  const id = params.get('id') || '';
  const status = $('#status');
  try {
    const it = await api('GET', `/v1/items/${encodeURIComponent(id)}`);
    document.title = `Item ${it.id} · evenhand`;
    fill($('#title'), `Item ${it.id}`);
    const versions = it.versions || [];
    const wanted = Number(params.get('version')) || it.current_version;
    const v = versions.find((x) => x.version === wanted) || versions[versions.length - 1];
    const section = (hid, title, ...body) => h('section', { class: 'panel', 'aria-labelledby': hid }, h('h2', { id: hid }, title), ...body);
    let content = h('p', { class: 'sub' }, 'No content is stored.');
    if (v) {
      const parts = partsOf(it, v.version);
      const spans = parts.filter((p) => p.kind === 'text');
      content = v.text == null ? h('p', {}, h('em', {}, 'Deleted by retention; its hash stays.'))
        : [markedText(v.text, spans, v.lang),
          h('p', { class: 'sub' }, `Version ${v.version} of ${versions.length}${v.lang ? `, language ${v.lang}` : ''}${v.region ? `, published in ${v.region}` : ''}.`,
              spans.length ? ` ${spans.length} marked ${spans.length === 1 ? 'match' : 'matches'}.` : ''),
          h('div', { class: 'media-list' }, (v.media || []).map((path, i) => mediaFigure(it, v.version, i, path, parts, me)))];
    }
    fill($('#item'),
        section('content-h', 'Content', content),
        'account' in it ? section('acc-h', 'Author', accountPanel(it.account)) : null,
        section('vis-h', 'Where it can be seen now',
            table('Visibility by country', ['Seen from', 'Visible', 'Why'], visibilityRows(it.visibility), 'visibility')),
        section('dec-h', 'Decisions',
            (it.decisions || []).length ? table('Decisions about the item', ['Policy', 'Version', 'Decision', 'Category', 'Review', 'Evidence'],
                decisionRows(it.decisions), 'decisions') : h('p', { class: 'sub' }, 'No decision.')),
        section('case-h', 'Cases',
            (it.cases || []).length ? table('Cases that name the item', ['Case', 'Kind', 'State', 'Standing'], caseRows(it.cases), 'cases')
              : h('p', { class: 'sub' }, 'No order, notice or appeal names it.')),
        section('ver-h', 'Versions',
            table('Stored versions', ['Version', 'Stored', 'Content', 'Content hash'], versionRows(it, v && v.version), 'versions')));
  } catch (e) {
    if (e.status === 404 || e.status === 403) {
      fill($('#title'), 'Item not found');
      fill($('#item'), h('p', {}, 'Nothing about this item is stored, or your key may not see it.'));
    } else {
      say(status, e.message, 'error');
      fill($('#item'));
    }
  }
}

main().catch(showFatal);
