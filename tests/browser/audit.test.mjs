// The authority's audit check in a real browser (issue 19 point 4): an
// authority signs in, opens its order and verifies the order's audit entry
// against the log's signed checkpoint, then verifies the whole log from its
// page; the operator then rewrites history (an entry's time edited, the tree
// rebuilt and signed anew with the log's own key) and the same check, in the
// same browser, refuses the log. The proofs are checked by web/js/audit-verify.js
// in the page; a forged checkpoint and a changed key are refused too.
//
// Run: scripts/browser-test.sh [BUILD_DIR]

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { artifactPath, call, config, createKey, evenhand, launchBrowser, startServer, tempDir } from './harness.mjs';

const S = {};

async function serve(listen) {
  return startServer({
    db: S.db, policy: path.join(config.source, 'examples', 'policy.yaml'), listen,
    extra: ['--audit-key', S.keyFile, '--checkpoint-every', '3600'],
  });
}

async function api(key, method, route, body, want) {
  const r = await call(S.server.base, key.key, method, route, body);
  if (want !== undefined) assert.equal(r.status, want, `${method} ${route}: ${JSON.stringify(r.body)}`);
  return r.body;
}

async function signIn(key) {
  const context = await S.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  await page.goto(`${S.server.base}/`);
  await page.getByLabel('API key').fill(key.key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname.endsWith('authority.html'));
  return page;
}

// Clicks a verify button and waits for its outcome; resolves to {verified, text}.
async function verify(page, buttonName) {
  const panel = page.locator('section.audit', { has: page.getByRole('button', { name: buttonName }) });
  const out = panel.locator('[data-verified]');
  await panel.getByRole('button', { name: buttonName }).click();
  await out.waitFor({ timeout: 10000 });
  const result = { verified: await out.getAttribute('data-verified'), text: await out.textContent() };
  // The next click starts afresh.
  await out.evaluate((el) => el.removeAttribute('data-verified'));
  return result;
}

