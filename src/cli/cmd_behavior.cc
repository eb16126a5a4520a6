// The behaviour verbs (issue 6):
//   evenhand behavior INPUT [--policy P] [--db D] [-o decisions.jsonl]
//                     [--networks N.jsonl] [--signals S.jsonl] [tuning flags]
//     streams the posts through BehaviorDetector, writes the networks and
//     account signals, evaluates the behaviour policy once per account and
//     stores networks (cases of kind "network") and decisions.
//   evenhand behavior INPUT --sort SORTED [--sort-memory MB] [...]
//     first sorts INPUT by instant into SORTED (external merge sort in
//     bounded memory, behavior/external_sort.h); with any output option it
//     then runs on SORTED (evidence lines refer to SORTED), else it stops.
//   evenhand networks --db D --html F [--json]   the network report
//   evenhand evaluate --truth T (--networks N.jsonl | --db D)   precision/recall
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "behavior/detector.h"
#include "model/replace_file.h"
#include "behavior/evaluate.h"
#include "behavior/external_sort.h"
#include "behavior/hash.h"
#include "behavior/network_html.h"
#include "behavior/network_json.h"
#include "behavior/reorder.h"
#include "cli/commands.h"
#include "model/json_write.h"
#include "model/jsonl_reader.h"
#include "model/time.h"
#include "pipeline/progress.h"
#include "policy/loader.h"
#include "store/store.h"

