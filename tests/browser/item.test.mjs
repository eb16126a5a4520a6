// Browser tests of the item view (web/item.html, issue 20 point 1; issue 21's
// must-hold: video and OCR reach the same item view as images) against a
// real `evenhand serve --media-dir`: posts scanned through POST /v1/scan
// with an image on a known-CSAM bank, a re-encoded known video, a meme whose
// caption is a listed scam phrase (OCR) and an Urdu post. The page is opened
// for each at 1366x768 and 390x844: sensitive media are blurred and not even
// fetched until a moderator reveals them (and the reveal is in the audit
// log); the OCR box is drawn over the caption; the video's matched time is a
// button that seeks there; the Urdu match is marked over exactly the bytes
// the API names, in a right-to-left paragraph; an authority gets the
// redacted view and no reveal.
//
// Run: scripts/browser-test.sh [BUILD_DIR]   (or: node --test item.test.mjs)

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { accessibilityProblems } from './a11y.mjs';
import {
  artifactPath, call, config, createKey, evenhand, isoAgo, launchBrowser, startServer, tempDir,
} from './harness.mjs';

const S = {};
const URDU = 'یہ دیکھو پیسے ڈبل کریں ابھی';
const URDU_TERM = 'پیسے ڈبل کریں';
const VIEWPORTS = [{ width: 1366, height: 768 }, { width: 390, height: 844 }];

async function api(key, method, route, body, want) {
  const r = await call(S.server.base, key.key, method, route, body);
  if (want !== undefined) assert.equal(r.status, want, `${method} ${route}: ${JSON.stringify(r.body)}`);
  return r.body;
}

// A policy over the examples' banks and list, by absolute path, and a media
// directory with the files the posts name.
function writePolicyAndMedia() {
  const ex = path.join(config.source, 'examples');
  S.media = path.join(S.dir, 'media');
  fs.mkdirSync(S.media);
  for (const [from, to] of [['known-media/media/bridge.jpg', 'bridge.jpg'], ['known-video/media/repost.mp4', 'repost.mp4'],
    ['text-in-images/meme.jpg', 'meme.jpg']]) fs.copyFileSync(path.join(ex, from), path.join(S.media, to));
  S.policy = path.join(S.dir, 'policy.yaml');
  fs.writeFileSync(S.policy, [
    'policy: items', 'version: 1', 'banks:',
    `  known_csam: {file: ${path.join(ex, 'known-media/banks/known_csam.txt')}, radius: 31}`,
    `  extremist_videos: {file: ${path.join(ex, 'known-video/banks/extremist_videos.txt')}, radius: 31}`,
    'lists:', '  scams:', `    files: [${path.join(ex, 'text-in-images/scams.txt')}]`, 'rules:',
    '  - {id: known-csam, when: bank.known_csam.match, action: remove, category: protection_of_minors, reason: csam}',
    '  - {id: known-video, when: bank.extremist_videos.match, action: review, category: risk_for_public_security, reason: video}',
    '  - {id: scam-text, when: list.scams, action: remove, category: scams_and_fraud, reason: text}',
    '  - {id: scam-in-image, when: ocr.list.scams, action: remove, category: scams_and_fraud, reason: image}', ''].join('\n'));
  // The author's account record (accounts reach the store through `evenhand scan`).
  const accounts = path.join(S.dir, 'accounts.jsonl');
  fs.writeFileSync(accounts, '{"kind":"account","id":"bt-author","created":"2025-06-01T00:00:00Z","country":"PK"}\n');
  return accounts;
}

async function seed(accounts) {
  const db = S.db;
  const person = (id, ...roles) =>
    evenhand('people', 'add', '--db', db, '--id', id, ...roles.flatMap((r) => ['--role', r]), '--actor', 'browser-test');
  await person('browser-test', 'admin');
  await evenhand('authority', 'add', '--db', db, '--id', 'pta', '--name', 'Pakistan Telecommunication Authority',
      '--jurisdiction', 'PK', '--kind', 'regulator', '--actor', 'browser-test');
  await person('mod-aisha', 'moderator');
  await evenhand('people', 'add', '--db', db, '--id', 'pta-desk', '--role', 'authority', '--authority', 'pta', '--actor', 'browser-test');
  const key = (role, who) => createKey(db, role, ['--person', who, '--name', who, '--actor', 'browser-test']);
  S.mod = await key('moderator', 'mod-aisha');
  S.pta = await key('authority', 'pta-desk');
  await evenhand('scan', accounts, '--policy', S.policy, '--db', db, '-q', '-o', path.join(S.dir, 'accounts.out'));
}

