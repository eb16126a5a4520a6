// evenhand_behavior_gen: a seeded generator of synthetic posts for the
// behaviour detectors (issue 6), with ground truth.
//
//   evenhand_behavior_gen --seed 1 --posts 1000000 --networks 100
//                         --out posts.jsonl --truth truth.json
//
// Organic traffic: accounts with heavy-tailed activity posting random
// sentences over an invented vocabulary (no real-world text, no topics, no
// viewpoints), some with links and pictures; a few organic "news bots" post
// unique texts on a fixed schedule (automated cadence, not coordination).
// Look-alikes: headlines with a link that many unrelated accounts share at
// different times (hours apart), sometimes with a comment -- organic
// popularity that must not be flagged.
// Planted campaigns (--networks): groups of 5..40 accounts that, in bursts,
// post within seconds of each other (timing jitter up to 50 s): copy-paste
// floods, paraphrases with small edits, URL-sharing rings and image reposts;
// members also post organic traffic and skip some bursts.
// Output is sorted by time. The same seed gives the same bytes.
// Ground truth: {"seed","posts","networks":[{"id","kind","accounts"}],
// "lookalike_accounts":[...],"bot_accounts":[...]}.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "behavior_gen_adv.h"

namespace {

struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9e3779b97f4a7c15ULL + 0x1234567ULL) {}
  uint64_t Next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return (Next() >> 11) * (1.0 / 9007199254740992.0); }
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }
  double Exp(double mean) { return -mean * std::log(1.0 - Uniform()); }
};

uint64_t Mix(uint64_t a, uint64_t b) {
  Rng r(a * 0x100000001b3ULL ^ b);
  return r.Next();
}

enum Type : uint8_t { kOrganic, kBot, kHeadline, kCopy, kParaphrase, kUrlRing, kImage };
const char* kKindNames[] = {"", "", "", "copy_paste", "paraphrase", "url_ring", "image_repost"};

struct Ev {
  int64_t ts;
  uint32_t account;
  uint8_t type;
  uint32_t a, b;  // campaign / headline id, burst id
  uint64_t seed;
};

std::vector<std::string> MakeVocabulary(uint64_t seed, int n) {
  static const char* syl[] = {"ka", "lo", "mi", "ru", "sen", "ta", "vo", "pel", "dri", "an", "zu", "ko", "ne",
                              "sa", "mor", "li", "ga", "tes", "bi", "fo", "qua", "re", "nu", "hal", "wy", "de"};
  Rng r(seed ^ 0xabcdef);
  std::vector<std::string> v;
  for (int i = 0; i < n; ++i) {
    std::string w;
    int k = 1 + static_cast<int>(r.Below(3));
    for (int j = 0; j < k; ++j) w += syl[r.Below(26)];
    v.push_back(w);
  }
  return v;
}

struct Gen {
  std::vector<std::string> vocab;
  // Zipf-like word choice: index = n * u^3.
  const std::string& Word(Rng& r) const {
    double u = r.Uniform();
    return vocab[static_cast<size_t>(vocab.size() * u * u * u)];
  }
  std::string Sentence(Rng& r, int lo, int hi) const {
    int n = lo + static_cast<int>(r.Below(hi - lo + 1));
    std::string s;
    for (int i = 0; i < n; ++i) {
      if (i) s += ' ';
      s += Word(r);
    }
    return s;
  }
};

void Esc(std::string* out, const std::string& s) {
  for (char c : s) {
    if (c == '"' || c == '\\') *out += '\\';
    *out += c;
  }
}

