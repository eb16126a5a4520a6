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

// The leaf an entry shown in full commits to (docs/AUDIT.md, "Leaf"), or
// null when the answer withholds fields (then the leaf hash is taken as
// given: the proof binds the leaf, not the fields shown beside it).
export async function leafOfEntry(entry) {
  const names = ['seq', 'ts', 'actor', 'action', 'subject', 'payload', 'prev_hash'];
  if (!entry || names.some((n) => entry[n] === undefined)) return null;
  const fields = names.map((n) => String(entry[n]));
  if (fields.some((f) => /[\r\n]/.test(f))) throw new ProofError('entry: a field holds a line break');
  return leafHash(enc.encode(fields.join('\n')));
}

// An inclusion answer (GET /v1/audit/proof) checked against `vkey`:
// resolves to { checkpoint, entry (the seq), bound (the entry's fields were
// recomputed into the leaf) } or throws.
export async function verifyInclusionAnswer(answer, vkey) {
  if (!answer || answer.type !== 'evenhand.inclusion/v1') throw new ProofError('not an inclusion proof');
  const checkpoint = await verifyCheckpoint(answer.checkpoint, vkey);
  if (answer.tree_size !== checkpoint.size) throw new ProofError("the proof's tree size is not the checkpoint's");
  let leaf = hexToBytes(answer.leaf_hash, 'leaf hash');
  const computed = await leafOfEntry(answer.entry);
  if (computed) {
    if (answer.entry.seq !== answer.leaf_index + 1) {
      throw new ProofError(`entry ${answer.entry.seq} is not leaf ${answer.leaf_index}`);
    }
    leaf = computed;
  }
  const path = (answer.proof || []).map((p) => hexToBytes(p, 'proof'));
  const root = await rootFromInclusion(leaf, answer.leaf_index, answer.tree_size, path);
  if (!equal(root, checkpoint.root)) {
    throw new ProofError(`inclusion proof: leads to root ${bytesToHex(root)}, the checkpoint says ${bytesToHex(checkpoint.root)} ` +
        '(the log was rewritten, or this is not the entry logged)');
  }
  return { checkpoint, entry: answer.leaf_index + 1, bound: Boolean(computed) };
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
