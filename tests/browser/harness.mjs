// Test harness of the browser tests: runs the real `evenhand` binary (CLI
// verbs and `evenhand serve` on a free loopback port with a temporary SQLite
// store), talks to its /v1 API, and launches Debian's Chromium headless
// through playwright-core.
//
// Configuration (scripts/browser-test.sh sets it):
//   EVENHAND_BIN     the evenhand binary            (default <repo>/build/bin/evenhand)
//   EVENHAND_SOURCE  the source tree (examples/)     (default <repo>)
//   ARTIFACTS        where screenshots go            (default <repo>/build/browser-artifacts)
//   CHROMIUM         the browser                      (default /usr/bin/chromium)

import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');

export const config = {
  bin: process.env.EVENHAND_BIN || path.join(repo, 'build', 'bin', 'evenhand'),
  source: process.env.EVENHAND_SOURCE || repo,
  artifacts: process.env.ARTIFACTS || path.join(repo, 'build', 'browser-artifacts'),
  chromium: process.env.CHROMIUM || '/usr/bin/chromium',
};

const execFileP = promisify(execFile);

// Runs `evenhand ARGS...`; resolves to stdout, rejects with stderr in the message.
export async function evenhand(...args) {
  try {
    const { stdout } = await execFileP(config.bin, args, { timeout: 20000, maxBuffer: 16 << 20 });
    return stdout;
  } catch (e) {
    throw new Error(`evenhand ${args.join(' ')} failed: ${e.stderr || e.message}`);
  }
}

// A fresh directory for one test run's store; removed by cleanup().
export function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'evenhand-browser-'));
}

// `evenhand keys create` prints the key record once, as JSON with the secret in "key".
export async function createKey(db, role, extra = []) {
  const out = await evenhand('keys', 'create', '--db', db, '--role', role, ...extra);
  const m = out.match(/ehk_[0-9a-f]{8}_[A-Za-z0-9_-]+/);
  if (!m) throw new Error(`keys create printed no key: ${out}`);
  let record = {};
  try {
    record = JSON.parse(out.trim().split('\n').pop());
  } catch {
    // the key itself is all the tests need
  }
  return { key: m[0], id: record.id || m[0].slice(4, 12), role };
}

// Starts `evenhand serve` on 127.0.0.1, port 0 (the kernel picks a free one) unless `listen` says,
// and resolves once it prints where it listens and answers /healthz.
export async function startServer({ db, policy, extra = [], listen = '127.0.0.1:0' }) {
  const args = ['serve', '--db', db, '--policy', policy, '--listen', listen,
    '--threads', '2', '--web', path.join(config.source, 'web'),
    '--regimes', path.join(config.source, 'policies', 'regimes'), ...extra];
  const proc = spawn(config.bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // Never leave a server behind, however the test process ends.
  const reap = () => { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL'); };
  process.on('exit', reap);
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => { reap(); process.exit(128 + (sig === 'SIGINT' ? 2 : 15)); });
  let log = '';
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`evenhand serve did not start within 10 s:\n${log}`)), 10000);
    const onData = (chunk) => {
      log += chunk;
      const m = log.match(/listening on (http:\/\/[0-9.]+:\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stderr.on('data', onData);
    proc.stdout.on('data', onData);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`evenhand serve exited (${code}) before listening:\n${log}`));
    });
  });
  proc.removeAllListeners('exit');
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${base}/healthz never answered 200:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    base,
    log: () => log,
    // SIGTERM: the server drains and exits 0 (docs/API.md, "Shutdown").
    async stop() {
      if (proc.exitCode !== null) return { code: proc.exitCode };
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
  };
}

// One /v1 call; resolves to {status, body}.
export async function call(base, key, method, route, body) {
  const headers = { Accept: 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(base + route, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: r.status, body: parsed };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: config.chromium,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--font-render-hinting=none'],
  });
}

export function artifactPath(name) {
  fs.mkdirSync(config.artifacts, { recursive: true });
  return path.join(config.artifacts, name);
}

// RFC 3339 UTC, whole seconds.
export function isoAgo(seconds) {
  return new Date(Date.now() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