std::string Iso(int64_t t) {
  time_t tt = static_cast<time_t>(t);
  struct tm tm;
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int Usage() {
  std::fprintf(stderr,
               "usage: evenhand_behavior_gen --out POSTS.jsonl --truth TRUTH.json [--seed N] [--posts N] "
               "[--networks N] [--days N] [--headlines N] [--mode classic|adversarial|variant|evasive] "
               "[--disorder SECONDS] [--no-offsets] [--write-images] [--tempo LO:HI]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t seed = 1, posts = 1000000, networks = 100;
  int days = 30;
  int64_t headlines = -1;
  std::string out_path, truth_path, mode = "classic";
  int64_t disorder = 300, gap_lo = 0, gap_hi = 0;
  bool offsets = true, write_images = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--no-offsets") {
      offsets = false;
      continue;
    }
    if (a == "--write-images") {
      write_images = true;
      continue;
    }
    auto val = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--help" || a == "-h") return Usage();
    if (!(v = val())) return Usage();
    if (a == "--seed") seed = std::strtoull(v, nullptr, 10);
    else if (a == "--posts") posts = std::strtoull(v, nullptr, 10);
    else if (a == "--networks") networks = std::strtoull(v, nullptr, 10);
    else if (a == "--days") days = std::atoi(v);
    else if (a == "--headlines") headlines = std::atoll(v);
    else if (a == "--out") out_path = v;
    else if (a == "--truth") truth_path = v;
    else if (a == "--mode") mode = v;
    else if (a == "--disorder") disorder = std::atoll(v);
    else if (a == "--tempo") {
      char* end = nullptr;
      gap_lo = std::strtoll(v, &end, 10);
      if (end == nullptr || *end != ':') return Usage();
      gap_hi = std::strtoll(end + 1, &end, 10);
      if (*end != '\0' || gap_lo < 1 || gap_hi < gap_lo) return Usage();
    } else return Usage();
  }
  if (out_path.empty() || truth_path.empty() || days < 1 || disorder < 0) return Usage();
  if (mode == "adversarial" || mode == "variant" || mode == "evasive") {
    evenhand::gen::AdvConfig cfg;
    cfg.seed = seed;
    cfg.posts = posts;
    cfg.networks = networks;
    cfg.days = days;
    cfg.variant = mode == "variant";
    cfg.evasive = mode == "evasive";
    cfg.write_images = write_images;
    cfg.disorder = disorder;
    cfg.gap_lo = gap_lo;
    cfg.gap_hi = gap_hi;
    cfg.offsets = offsets;
    cfg.out_path = out_path;
    cfg.truth_path = truth_path;
    return evenhand::gen::RunAdversarial(cfg);
  }
  if (mode != "classic") return Usage();

  Rng rng(seed);
  Gen gen{MakeVocabulary(seed, 6000)};
  const int64_t t0 = 1788220800;  // 2026-09-01T00:00:00Z
  const int64_t span = int64_t{days} * 86400;
  const uint64_t organic_accounts = std::max<uint64_t>(1000, posts / 25);
  const uint64_t lookalike_pool = std::max<uint64_t>(200, organic_accounts / 10);
  if (headlines < 0) headlines = std::max<int64_t>(50, static_cast<int64_t>(posts / 500));

  // Accounts: organic first, then campaign members; ids are shuffled so
  // nothing in an id tells the truth.
  struct Net {
    uint8_t kind;
    std::vector<uint32_t> members;
    int bursts;
    int jitter;
  };
  std::vector<Net> nets(networks);
  uint32_t n_accounts = static_cast<uint32_t>(organic_accounts);
  for (Net& n : nets) {
    n.kind = static_cast<uint8_t>(kCopy + rng.Below(4));
    int size = 5 + static_cast<int>(rng.Below(36));
    for (int i = 0; i < size; ++i) n.members.push_back(n_accounts++);
    n.bursts = 6 + static_cast<int>(rng.Below(25));
    n.jitter = 5 + static_cast<int>(rng.Below(46));
  }
  std::vector<uint32_t> perm(n_accounts);
  for (uint32_t i = 0; i < n_accounts; ++i) perm[i] = i;
  for (uint32_t i = n_accounts; i > 1; --i) std::swap(perm[i - 1], perm[rng.Below(i)]);
  auto id = [&](uint32_t acc) { return "a" + std::to_string(perm[acc]); };

  static const char* kCountries[] = {"PK", "IN", "BR", "DE", "US", "GB", "TR", "AF", "NG", "ID", "FR", "EG"};
  std::vector<Ev> evs;
  evs.reserve(posts + posts / 20);

  // Campaigns.
  uint64_t campaign_posts = 0;
  for (uint32_t c = 0; c < nets.size(); ++c) {
    const Net& n = nets[c];
    for (int b = 0; b < n.bursts; ++b) {
      int64_t start = t0 + static_cast<int64_t>(rng.Below(span - 120));
      for (uint32_t m : n.members) {
        if (rng.Uniform() < 0.25) continue;  // skips some bursts
        int64_t ts = start + static_cast<int64_t>(rng.Below(n.jitter + 1));
        evs.push_back({ts, m, n.kind, c, static_cast<uint32_t>(b), rng.Next()});
        ++campaign_posts;
      }
    }
    // Mixed organic activity of campaign members.
    for (uint32_t m : n.members) {
      int k = static_cast<int>(rng.Below(30));
      for (int i = 0; i < k; ++i)
        evs.push_back({t0 + static_cast<int64_t>(rng.Below(span)), m, kOrganic, 0, 0, rng.Next()});
    }
  }
  // Look-alikes: headlines shared by unrelated accounts at different times.
  std::vector<uint32_t> lookalikes;
  std::vector<char> is_lookalike(organic_accounts, 0);
  for (uint64_t i = 0; i < lookalike_pool; ++i) {
    uint32_t a = static_cast<uint32_t>(rng.Below(organic_accounts));
    if (!is_lookalike[a]) {
      is_lookalike[a] = 1;
      lookalikes.push_back(a);
    }
  }
  for (int64_t h = 0; h < headlines; ++h) {
    int64_t pub = t0 + static_cast<int64_t>(rng.Below(span));
    int sharers = 10 + static_cast<int>(rng.Exp(60));
    for (int s = 0; s < sharers; ++s) {
      int64_t ts = pub + static_cast<int64_t>(rng.Exp(3 * 3600));
      evs.push_back({ts, lookalikes[rng.Below(lookalikes.size())], kHeadline, static_cast<uint32_t>(h), 0, rng.Next()});
    }
  }
  // Organic news bots: unique texts on a fixed hourly schedule.
  std::vector<uint32_t> bots;
  for (int i = 0; i < 20; ++i) {
    uint32_t a = static_cast<uint32_t>(rng.Below(organic_accounts));
    if (is_lookalike[a]) continue;
    bots.push_back(a);
    int64_t period = 3600 * (1 + static_cast<int64_t>(rng.Below(4)));
    for (int64_t t = t0 + static_cast<int64_t>(rng.Below(period)); t < t0 + span; t += period)
      evs.push_back({t, a, kBot, 0, 0, rng.Next()});
  }
  // Organic traffic fills the rest.
  while (evs.size() < posts) {
    double u = rng.Uniform();
    uint32_t a = static_cast<uint32_t>(organic_accounts * u * u);
    evs.push_back({t0 + static_cast<int64_t>(rng.Below(span)), a, kOrganic, 0, 0, rng.Next()});
  }
  std::sort(evs.begin(), evs.end(), [](const Ev& x, const Ev& y) {
    return x.ts != y.ts ? x.ts < y.ts : x.seed < y.seed;
  });

  std::FILE* out = std::fopen(out_path.c_str(), "wb");
  if (!out) {
    std::perror(out_path.c_str());
    return 1;
  }
  std::string line;
  // Accounts: campaign members are newer and come from fewer countries.
  std::vector<int> home(nets.size());
  for (size_t c = 0; c < nets.size(); ++c) home[c] = static_cast<int>(rng.Below(12));
  std::vector<int> net_of(n_accounts, -1);
  for (size_t c = 0; c < nets.size(); ++c)
    for (uint32_t m : nets[c].members) net_of[m] = static_cast<int>(c);
  for (uint32_t acc = 0; acc < n_accounts; ++acc) {
    Rng r(Mix(seed, acc + 77));
    int64_t created;
    int country;
    if (net_of[acc] >= 0) {
      created = t0 - 86400 * static_cast<int64_t>(r.Below(60));
      country = r.Uniform() < 0.8 ? home[net_of[acc]] : static_cast<int>(r.Below(12));
    } else {
      created = t0 - 86400 * static_cast<int64_t>(r.Below(3000));
      country = static_cast<int>(r.Below(12));
    }
    line = "{\"kind\":\"account\",\"id\":\"" + id(acc) + "\",\"created\":\"" + Iso(created) + "\",\"country\":\"" +
           kCountries[country] + "\"}\n";
    std::fputs(line.c_str(), out);
  }
  uint64_t serial = 0;
  for (const Ev& e : evs) {
    Rng r(e.seed);
    std::string text, media;
    switch (e.type) {
      case kOrganic: {
        text = gen.Sentence(r, 3, 22);
        double u = r.Uniform();
        if (u < 0.08) text += " https://blog" + std::to_string(r.Below(100000)) + ".example/p/" + std::to_string(r.Below(1000));
        else if (u < 0.12) media = "img/u" + std::to_string(r.Next() % 100000000) + ".jpg";
        break;
      }
      case kBot:
        text = "update " + std::to_string(r.Below(1000000)) + " " + gen.Sentence(r, 6, 12);
        break;
      case kHeadline: {
        Rng hr(Mix(seed, 1000000 + e.a));
        std::string head = gen.Sentence(hr, 8, 14);
        std::string url = "https://news" + std::to_string(hr.Below(40)) + ".example/story/" + std::to_string(e.a);
        if (r.Uniform() < 0.5) text = gen.Sentence(r, 1, 4) + " " + head + " " + url;
        else text = head + " " + url;
        break;
      }
      case kCopy: case kParaphrase: {
        Rng tr(Mix(seed, 2000000 + e.a * 1000 + e.b));
        // One message per campaign burst (a few campaigns reuse the same one).
        std::vector<std::string> words;
        int nw = 12 + static_cast<int>(tr.Below(10));
        for (int i = 0; i < nw; ++i) words.push_back(gen.Word(tr));
        if (e.type == kParaphrase) {
          int edits = 1 + static_cast<int>(r.Below(2));
          for (int k = 0; k < edits; ++k) words[r.Below(words.size())] = gen.Word(r);
          if (r.Uniform() < 0.5) words.insert(words.begin(), gen.Word(r));
          if (r.Uniform() < 0.3) words.push_back("!!");
        }
        for (size_t i = 0; i < words.size(); ++i) text += (i ? " " : "") + words[i];
        break;
      }
      case kUrlRing:
        text = gen.Sentence(r, 3, 10) + " https://site" + std::to_string(e.a) + ".example/a/" +
               std::to_string(Mix(seed, e.a * 1000 + e.b) % 1000000);
        break;
      case kImage:
        text = gen.Sentence(r, 1, 6);
        media = "img/c" + std::to_string(Mix(seed, 3000000 + e.a * 1000 + e.b) % 100000000) + ".jpg";
        break;
    }
    line = "{\"kind\":\"post\",\"id\":\"p" + std::to_string(serial++) + "\",\"account\":\"" + id(e.account) +
           "\",\"ts\":\"" + Iso(e.ts) + "\",\"text\":\"";
    Esc(&line, text);
    line += "\"";
    if (!media.empty()) line += ",\"media\":[{\"path\":\"" + media + "\"}]";
    line += ",\"region\":\"" + std::string(kCountries[Mix(e.seed, 5) % 12]) + "\"}\n";
    std::fputs(line.c_str(), out);
  }
  if (std::fclose(out) != 0) {
    std::perror(out_path.c_str());
    return 1;
  }

  std::FILE* t = std::fopen(truth_path.c_str(), "wb");
  if (!t) {
    std::perror(truth_path.c_str());
    return 1;
  }
  auto list = [&](const std::vector<uint32_t>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ",\"" : "\"") + id(v[i]) + "\"";
    return s + "]";
  };
  std::fprintf(t, "{\"seed\":%llu,\"posts\":%zu,\"campaign_posts\":%llu,\"networks\":[\n",
               static_cast<unsigned long long>(seed), evs.size(), static_cast<unsigned long long>(campaign_posts));
  for (size_t c = 0; c < nets.size(); ++c)
    std::fprintf(t, "%s{\"id\":%zu,\"kind\":\"%s\",\"jitter_seconds\":%d,\"bursts\":%d,\"accounts\":%s}\n",
                 c ? "," : "", c, kKindNames[nets[c].kind], nets[c].jitter, nets[c].bursts, list(nets[c].members).c_str());
  std::fprintf(t, "],\"lookalike_accounts\":%s,\"bot_accounts\":%s}\n", list(lookalikes).c_str(), list(bots).c_str());
  std::fclose(t);
  std::fprintf(stderr, "wrote %zu posts (%llu in campaigns), %u accounts, %zu networks\n", evs.size(),
               static_cast<unsigned long long>(campaign_posts), n_accounts, nets.size());
  return 0;
}
