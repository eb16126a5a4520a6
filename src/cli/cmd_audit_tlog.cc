// `evenhand audit keygen|checkpoint|proof`: the audit log's Merkle tree from
// the command line (docs/AUDIT.md). Proofs are JSON on stdout (or -o FILE)
// in the forms store/audit_proof.h describes; tools/verify-proof checks them
// without evenhand.
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/commands.h"
#include "model/time.h"
#include "store/audit_proof.h"
#include "store/store.h"
#include "tlog/checkpoint.h"

namespace evenhand::cli {

namespace {

int Fail(const char* verb, const Status& s) {
  std::fprintf(stderr, "evenhand audit %s: %s\n", verb, s.message().c_str());
  return 1;
}

// "C": a file holding a signed checkpoint, a tree size the log issued one
// for, or "latest".
Result<std::string> CheckpointArg(Store& store, const std::string& spec) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(spec, ec)) {
    std::ifstream in(spec, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) return Status::Io(spec + ": cannot read the checkpoint");
    return text.str();
  }
  Result<std::string> note = FindCheckpoint(store, spec);
  if (!note.ok()) return note.status();
  if (*note == spec)
    return Status::NotFound("checkpoint \"" + spec + "\": not a file, a tree size the log issued a checkpoint for, or \"latest\"");
  return note;
}

Status WriteText(const std::string& out, const std::string& text) {
  if (out.empty() || out == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return Status::Ok();
  }
  std::ofstream f(out, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) return Status::Io(out + ": cannot write");
  return Status::Ok();
}

int Keygen(const std::string& name, const std::string& out) {
  std::error_code ec;
  if (std::filesystem::exists(out, ec))
    return Fail("keygen", Status::Conflict(out + ": exists already; refusing to replace a signing key"));
  Result<tlog::KeyPair> key = tlog::GenerateKey(name);
  if (!key.ok()) return Fail("keygen", key.status());
  // The private key: readable by its owner only, from the moment it exists.
  FILE* f = std::fopen(out.c_str(), "wx");
  if (f == nullptr) return Fail("keygen", Status::Io(out + ": cannot create"));
  ::chmod(out.c_str(), 0600);
  const std::string text = key->private_key + "\n";
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) return Fail("keygen", Status::Io(out + ": cannot write"));
  if (Status s = WriteText(out + ".pub", key->verifier_key + "\n"); !s.ok()) return Fail("keygen", s);
  std::printf("%s\n", key->verifier_key.c_str());
  std::fprintf(stderr, "signing key in %s (keep it secret), verifier key in %s.pub (publish it)\n", out.c_str(),
               out.c_str());
  return 0;
}

int Checkpoint(const std::string& db, const std::string& key_path, bool force) {
  Result<tlog::NoteSigner> signer = tlog::NoteSigner::FromFile(key_path);
  if (!signer.ok()) return Fail("checkpoint", signer.status());
  auto store = OpenStore(db, OpenMode::kMustExist);
  if (!store.ok()) return Fail("checkpoint", store.status());
  Result<StoredCheckpoint> c = IssueCheckpoint(**store, *signer, NowUnixSeconds(), force);
  if (!c.ok()) return Fail("checkpoint", c.status());
  std::fwrite(c->note.data(), 1, c->note.size(), stdout);
  return 0;
}

struct ProofArgs {
  std::string db, checkpoint = "latest", from, to, out;
  int64_t entry = 0;
  bool leaf_only = false;
};

int Proof(const ProofArgs& a) {
  auto store = OpenStore(a.db, OpenMode::kMustExist);
  if (!store.ok()) return Fail("proof", store.status());
  Result<ProofAnswer> answer = Status::Invalid("give --entry N, or --from C1 --to C2");
  if (a.entry > 0 && a.from.empty() && a.to.empty()) {
    Result<std::string> note = CheckpointArg(**store, a.checkpoint);
    if (!note.ok()) return Fail("proof", note.status());
    answer = InclusionProofJson(**store, a.entry, *note, !a.leaf_only);
  } else if (a.entry == 0 && !a.from.empty() && !a.to.empty()) {
    Result<std::string> from = CheckpointArg(**store, a.from);
    if (!from.ok()) return Fail("proof", from.status());
    Result<std::string> to = CheckpointArg(**store, a.to);
    if (!to.ok()) return Fail("proof", to.status());
    answer = ConsistencyProofJson(**store, *from, *to);
  }
  if (!answer.ok()) return Fail("proof", answer.status());
  if (!answer->warning.empty()) std::fprintf(stderr, "evenhand audit proof: warning: %s\n", answer->warning.c_str());
  if (Status s = WriteText(a.out, answer->proof.dump(2) + "\n"); !s.ok()) return Fail("proof", s);
  return 0;
}

}  // namespace

void AddAuditTlogCommands(CLI::App& audit, int* exit_code) {
  struct KeygenArgs {
    std::string name = "evenhand/audit", out;
  };
  auto k = std::make_shared<KeygenArgs>();
  auto* keygen = audit.add_subcommand("keygen", "Make an Ed25519 key to sign the audit log's checkpoints");
  keygen->add_option("--name", k->name, "Key name, also the log's origin line in its checkpoints")->capture_default_str();
  keygen->add_option("--out", k->out, "Private key file to create (0600); the verifier key goes to OUT.pub")->required();
  keygen->callback([k, exit_code] { *exit_code = Keygen(k->name, k->out); });

  struct CheckpointArgs {
    std::string db, key;
    bool force = false;
  };
  auto c = std::make_shared<CheckpointArgs>();
  auto* cp = audit.add_subcommand("checkpoint", "Sign, store and print a checkpoint of the audit tree as it is now");
  cp->add_option("--db", c->db, "Store URL")->required();
  cp->add_option("--key", c->key, "Signing key file (`audit keygen`)")->required();
  cp->add_flag("--force", c->force, "Sign a new one even if the newest stored one has the same tree size");
  cp->callback([c, exit_code] { *exit_code = Checkpoint(c->db, c->key, c->force); });

  auto p = std::make_shared<ProofArgs>();
  auto* proof = audit.add_subcommand(
      "proof", "Inclusion proof of an entry (--entry N [--checkpoint C]) or consistency proof (--from C1 --to C2)");
  proof->add_option("--db", p->db, "Store URL")->required();
  proof->add_option("--entry", p->entry, "Audit entry (seq, from 1) to prove included");
  proof->add_option("--checkpoint", p->checkpoint,
                    "Checkpoint to prove against: a file holding it, a tree size the log issued one for, or latest")
      ->capture_default_str();
  proof->add_option("--from", p->from, "Older checkpoint (file, tree size or latest)");
  proof->add_option("--to", p->to, "Newer checkpoint (file, tree size or latest)");
  proof->add_flag("--leaf-only", p->leaf_only, "Give the entry's leaf hash only, not the entry");
  proof->add_option("-o,--out", p->out, "Write the proof here instead of stdout");
  proof->callback([p, exit_code] { *exit_code = Proof(*p); });
}

}  // namespace evenhand::cli
