// Checks the audit log's proofs in the browser, trusting nothing the server
// says (docs/AUDIT.md): a checkpoint's Ed25519 signature against the verifier
// key the viewer kept, an inclusion proof's path to the checkpoint's root
// (RFC 9162 2.1.3.2), a consistency proof from a kept checkpoint to a newer
// one (2.1.4.2). WebCrypto only (SHA-256, Ed25519); the same code runs in
// Node's test runner. Every check either returns what it verified or throws
// a ProofError saying what failed.

export class ProofError extends Error {}

const enc = new TextEncoder();

export function hexToBytes(hex, what) {
  if (typeof hex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hex)) throw new ProofError(`${what}: not 32 bytes of hex`);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function fromBase64(text, what) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4) {
    throw new ProofError(`${what}: not base64`);
  }
  const bin = atob(text);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function equal(a, b) {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

export const leafHash = (data) => sha256(concat(Uint8Array.of(0), data));
export const nodeHash = (left, right) => sha256(concat(Uint8Array.of(1), left, right));

// A verifier key "<name>+<hash>+<base64(0x01 || 32-byte Ed25519 key)>".
export async function parseVerifierKey(text) {
  // The name holds no '+' and the hash is hex; the key's base64 may hold '+'.
  const t = String(text || '').trim();
  const a = t.indexOf('+');
  const b = a < 0 ? -1 : t.indexOf('+', a + 1);
  if (a <= 0 || b < 0) throw new ProofError('verifier key: not of the form <name>+<hash>+<key>');
  const name = t.slice(0, a);
  const hash = t.slice(a + 1, b);
  const key = t.slice(b + 1);
  const raw = fromBase64(key, 'verifier key');
  if (raw.length !== 33 || raw[0] !== 1) throw new ProofError('verifier key: not an Ed25519 key');
  const pub = raw.slice(1);
  const keyHash = (await sha256(concat(enc.encode(`${name}\n`), Uint8Array.of(1), pub))).slice(0, 4);
  if (bytesToHex(keyHash) !== hash) throw new ProofError('verifier key: its key hash does not match the key');
  return { name, keyHash, pub, text: String(text).trim() };
}

// A C2SP signed note holding a tlog checkpoint, signed by `vkey`:
// resolves to { origin, size, root } or throws.
export async function verifyCheckpoint(note, vkey) {
  if (typeof note !== 'string' || !note.endsWith('\n')) throw new ProofError('checkpoint: does not end in a line break');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new ProofError('checkpoint: no signature block');
  const body = note.slice(0, split + 1);
  const key = await crypto.subtle.importKey('raw', vkey.pub, { name: 'Ed25519' }, false, ['verify']);
  let verified = false;
  for (const line of note.slice(split + 2, -1).split('\n')) {
    if (!line.startsWith('\u2014 ')) throw new ProofError('checkpoint: a signature line does not start with an em dash');
    const fields = line.slice(2).split(' ');
    if (fields.length !== 2 || fields[0] !== vkey.name) continue;
    const sig = fromBase64(fields[1], 'checkpoint signature');
    if (sig.length !== 68 || !equal(sig.slice(0, 4), vkey.keyHash)) continue;
    if (!(await crypto.subtle.verify({ name: 'Ed25519' }, key, sig.slice(4), enc.encode(body)))) {
      throw new ProofError(`checkpoint: the signature by ${vkey.name} does not verify (changed or forged)`);
    }
    verified = true;
  }
  if (!verified) throw new ProofError(`checkpoint: not signed by the key ${vkey.name}`);
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3 || !/^\d+$/.test(lines[1])) throw new ProofError('checkpoint: not origin, tree size and root hash');
  const root = fromBase64(lines[2], 'checkpoint root');
  if (root.length !== 32) throw new ProofError('checkpoint: root hash is not 32 bytes');
  return { origin: lines[0], size: Number(lines[1]), root };
}