namespace evenhand::cli {

namespace {

using behavior::BehaviorDetector;
using behavior::BehaviorOptions;
using behavior::BehaviorResult;

int Fail(const char* verb, const std::string& msg) {
  std::fprintf(stderr, "evenhand %s: %s\n", verb, msg.c_str());
  return 1;
}

struct BehaviorArgs {
  std::string input, policy, db, out, networks, signals, clusters, accounts;
  std::string scales = "60,600,3600,21600";
  bool fixed_scales = false;
  int64_t max_interval = 48 * 3600;
  int64_t recent_seconds = 6 * 3600, repost_seconds = 3600;
  double interval_quantile = behavior::CoActionOptions{}.learn_quantile;
  int64_t disorder = 600;
  std::string on_disorder = "stop";
  std::string sort;        // --sort: the sorted copy of INPUT
  size_t sort_memory = 256;  // MB
  double min_weight = 2;
  uint32_t min_size = 3, max_edges = 1u << 20, max_single_edges = 1u << 22, max_clusters = 1u << 19;
  double similarity = 0.28, min_association = 0, min_significance = 5, min_network_significance = 20;
  int min_tokens = 5;
  bool no_resolve = false;
  std::string media_dir;  // "" = INPUT's folder
  int media_radius = 31;
  bool media_by_path = false;
  uint64_t max_media_bytes = 64ull << 20;
};

// The decision for one account under the behaviour policy (allow = none).
bool DecideAccount(const Policy& policy, const behavior::AccountSignals& s, const BehaviorResult& r,
                   const Account* account, int64_t now, Decision* d) {
  EvalContext ctx;
  ctx.account = account;
  ctx.now = now;
  ctx.network_size = s.network >= 0 ? s.network_size : 0;
  ctx.coordination_score = s.coordination_score;
  ctx.automation_score = s.automation_score;
  ctx.cluster_size = s.max_cluster_size;
  int rule = policy.Evaluate(ctx);
  if (rule < 0) return false;
  const Rule& ru = policy.rules()[rule];
  if (ru.action == Action::kAllow) return false;
  d->Clear();
  d->item = "account:" + s.id;
  d->account = s.id;
  d->action = ru.action;
  d->scope = ru.scope;
  d->category = ru.category;
  d->rule = ru.id;
  d->policy = policy.id();
  d->reason = ru.reason;
  d->review = ru.review;
  d->ts = now;
  char buf[256];
  if (s.network >= 0) {
    const behavior::Network& n = r.networks[s.network];
    Signal sig;
    sig.detector = "behavior";
    sig.name = "coordinated_network";
    sig.score = std::round(s.coordination_score * 1000) / 1000;
    std::snprintf(buf, sizeof buf, "network #%u: %zu accounts, score %.2f, %llu co-actions, %u linked pairs",
                  n.id, n.accounts.size(), n.score, static_cast<unsigned long long>(n.co_actions), n.links);
    sig.evidence = buf;
    for (const behavior::EvidenceSample& e : n.evidence) {
      if (e.account_a != s.id && e.account_b != s.id) continue;
      std::snprintf(buf, sizeof buf, "; %s with %s, %llds apart (%s / %s)", e.kind.c_str(),
                    (e.account_a == s.id ? e.account_b : e.account_a).c_str(),
                    static_cast<long long>(std::llabs(e.ts_a - e.ts_b)),
                    e.post_a.empty() ? ("line " + std::to_string(e.line_a)).c_str() : e.post_a.c_str(),
                    e.post_b.empty() ? ("line " + std::to_string(e.line_b)).c_str() : e.post_b.c_str());
      sig.evidence += buf;
      break;
    }
    d->signals.push_back(std::move(sig));
  }
  Signal cad;
  cad.detector = "behavior";
  cad.name = "cadence";
  cad.score = std::round(s.automation_score * 1000) / 1000;
  std::snprintf(buf, sizeof buf, "%u posts, %.2f/hour, burstiness %.2f, regularity %.2f, largest near-duplicate cluster %u",
                s.posts, s.rate_per_hour, s.burstiness, s.regularity, s.max_cluster_size);
  cad.evidence = buf;
  d->signals.push_back(std::move(cad));
  return true;
}

int RunBehavior(const BehaviorArgs& args) {
  BehaviorArgs a = args;
  if (!a.sort.empty()) {
    if (a.sort == a.input) return Fail("behavior", "--sort: write the sorted copy to another file than INPUT");
    behavior::SortOptions so;
    so.memory_bytes = std::max<size_t>(1, a.sort_memory) << 20;
    behavior::SortStats ss;
    auto t0 = std::chrono::steady_clock::now();
    Status st = behavior::SortPostsFile(a.input, a.sort, so, &ss);
    if (!st.ok()) return Fail("behavior", "--sort: " + st.message());
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr,
                 "behavior --sort: %llu lines (%llu posts, %llu of them earlier than a post before them) sorted by "
                 "instant into %s in %.1f s; %llu runs of at most %zu MB, %d merge passes\n",
                 static_cast<unsigned long long>(ss.lines), static_cast<unsigned long long>(ss.posts),
                 static_cast<unsigned long long>(ss.reordered), a.sort.c_str(), secs,
                 static_cast<unsigned long long>(ss.runs), a.sort_memory, ss.merge_passes);
    if (a.out.empty() && a.networks.empty() && a.signals.empty() && a.clusters.empty() && a.db.empty()) return 0;
    a.input = a.sort;
  }
  std::shared_ptr<const Policy> policy;
  if (!a.policy.empty()) {
    auto p = PolicyLoader::Load(a.policy);
    if (!p.ok()) return Fail("behavior", p.status().message());
    policy = std::move(p).value();
  }
  auto reader = JsonlReader::Open(a.input);
  if (!reader.ok()) return Fail("behavior", reader.status().message());
  (*reader)->set_keep_logins(false);  // behaviour reads posts only
  if (!a.accounts.empty()) {
    Status st = (*reader)->LoadAccounts(a.accounts);
    if (!st.ok()) return Fail("behavior", st.message());
  }
  BehaviorOptions opt;
  {
    std::stringstream ss(a.scales);
    std::string part;
    int k = 0;
    int64_t prev = 0;
    while (std::getline(ss, part, ',')) {
      int64_t v = std::atoll(part.c_str());
      if (k >= behavior::kLadder || v <= prev)
        return Fail("behavior", "--scales: give " + std::to_string(behavior::kLadder) + " increasing numbers of seconds");
      opt.coaction.scales[k++] = prev = v;
    }
    if (k != behavior::kLadder)
      return Fail("behavior", "--scales: give " + std::to_string(behavior::kLadder) + " increasing numbers of seconds");
    opt.coaction.prune_age = std::max<int64_t>(opt.coaction.prune_age, 2 * prev);
  }
  opt.coaction.learn_interval = !a.fixed_scales;
  if (a.max_interval < opt.coaction.scales[behavior::kLadder - 1])
    return Fail("behavior", "--max-interval: at least the largest of --scales (" +
                                std::to_string(opt.coaction.scales[behavior::kLadder - 1]) + " s)");
  opt.coaction.max_interval = a.max_interval;
  if (a.recent_seconds < 0) return Fail("behavior", "--recent-seconds: 0 or more seconds");
  if (a.repost_seconds < 0) return Fail("behavior", "--repost-seconds: 0 or more seconds");
  opt.coaction.recent_seconds = a.recent_seconds;
  opt.coaction.repost_seconds = a.repost_seconds;
  if (!(a.interval_quantile > 0 && a.interval_quantile <= 1))
    return Fail("behavior", "--interval-quantile: a fraction in (0, 1]");
  opt.coaction.learn_quantile = a.interval_quantile;
  opt.coaction.max_edges = a.max_edges;
  opt.coaction.max_single_edges = a.max_single_edges;
  opt.near_dup.capacity = a.max_clusters;
  opt.near_dup.min_similarity = a.similarity;
  opt.min_edge_weight = a.min_weight;
  opt.min_network_size = a.min_size;
  opt.min_association = a.min_association;
  opt.min_significance = a.min_significance;
  opt.min_network_significance = a.min_network_significance;
  opt.min_tokens = a.min_tokens;
  opt.media_by_pdq = !a.media_by_path;
  opt.media.dir = !a.media_dir.empty() ? a.media_dir
                  : a.input != "-"     ? std::filesystem::path(a.input).parent_path().string()
                                       : std::string();
  opt.media.radius = a.media_radius;
  opt.media.max_file_bytes = a.max_media_bytes;
  auto detector = std::make_unique<BehaviorDetector>(opt);
  Progress progress(StderrIsTty());
  Post post;
  ReadError err;
  auto t0 = std::chrono::steady_clock::now();
  behavior::Resequencer reseq(a.disorder, [&](const Post& p) { detector->Add(p); });
  uint64_t late = 0;
  for (;;) {
    JsonlReader::Next next = (*reader)->NextPost(&post, &err);
    if (next == JsonlReader::Next::kEof) break;
    if (next == JsonlReader::Next::kError) {
      progress.Finish();
      return Fail("behavior", err.ToString());
    }
    int64_t line = post.line;
    if (reseq.Add(&post) == behavior::Resequencer::Push::kLate) {
      if (a.on_disorder == "stop") {
        progress.Finish();
        return Fail("behavior", a.input + ":" + std::to_string(post.line) + ": field \"ts\": " +
                                    FormatTimestamp(post.ts) + " is more than the disorder bound (" +
                                    std::to_string(a.disorder) + " s) before line " +
                                    std::to_string(reseq.newest_line()) + " (" + FormatTimestamp(reseq.newest()) +
                                    "); raise --disorder or use --on-disorder skip|sort");
      }
      ++late;
      if (a.on_disorder == "sort") detector->Add(post);  // sorted in by instant: co-actions compare instants within the largest scale
    }
    if ((line & 1023) == 0) progress.Update(line, (*reader)->bytes_read(), (*reader)->total_bytes());
  }
  reseq.Flush();
  progress.Finish();
  BehaviorResult r = detector->Finish();
  detector.reset();
  if (!a.no_resolve && a.input != "-") {
    Status st = BehaviorDetector::Resolve(a.input, &r);
    if (!st.ok()) return Fail("behavior", st.message());
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::string net_text, sig_text, dec_text;
  for (const behavior::Network& n : r.networks) net_text += behavior::NetworkToJson(n).dump() + "\n";
  std::vector<Decision> decisions;
  for (const behavior::AccountSignals& s : r.accounts) {
    if (s.network >= 0 || s.automation_score >= 0.5) sig_text += behavior::AccountSignalsToJson(s, r).dump() + "\n";
    if (!policy) continue;
    const Account* acc = nullptr;
    if (auto it = (*reader)->accounts().find(s.id); it != (*reader)->accounts().end()) acc = it->second.get();
    Decision d;
    if (DecideAccount(*policy, s, r, acc, 0, &d)) {
      AppendDecisionJson(&dec_text, d);
      decisions.push_back(std::move(d));
    }
  }
  if (!a.networks.empty()) {
    Status st = WriteFileReplacing(a.networks, net_text);
    if (!st.ok()) return Fail("behavior", st.message());
  }
  if (!a.clusters.empty()) {
    std::string text;
    for (const behavior::ClusterReport& c : r.clusters) text += behavior::ClusterToJson(c).dump() + "\n";
    Status st = WriteFileReplacing(a.clusters, text);
    if (!st.ok()) return Fail("behavior", st.message());
  }
  if (!a.signals.empty()) {
    Status st = WriteFileReplacing(a.signals, sig_text);
    if (!st.ok()) return Fail("behavior", st.message());
  }
  if (!a.out.empty()) {
    Status st = a.out == "-" ? (std::fputs(dec_text.c_str(), stdout), Status::Ok()) : WriteFileReplacing(a.out, dec_text);
    if (!st.ok()) return Fail("behavior", st.message());
  }
  uint64_t stored_networks = 0, stored_decisions = 0;
  if (!a.db.empty()) {
    auto store = OpenStore(a.db);
    if (!store.ok()) return Fail("behavior", store.status().message());
    Store& s = **store;
    Status st = s.Begin();
    for (size_t i = 0; st.ok() && i < r.networks.size(); ++i) {
      const behavior::Network& n = r.networks[i];
      std::string joined;
      for (const std::string& acc : n.accounts) joined += acc + "\n";
      char ref[32];
      std::snprintf(ref, sizeof ref, "%016llx", static_cast<unsigned long long>(behavior::HashBytes(joined)));
      CaseRecord c;
      c.id = std::string("net-") + ref;
      c.kind = "network";
      c.issuer = "behavior";
      c.reference = ref;
      c.state = "in_review";
      c.received = n.first_ts;
      c.body = behavior::NetworkToJson(n).dump();
      bool inserted = false;
      CaseRecord existing;
      nlohmann::ordered_json payload;
      payload["network"] = n.id;
      payload["accounts"] = n.accounts.size();
      payload["score"] = std::round(n.score * 1000) / 1000;
      st = s.InsertCase(c, "behavior", "network.detected", payload.dump(), &inserted, &existing);
      stored_networks += inserted;
    }
    for (size_t i = 0; st.ok() && i < decisions.size(); ++i) {
      bool inserted = false;
      st = s.PutDecision(decisions[i], "behavior", &inserted);
      stored_decisions += inserted;
    }
    if (st.ok()) st = s.Commit();
    if (!st.ok()) {
      s.Rollback();
      return Fail("behavior", st.message());
    }
  }
  uint64_t flagged = 0;
  for (const auto& n : r.networks) flagged += n.accounts.size();
  std::fprintf(stderr,
               "behavior: %llu posts, %zu accounts in %.1f s (%.0f posts/s); %llu near-duplicate clusters, %llu "
               "co-action pairs (%llu pruned, %llu of them seen more than once; %llu dropped); %zu networks with %llu accounts; %zu account decisions; %llu posts beyond "
               "the disorder bound (%s), at most %zu held for re-sequencing; coordination interval %llds (learned from "
               "%llu co-ordinated share delays)",
               static_cast<unsigned long long>(r.posts), r.accounts.size(), secs, r.posts / std::max(secs, 1e-9),
               static_cast<unsigned long long>(r.clusters_created), static_cast<unsigned long long>(r.edges),
               static_cast<unsigned long long>(r.edges_pruned), static_cast<unsigned long long>(r.repeat_edges_pruned),
               static_cast<unsigned long long>(r.edges_dropped), r.networks.size(),
               static_cast<unsigned long long>(flagged), decisions.size(), static_cast<unsigned long long>(late),
               a.on_disorder.c_str(), reseq.max_held(), static_cast<long long>(r.coordination_interval),
               static_cast<unsigned long long>(r.interval_pairs));
  if (r.media_hashed + r.media_unreadable + r.media_low_quality > 0)
    std::fprintf(stderr, "; media: %llu pictures PDQ-hashed (%llu matched an earlier one), %llu keyed by path (%llu not "
                 "readable as images, %llu of low quality)",
                 static_cast<unsigned long long>(r.media_hashed), static_cast<unsigned long long>(r.media_matched),
                 static_cast<unsigned long long>(r.media_unreadable + r.media_low_quality),
                 static_cast<unsigned long long>(r.media_unreadable), static_cast<unsigned long long>(r.media_low_quality));
  if (!a.db.empty())
    std::fprintf(stderr, " (stored: %llu new networks, %llu new decisions)", static_cast<unsigned long long>(stored_networks),
                 static_cast<unsigned long long>(stored_decisions));
  std::fprintf(stderr, "\n");
  return 0;
}

Result<std::vector<behavior::Network>> LoadNetworksFromDb(const std::string& db) {
  auto store = OpenStore(db, OpenMode::kMustExist);
  if (!store.ok()) return store.status();
  CaseFilter f;
  f.kind = "network";
  auto cases = (*store)->ListCases(f);
  if (!cases.ok()) return cases.status();
  std::vector<behavior::Network> out;
  for (const CaseRecord& c : *cases) {
    nlohmann::json j = nlohmann::json::parse(c.body, nullptr, false);
    auto n = behavior::NetworkFromJson(j);
    if (!n.ok()) return Status::Corrupt(db + ": case " + c.id + ": " + n.status().message());
    out.push_back(std::move(n).value());
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.score > y.score; });
  return out;
}

Result<std::vector<behavior::Network>> LoadNetworksFromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Io(path + ": cannot open");
  std::vector<behavior::Network> out;
  std::string line;
  int64_t no = 0;
  while (std::getline(in, line)) {
    ++no;
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) return Status::Invalid(path + ":" + std::to_string(no) + ": invalid JSON");
    auto n = behavior::NetworkFromJson(j);
    if (!n.ok()) return Status::Invalid(path + ":" + std::to_string(no) + ": " + n.status().message());
    out.push_back(std::move(n).value());
  }
  return out;
}

}  // namespace