describe('the authority verifies the audit log in its browser', () => {
  before(async () => {
    assert.ok(fs.existsSync(config.bin), `no evenhand binary at ${config.bin}`);
    S.dir = tempDir();
    S.db = path.join(S.dir, 'store.db');
    S.keyFile = path.join(S.dir, 'audit.key');
    const db = S.db;
    await evenhand('people', 'add', '--db', db, '--id', 'admin', '--role', 'admin', '--role', 'moderator', '--actor', 'admin');
    await evenhand('authority', 'add', '--db', db, '--id', 'pta', '--name', 'Pakistan Telecommunication Authority',
        '--jurisdiction', 'PK', '--kind', 'regulator', '--actor', 'admin');
    await evenhand('people', 'add', '--db', db, '--id', 'pta-desk', '--role', 'authority', '--authority', 'pta', '--actor', 'admin');
    S.pta = await createKey(db, 'authority', ['--person', 'pta-desk', '--actor', 'admin']);
    S.mod = await createKey(db, 'moderator', ['--person', 'admin', '--actor', 'admin']);
    await evenhand('audit', 'keygen', '--name', 'example.org/evenhand-audit', '--out', S.keyFile);
    S.server = await serve();
    S.browser = await launchBrowser();
    await api(S.mod, 'POST', '/v1/scan', { id: 'au-1', account: 'au-a1', ts: '2026-12-01T10:00:00Z', lang: 'en', region: 'PK', text: 'Photos from the march.' }, 200);
    S.order = await api(S.pta, 'POST', '/v1/orders', {
      jurisdiction: 'PK', legal_basis: { instrument: 'PECA 2016', provision: 's.37(1)' }, category: 'unlawful_content_s37',
      targets: [{ item: 'au-1' }], reference: 'PTA/AU/0001',
    }, 201);
    assert.ok(S.order.audit && S.order.audit.checkpoint, `the answer carries a checkpoint: ${JSON.stringify(S.order.audit)}`);
    await api(S.mod, 'POST', `/v1/orders/${S.order.id}/events`, { event: 'review' }, 200);
  });

  after(async () => {
    if (S.browser) await S.browser.close();
    if (S.server) await S.server.stop();
    if (S.dir) fs.rmSync(S.dir, { recursive: true, force: true });
  });

  test('the order and the log verify; a rewritten log, a forged checkpoint and a new key do not', async () => {
    const page = await signIn(S.pta);
    // The log as a whole: first use keeps the key and the checkpoint.
    let r = await verify(page, 'Verify the audit log');
    assert.equal(r.verified, 'true', r.text);
    assert.match(r.text, /Verified at \d\d:\d\d UTC against the checkpoint of tree size [\d,]+, signed by example\.org\/evenhand-audit/);
    assert.match(r.text, /First check from this browser/);

    // The order's own entry: inclusion, and the log extends the kept checkpoint.
    await page.goto(`${S.server.base}/order.html?id=${encodeURIComponent(S.order.id)}`);
    r = await verify(page, 'Verify this order in the audit log');
    assert.equal(r.verified, 'true', r.text);
    assert.match(r.text, /entry [\d,]+ about this order is in the log, every field it shows you bound to its leaf/);
    // The answer the page checked holds no staff identity.
    const proof = await api(S.pta, 'GET', `/v1/audit/proof?entry=${S.order.audit.entry}`, undefined, 200);
    assert.equal(proof.entry.actor, undefined, JSON.stringify(proof));
    assert.equal(proof.entry.salt_actor, undefined, JSON.stringify(proof));
    assert.match(r.text, /it extends the checkpoint of [\d,]+ entries you kept, unchanged/);
    await page.screenshot({ path: artifactPath('audit-verified.png'), fullPage: true });

    // A moderator acts; the log grows and still extends what the authority kept.
    await api(S.mod, 'POST', `/v1/orders/${S.order.id}/events`, { event: 'act', outcome: 'withheld' }, 200);
    await page.goto(`${S.server.base}/authority.html`);
    r = await verify(page, 'Verify the audit log');
    assert.equal(r.verified, 'true', r.text);
    assert.match(r.text, /it extends the checkpoint/);

    // A forged checkpoint in the browser's keeping is refused.
    const kept = await page.evaluate(() => localStorage.getItem('evenhand.audit.checkpoint'));
    const forged = kept.replace(/\n(\d+)\n/, (m, n) => `\n${Number(n) + 1}\n`);
    await page.evaluate((f) => localStorage.setItem('evenhand.audit.checkpoint', f), forged);
    r = await verify(page, 'Verify the audit log');
    assert.equal(r.verified, 'false', r.text);
    assert.match(r.text, /signature .* does not verify/);
    await page.evaluate((k) => localStorage.setItem('evenhand.audit.checkpoint', k), kept);

    // The operator rewrites history: the order "arrived" a day later; the
    // tree is rebuilt over the edited entry and signed anew with the log's key.
    const submitted = S.order.audit.entry;
    const listen = new URL(S.server.base).host;
    await S.server.stop();
    execFileSync('sqlite3', [S.db, `UPDATE audit SET ts = ts + 86400 WHERE seq = ${submitted};
        DELETE FROM tlog_tiles; DELETE FROM tlog_tail;`]);
    await evenhand('people', 'add', '--db', S.db, '--id', 'someone', '--role', 'auditor', '--actor', 'admin');
    await evenhand('audit', 'checkpoint', '--db', S.db, '--key', S.keyFile);
    S.server = await serve(listen);  // the same origin: the browser still holds its key and checkpoint
    r = await verify(page, 'Verify the audit log');
    assert.equal(r.verified, 'false', r.text);
    assert.match(r.text, /Not verified: consistency proof: the kept checkpoint is not a prefix of the log \(history rewritten\)/);
    await page.screenshot({ path: artifactPath('audit-rewritten.png'), fullPage: true });

    // A different signing key is refused before anything else is believed.
    await page.evaluate(() => localStorage.setItem('evenhand.audit.key',
        'example.org/evenhand-audit+00000000+AQ' + 'A'.repeat(42) + '='));
    r = await verify(page, 'Verify the audit log');
    assert.equal(r.verified, 'false', r.text);
    assert.match(r.text, /key/);
    assert.deepEqual(page.errors, []);
  });
});