async function seedItems() {
  const ts = isoAgo(3600);
  const post = (id, text, media) => ({ id, account: 'bt-author', ts, region: 'PK', text, ...(media ? { media: [{ path: media }] } : {}) });
  S.decisions = {};
  for (const p of [post('bt-img', 'look', 'bridge.jpg'), post('bt-vid', 'watch this', 'repost.mp4'),
    post('bt-ocr', 'look at this', 'meme.jpg'), post('bt-ur', URDU)]) {
    S.decisions[p.id] = await api(S.mod, 'POST', '/v1/scan', p, 200);
  }
  assert.equal(S.decisions['bt-img'].rule, 'known-csam');
  assert.equal(S.decisions['bt-vid'].rule, 'known-video');
  assert.equal(S.decisions['bt-ocr'].rule, 'scam-in-image');
  assert.equal(S.decisions['bt-ur'].rule, 'scam-text');
  await api(S.pta, 'POST', '/v1/orders', {
    jurisdiction: 'PK', legal_basis: { instrument: 'PECA 2016', provision: 's.37(1)' }, category: 'unlawful_content_s37',
    emergency: false, targets: [{ item: 'bt-img' }], reference: 'PTA/ITEM/1', received: isoAgo(60),
  }, 201);
}

async function signIn(key, viewport) {
  const context = await S.browser.newContext({ viewport, reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.errors = [];
  page.requests = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) page.errors.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => page.requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
  await page.goto(`${S.server.base}/`);
  await page.getByLabel('API key').fill(key.key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.endsWith('/') && !u.pathname.endsWith('index.html'));
  return page;
}

async function openItem(page, id) {
  await page.goto(`${S.server.base}/item.html?id=${id}`);
  await page.getByRole('heading', { level: 1, name: `Item ${id}` }).waitFor();
}

async function check(page, what, shotName) {
  // Images and videos load asynchronously; the checks look at the page as a person would see it.
  const problems = await accessibilityProblems(page);
  assert.deepEqual(problems, [], `${what}: accessibility problems`);
  assert.deepEqual(page.errors, [], `${what}: errors in the page`);
  await page.screenshot({ path: artifactPath(shotName), fullPage: true });
}

const reveals = () => execFileSync('sqlite3', ['-json', S.db,
  "SELECT actor, subject, payload FROM audit WHERE action = 'item.media.reveal' ORDER BY seq"], { encoding: 'utf8' }).trim();

describe('the item view against a real evenhand serve with media', () => {
  before(async () => {
    assert.ok(fs.existsSync(config.bin), `no evenhand binary at ${config.bin}`);
    S.dir = tempDir();
    S.db = path.join(S.dir, 'store.db');
    const accounts = writePolicyAndMedia();
    await seed(accounts);
    // No OCR time budget: which text is found, not how fast (a loaded machine must not time out).
    S.server = await startServer({ db: S.db, policy: S.policy, extra: ['--media-dir', S.media, '--ocr-budget-ms', '0'] });
    S.browser = await launchBrowser();
    await seedItems();
  });

  after(async () => {
    if (S.browser) await S.browser.close();
    if (S.server) {
      const { code } = await S.server.stop();
      assert.equal(code, 0, `evenhand serve exits 0 on SIGTERM; log:\n${S.server.log()}`);
    }
    if (S.dir) fs.rmSync(S.dir, { recursive: true, force: true });
  });

  for (const viewport of VIEWPORTS) {
    const tag = `${viewport.width}x${viewport.height}`;

    test(`${tag}: an image on a known-CSAM bank is blurred, fetched only when revealed, and the reveal is audited`, async () => {
      const page = await signIn(S.mod, viewport);
      await openItem(page, 'bt-img');
      const fig = page.locator('figure.media[data-media="0"]');
      await fig.getByTestId('blurred').waitFor();
      assert.match(await fig.getByTestId('blurred').textContent(), /protection_of_minors/);
      assert.equal(await fig.locator('img').count(), 0, 'no picture before the reveal');
      assert.ok(!page.requests.some((r) => r.includes('/media/')), `no media request before the reveal: ${page.requests}`);
      // The author: the account record and the decisions about their posts.
      const account = page.getByTestId('account');
      assert.match(await account.textContent(), /bt-author.*days ago.*PK/s);
      assert.match(await account.textContent(), /remove \d/);
      await check(page, `blurred image ${tag}`, `item-image-blurred-${tag}.png`);

      const before = reveals();
      await fig.getByLabel('Why you need to see it (recorded)').fill(`confirming the bank match ${tag}`);
      await fig.getByRole('button', { name: /^Reveal media 1/ }).click();
      await fig.locator('.media-frame[data-ready="true"] img').waitFor();
      assert.ok(await fig.locator('img').evaluate((img) => img.naturalWidth > 0), 'the revealed picture decodes');
      const after = JSON.parse(reveals() || '[]');
      assert.equal(after.length, JSON.parse(before || '[]').length + 1, 'one audit entry per reveal');
      const last = after[after.length - 1];
      assert.equal(last.subject, 'bt-img');
      assert.match(last.actor, /^mod-aisha via key:/);
      assert.equal(JSON.parse(last.payload).reason, `confirming the bank match ${tag}`);
      await check(page, `revealed image ${tag}`, `item-image-revealed-${tag}.png`);
      await page.context().close();
    });

    test(`${tag}: a known video's match time is a button that seeks the revealed video there`, async () => {
      const page = await signIn(S.mod, viewport);
      await openItem(page, 'bt-vid');
      const item = await api(S.mod, 'GET', '/v1/items/bt-vid', undefined, 200);
      const part = item.decisions[0].signals.find((s) => s.detector === 'bank').parts[0];
      assert.equal(typeof part.seconds, 'number', JSON.stringify(item.decisions[0].signals));
      const fig = page.locator('figure.media[data-media="0"]');
      assert.match(await fig.locator('.media-notes').textContent(), new RegExp(`closest frame at ${part.seconds.toFixed(1)} s`));
      await fig.getByRole('button', { name: /^Reveal media 1/ }).click();
      const video = fig.locator('video');
      await video.waitFor();
      await fig.getByRole('button', { name: `Go to ${part.seconds.toFixed(1)} s` }).click();
      const t = await video.evaluate((v) => v.currentTime);
      assert.ok(Math.abs(t - part.seconds) < 0.05, `the video is at ${t} s, the match at ${part.seconds} s`);
      await check(page, `video ${tag}`, `item-video-${tag}.png`);
      await page.context().close();
    });

    test(`${tag}: text read from an image is boxed on the image where it was read`, async () => {
      const page = await signIn(S.mod, viewport);
      await openItem(page, 'bt-ocr');
      const item = await api(S.mod, 'GET', '/v1/items/bt-ocr', undefined, 200);
      const part = item.decisions[0].signals.find((s) => s.detector === 'ocr').parts[0];
      assert.equal(part.kind, 'image_region');
      const fig = page.locator('figure.media[data-media="0"]');
      await fig.locator('.media-frame[data-ready="true"]').waitFor();
      assert.equal(await fig.getByTestId('blurred').count(), 0, 'a scam meme is not blurred');
      assert.match(await fig.locator('.media-notes').textContent(), /free bitcoin giveaway/);
      // The box is drawn over the image at the place the API names, scaled to the picture on screen.
      const geo = await fig.evaluate((f) => {
        const img = f.querySelector('img').getBoundingClientRect();
        const box = f.querySelector('.region').getBoundingClientRect();
        const n = f.querySelector('img');
        return { img: [img.left, img.top, img.width, img.height], box: [box.left, box.top, box.width, box.height], nw: n.naturalWidth };
      });
      const scale = geo.img[2] / geo.nw;
      const [x0, y0, x1, y1] = part.box;
      assert.ok(Math.abs(geo.box[0] - (geo.img[0] + x0 * scale)) < 2, `box left ${JSON.stringify(geo)} vs ${part.box}`);
      assert.ok(Math.abs(geo.box[1] - (geo.img[1] + y0 * scale)) < 2, `box top ${JSON.stringify(geo)} vs ${part.box}`);
      assert.ok(Math.abs(geo.box[2] - (x1 - x0) * scale) < 2 && Math.abs(geo.box[3] - (y1 - y0) * scale) < 2, 'box size');
      await check(page, `OCR image ${tag}`, `item-ocr-${tag}.png`);
      await page.context().close();
    });
  }

  test('an Urdu match is marked over exactly its bytes, in a right-to-left paragraph', async () => {
    const page = await signIn(S.mod, VIEWPORTS[0]);
    await openItem(page, 'bt-ur');
    const item = await api(S.mod, 'GET', '/v1/items/bt-ur', undefined, 200);
    const span = item.decisions[0].signals.find((s) => s.detector === 'terms').parts[0];
    const mark = page.getByTestId('content').locator('mark');
    assert.equal(await mark.count(), 1);
    assert.equal(await mark.textContent(), URDU_TERM);
    assert.equal(await mark.getAttribute('data-begin'), String(span.begin));
    assert.equal(await mark.getAttribute('data-end'), String(span.end));
    assert.equal(await page.getByTestId('content').textContent(), URDU, 'the marks change no character');
    assert.equal(await page.getByTestId('content').evaluate((p) => getComputedStyle(p).direction), 'rtl');
    // The evidence beside it: the term isolated, so "[17,42)" is not mirrored into the Urdu run.
    assert.equal(await page.getByTestId('signals').first().locator('bdi').first().textContent(), URDU_TERM);
    await check(page, 'Urdu text', 'item-urdu.png');
    await page.context().close();
  });

  test('an authority sees the redacted view of an item its order names, and cannot reveal', async () => {
    const page = await signIn(S.pta, VIEWPORTS[0]);
    await openItem(page, 'bt-img');
    await page.getByTestId('blurred').waitFor();
    assert.match(await page.getByTestId('blurred').textContent(), /Only the platform's staff may reveal it/);
    assert.equal(await page.getByRole('button', { name: /^Reveal/ }).count(), 0);
    assert.equal(await page.getByRole('heading', { name: 'Author' }).count(), 0, 'no author for an authority');
    assert.equal(await page.getByTestId('signals').first().textContent(), '—', 'no detector evidence');
    assert.equal(await page.getByTestId('cases').locator('tbody tr').count(), 1);
    await check(page, 'authority item view', 'item-authority.png');
    // An item its orders do not name: not found.
    await page.goto(`${S.server.base}/item.html?id=bt-vid`);
    await page.getByRole('heading', { level: 1, name: 'Item not found' }).waitFor();
    await page.context().close();
  });
});