// RFC 9162 2.1.3.2: the root an inclusion path leads to.
export async function rootFromInclusion(leaf, index, size, path) {
  if (!(index < size)) throw new ProofError(`inclusion proof: index ${index} is not below tree size ${size}`);
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r = leaf;
  for (const p of path) {
    if (sn === 0n) throw new ProofError('inclusion proof: longer than the tree needs');
    if ((fn & 1n) || fn === sn) {
      r = await nodeHash(p, r);
      if (!(fn & 1n)) {
        while (!(fn & 1n) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw new ProofError('inclusion proof: shorter than the tree needs');
  return r;
}

// RFC 9162 2.1.4.2: the tree of m leaves with oldRoot is a prefix of the
// tree of n leaves with newRoot.
export async function checkConsistency(m, n, oldRoot, newRoot, proof) {
  if (m > n) throw new ProofError('consistency proof: the old tree is larger than the new one');
  if (m === n) {
    if (proof.length || !equal(oldRoot, newRoot)) throw new ProofError('consistency proof: same size, different roots (a fork)');
    return;
  }
  if (m === 0) return;
  if (!proof.length) throw new ProofError('consistency proof: empty');
  const path = ((m & (m - 1)) === 0 ? [oldRoot] : []).concat(proof);
  let fn = BigInt(m - 1);
  let sn = BigInt(n - 1);
  while (fn & 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) throw new ProofError('consistency proof: longer than needed');
    if ((fn & 1n) || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if (!(fn & 1n)) {
        while (!(fn & 1n) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw new ProofError('consistency proof: shorter than needed');
  if (!equal(fr, oldRoot)) throw new ProofError('consistency proof: the kept checkpoint is not a prefix of the log (history rewritten)');
  if (!equal(sr, newRoot)) throw new ProofError("consistency proof: does not lead to the new checkpoint's root");
}

const LEAF_V2_TAG = 'evenhand.audit.leaf/v2';
const COMMIT_TAG = 'evenhand.audit.commit/v2';

function noBreaks(fields) {
  if (fields.some((f) => /[\r\n]/.test(f))) throw new ProofError('entry: a field holds a line break');
  return fields.join('\n');
}

// A v2 leaf's salted commitment (docs/AUDIT.md, "Formats").
async function commitOf(kind, salt, value) {
  if (typeof salt !== 'string' || typeof value !== 'string') throw new ProofError(`entry: the ${kind} or its salt is not text`);
  return bytesToHex(await sha256(enc.encode(`${COMMIT_TAG}\n${kind}\n${salt}\n${value}`)));
}

// The leaf data an entry commits to, and the fields shown that it does not
// bind. v1 (every field in the clear): null when a field is withheld. v2
// (salted commitments): a commitment is recomputed from the field and its
// salt when both are shown, else the commitment shown is used (the field is
// then withheld, or shown but not bound).
export async function leafOfEntry(entry, type = 'evenhand.inclusion/v1') {
  if (!entry) return null;
  if (type === 'evenhand.inclusion/v2') {
    const commits = {};
    const unbound = [];
    for (const [kind, field] of [['actor', 'actor'], ['payload', 'payload'], ['prev', 'prev_hash']]) {
      const salt = entry[`salt_${kind}`];
      const given = entry[`${kind}_commit`];
      if (salt !== undefined && entry[field] !== undefined) {
        const c = await commitOf(kind, salt, entry[field]);
        if (given !== undefined && given !== c) throw new ProofError(`entry ${entry.seq}: its ${field} does not match its commitment`);
        commits[kind] = c;
      } else if (given !== undefined) {
        commits[kind] = bytesToHex(hexToBytes(given, `${kind}_commit`));
        if (entry[field] !== undefined) unbound.push(field);
      } else {
        throw new ProofError(`entry ${entry.seq}: neither its ${field} with salt_${kind} nor ${kind}_commit`);
      }
    }
    const data = noBreaks([LEAF_V2_TAG, String(entry.seq), String(entry.ts), String(entry.action), String(entry.subject),
      commits.actor, commits.payload, commits.prev]);
    return { leaf: await leafHash(enc.encode(data)), unbound };
  }
  const names = ['seq', 'ts', 'actor', 'action', 'subject', 'payload', 'prev_hash'];
  if (names.some((n) => entry[n] === undefined)) return null;
  return { leaf: await leafHash(enc.encode(noBreaks(names.map((n) => String(entry[n]))))), unbound: [] };
}

// An inclusion answer (GET /v1/audit/proof) checked against `vkey`:
// resolves to { checkpoint, entry (the seq), bound (the entry's fields were
// recomputed into the leaf; withheld ones as their commitments), unbound
// (fields shown that the proof does not bind) } or throws.
export async function verifyInclusionAnswer(answer, vkey) {
  const type = answer && answer.type;
  if (type !== 'evenhand.inclusion/v1' && type !== 'evenhand.inclusion/v2') throw new ProofError('not an inclusion proof');
  const checkpoint = await verifyCheckpoint(answer.checkpoint, vkey);
  if (answer.tree_size !== checkpoint.size) throw new ProofError("the proof's tree size is not the checkpoint's");
  const given = hexToBytes(answer.leaf_hash, 'leaf hash');
  if (answer.entry && answer.entry.seq !== answer.leaf_index + 1) {
    throw new ProofError(`entry ${answer.entry.seq} is not leaf ${answer.leaf_index}`);
  }
  // The leaf is recomputed from the entry: the log's word for it is not taken.
  const computed = await leafOfEntry(answer.entry, type);
  if (computed && !equal(computed.leaf, given)) {
    throw new ProofError(`entry ${answer.entry.seq}: its leaf is ${bytesToHex(computed.leaf)}, the proof's leaf hash ` +
        `${bytesToHex(given)} (the entry or the proof was changed)`);
  }
  const path = (answer.proof || []).map((p) => hexToBytes(p, 'proof'));
  const root = await rootFromInclusion(given, answer.leaf_index, answer.tree_size, path);
  if (!equal(root, checkpoint.root)) {
    throw new ProofError(`inclusion proof: leads to root ${bytesToHex(root)}, the checkpoint says ${bytesToHex(checkpoint.root)} ` +
        '(the log was rewritten, or this is not the entry logged)');
  }
  return { checkpoint, entry: answer.leaf_index + 1, bound: Boolean(computed), unbound: computed ? computed.unbound : [] };
}

// A consistency answer (GET /v1/audit/consistency) from the checkpoint
// `kept` (a signed note the viewer held) to the answer's new checkpoint.
export async function verifyConsistencyAnswer(answer, vkey, kept) {
  if (!answer || answer.type !== 'evenhand.consistency/v1') throw new ProofError('not a consistency proof');
  const old = await verifyCheckpoint(kept, vkey);
  const claimedOld = await verifyCheckpoint(answer.old_checkpoint, vkey);
  if (claimedOld.size !== old.size || !equal(claimedOld.root, old.root)) {
    throw new ProofError(`the log's checkpoint of ${old.size} entries is not the one you kept (a fork)`);
  }
  const next = await verifyCheckpoint(answer.new_checkpoint, vkey);
  if (answer.old_size !== old.size || answer.new_size !== next.size) throw new ProofError('consistency proof: sizes do not match the checkpoints');
  const proof = (answer.proof || []).map((p) => hexToBytes(p, 'proof'));
  await checkConsistency(old.size, next.size, old.root, next.root, proof);
  return { from: old, to: next };
}