void AddBehaviorCommands(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<BehaviorArgs>();
  auto* cmd = app.add_subcommand(
      "behavior",
      "Find near-duplicate floods, coordinated account networks and automated cadence in a JSONL stream "
      "(behaviour only, never viewpoint); networks go to human review");
  cmd->add_option("INPUT", a->input, "JSON Lines posts and accounts (time-ordered; \"-\" = stdin)")->required();
  cmd->add_option("--policy", a->policy, "Behaviour policy evaluated once per account (e.g. policies/behavior.yaml)");
  cmd->add_option("--db", a->db, "Store URL: networks become cases of kind \"network\", decisions are stored");
  cmd->add_option("-o,--output", a->out, "Account decisions as JSON Lines (\"-\" = stdout)");
  cmd->add_option("--networks", a->networks, "Write the networks as JSON Lines");
  cmd->add_option("--signals", a->signals, "Write account signals (networked or automated accounts) as JSON Lines");
  cmd->add_option("--clusters", a->clusters,
                  "Write the largest near-duplicate clusters (size, accounts, time span, first post) as JSON Lines");
  cmd->add_option("--accounts", a->accounts, "Accounts JSONL read before INPUT");
  cmd->add_option("--disorder", a->disorder, "Posts out of time order by up to this many seconds are re-sequenced")
      ->capture_default_str();
  cmd->add_option("--on-disorder", a->on_disorder,
                  "Posts later than --disorder: stop (error naming the line), skip, or sort (sorted in by their instant: co-actions within the largest scale still count)")
      ->check(CLI::IsMember({"stop", "skip", "sort"}))
      ->capture_default_str();
  cmd->add_option("--sort", a->sort,
                  "Sort INPUT by instant (offsets compared as instants; accounts first) into this file, in bounded "
                  "memory, then run on it if an output is asked for");
  cmd->add_option("--sort-memory", a->sort_memory, "MB of lines --sort holds at once (runs go to disk beside the output)")
      ->capture_default_str();
  cmd->add_option("--scales", a->scales, "Co-action time scales in seconds (4, increasing; the fixed ladder)")->capture_default_str();
  cmd->add_flag("--fixed-scales", a->fixed_scales, "Do not learn a coordination interval beyond the ladder");
  cmd->add_option("--max-interval", a->max_interval, "Largest learned coordination interval in seconds")->capture_default_str();
  cmd->add_option("--recent-seconds", a->recent_seconds,
                  "An item's action count decays over this many seconds (its sample favours recent actions; 0: all alike)")
      ->capture_default_str();
  cmd->add_option("--repost-seconds", a->repost_seconds,
                  "An account acting again on an item within this many seconds of its sampled action links nobody "
                  "through it (0: every action links)")
      ->capture_default_str();
  cmd->add_option("--interval-quantile", a->interval_quantile,
                  "The learned interval covers this share of co-ordinated share delays")->capture_default_str();
  cmd->add_option("--min-weight", a->min_weight, "Co-actions before two accounts count as linked")->capture_default_str();
  cmd->add_option("--min-association", a->min_association,
                  "Share of both accounts' co-actions a linked pair must make up (weight / sqrt(deg_a * deg_b))")
      ->capture_default_str();
  cmd->add_option("--min-significance", a->min_significance,
                  "-log10 of the chance probability of a linked pair's co-actions (Poisson, mean d_a * d_b / 2T at its scale)")
      ->capture_default_str();
  cmd->add_option("--min-network-significance", a->min_network_significance,
                  "How many times more often than chance a network's linked pairs must co-act together")
      ->capture_default_str();
  cmd->add_option("--min-size", a->min_size, "Smallest network reported (accounts)")->capture_default_str();
  cmd->add_option("--similarity", a->similarity, "MinHash similarity for near-duplicates (0..1)")->capture_default_str();
  cmd->add_option("--min-tokens", a->min_tokens, "Shorter texts are not clustered")->capture_default_str();
  cmd->add_option("--max-edges", a->max_edges, "Co-action pairs seen more than once: table size (memory bound, 136 B each)")
      ->capture_default_str();
  cmd->add_option("--max-single-edges", a->max_single_edges,
                  "Co-action pairs seen once: table size (memory bound, 32 B each; pruned when 3/4 full)")
      ->capture_default_str();
  cmd->add_option("--max-clusters", a->max_clusters, "Live near-duplicate clusters (memory bound, ~330 B each)")
      ->capture_default_str();
  cmd->add_flag("--no-resolve", a->no_resolve, "Do not re-read INPUT to resolve evidence post ids and time lines");
  cmd->add_option("--media-dir", a->media_dir,
                  "Folder that relative media paths resolve in (default: INPUT's folder); pictures are PDQ-hashed and "
                  "near-duplicates are one item");
  cmd->add_option("--media-radius", a->media_radius, "PDQ distance (bits) within which two pictures are one item")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  cmd->add_option("--max-media-bytes", a->max_media_bytes, "Larger media files are not read (keyed by path)")
      ->capture_default_str();
  cmd->add_flag("--media-by-path", a->media_by_path, "Key media by path only (read no picture)");
  cmd->callback([a, exit_code] { *exit_code = RunBehavior(*a); });

  struct NetArgs {
    std::string db, html, file;
    bool json = false;
  };
  auto n = std::make_shared<NetArgs>();
  auto* net = app.add_subcommand("networks", "Report the coordinated networks found by `evenhand behavior`");
  net->add_option("--db", n->db, "Store written by `evenhand behavior --db`");
  net->add_option("--from", n->file, "Or read a --networks JSONL file");
  net->add_option("--html", n->html, "Write the HTML report here");
  net->add_flag("--json", n->json, "Print the networks as JSON Lines");
  net->callback([n, exit_code] {
    if (n->db.empty() == n->file.empty()) {
      *exit_code = Fail("networks", "give exactly one of --db or --from");
      return;
    }
    auto nets = n->db.empty() ? LoadNetworksFromFile(n->file) : LoadNetworksFromDb(n->db);
    if (!nets.ok()) {
      *exit_code = Fail("networks", nets.status().message());
      return;
    }
    if (!n->html.empty()) {
      Status st = WriteFileReplacing(n->html, behavior::RenderNetworksHtml(*nets, "evenhand: coordinated networks"));
      if (!st.ok()) {
        *exit_code = Fail("networks", st.message());
        return;
      }
    }
    if (n->json) {
      for (const auto& x : *nets) std::printf("%s\n", behavior::NetworkToJson(x).dump().c_str());
    } else {
      std::printf("%-8s %8s %6s %10s  %-20s %-20s\n", "network", "accounts", "score", "co-actions", "first", "last");
      for (const auto& x : *nets)
        std::printf("#%-7u %8zu %6.2f %10llu  %-20s %-20s\n", x.id, x.accounts.size(), x.score,
                    static_cast<unsigned long long>(x.co_actions), FormatTimestamp(x.first_ts).c_str(),
                    FormatTimestamp(x.last_ts).c_str());
    }
    *exit_code = 0;
  });

  struct EvalArgs {
    std::string truth, networks, db;
    double min_precision = 0, min_recall = 0;
  };
  auto e = std::make_shared<EvalArgs>();
  auto* ev = app.add_subcommand("evaluate", "Account-level precision and recall of detected networks against ground truth");
  ev->add_option("--truth", e->truth, "Ground truth JSON written by the generator (tools/behavior_gen)")->required();
  ev->add_option("--networks", e->networks, "Networks JSONL written by `evenhand behavior --networks`");
  ev->add_option("--db", e->db, "Or the store written by `evenhand behavior --db`");
  ev->add_option("--min-precision", e->min_precision, "Exit 1 when precision is below this");
  ev->add_option("--min-recall", e->min_recall, "Exit 1 when recall is below this");
  ev->callback([e, exit_code] {
    if (e->db.empty() == e->networks.empty()) {
      *exit_code = Fail("evaluate", "give exactly one of --networks or --db");
      return;
    }
    std::ifstream in(e->truth);
    if (!in) {
      *exit_code = Fail("evaluate", e->truth + ": cannot open");
      return;
    }
    nlohmann::json truth = nlohmann::json::parse(in, nullptr, false);
    if (truth.is_discarded()) {
      *exit_code = Fail("evaluate", e->truth + ": invalid JSON");
      return;
    }
    auto nets = e->db.empty() ? LoadNetworksFromFile(e->networks) : LoadNetworksFromDb(e->db);
    if (!nets.ok()) {
      *exit_code = Fail("evaluate", nets.status().message());
      return;
    }
    std::vector<std::vector<std::string>> detected;
    for (const auto& x : *nets) detected.push_back(x.accounts);
    auto r = behavior::Evaluate(truth, detected);
    if (!r.ok()) {
      *exit_code = Fail("evaluate", e->truth + ": " + r.status().message());
      return;
    }
    std::printf("%s\n", r->ToJson().dump(2).c_str());
    *exit_code = (r->precision < e->min_precision || r->recall < e->min_recall) ? 1 : 0;
  });
}

}  // namespace evenhand::cli