// The verifier module alone, in Node (WebCrypto), against proofs the CLI writes.
describe('web/js/audit-verify.js against the CLI', () => {
  test('an inclusion proof of every entry verifies; an edited path or leaf does not', async () => {
    const { bytesToHex, leafOfEntry, verifyInclusionAnswer, parseVerifierKey, ProofError } = await import(path.join(config.source, 'web', 'js', 'audit-verify.js'));
    const dir = tempDir();
    try {
      const db = path.join(dir, 'store.db');
      const key = path.join(dir, 'k.key');
      await evenhand('scan', path.join(config.source, 'examples', 'posts.jsonl'), '--policy',
          path.join(config.source, 'examples', 'policy.yaml'), '--db', db, '-q', '-o', '/dev/null');
      await evenhand('audit', 'keygen', '--name', 'test/log', '--out', key);
      const note = path.join(dir, 'cp.txt');
      fs.writeFileSync(note, await evenhand('audit', 'checkpoint', '--db', db, '--key', key));
      const vkey = await parseVerifierKey(fs.readFileSync(`${key}.pub`, 'utf8'));
      const size = Number(fs.readFileSync(note, 'utf8').split('\n')[1]);
      assert.ok(size > 10, `a log of ${size} entries`);
      for (const n of [1, 2, Math.floor(size / 2), size - 1, size]) {
        const out = path.join(dir, `p${n}.json`);
        await evenhand('audit', 'proof', '--db', db, '--entry', String(n), '--checkpoint', note, '-o', out);
        const answer = JSON.parse(fs.readFileSync(out, 'utf8'));
        const r = await verifyInclusionAnswer(answer, vkey);
        assert.equal(r.entry, n);
        assert.equal(r.checkpoint.size, size);
        if (answer.proof.length) {
          const bad = structuredClone(answer);
          bad.proof[0] = bad.proof[0].replace(/^./, (c) => (c === '0' ? '1' : '0'));
          await assert.rejects(verifyInclusionAnswer(bad, vkey), ProofError);
        }
        if (answer.entry) {
          const edited = structuredClone(answer);
          edited.entry.ts += 1;
          await assert.rejects(verifyInclusionAnswer(edited, vkey), /its leaf is [0-9a-f]+, the proof's leaf hash/);
          // The leaf hash changed with it: the path no longer leads to the root.
          const forged = structuredClone(edited);
          forged.leaf_hash = bytesToHex((await leafOfEntry(forged.entry, forged.type)).leaf);
          await assert.rejects(verifyInclusionAnswer(forged, vkey), /leads to root/);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('verifier keys', () => {
  test("a key whose base64 holds '+' or '/' parses; a wrong key hash does not", async () => {
    const { parseVerifierKey } = await import(path.join(config.source, 'web', 'js', 'audit-verify.js'));
    const { createHash } = await import('node:crypto');
    const pub = Buffer.alloc(32, 0xfb);  // base64 of 0xfb bytes is full of '+' and '/'
    const hash = createHash('sha256').update(Buffer.concat([Buffer.from('a.example/log\n'), Buffer.of(1), pub])).digest().subarray(0, 4).toString('hex');
    const b64 = Buffer.concat([Buffer.of(1), pub]).toString('base64');
    assert.match(b64, /[+/]/);
    const k = await parseVerifierKey(`a.example/log+${hash}+${b64}`);
    assert.equal(k.name, 'a.example/log');
    assert.deepEqual(Buffer.from(k.pub), pub);
    await assert.rejects(parseVerifierKey(`a.example/log+00000000+${b64}`), /key hash does not match/);
  });
});
