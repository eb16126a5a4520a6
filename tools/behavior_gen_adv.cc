#include "behavior_gen_adv.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "behavior_gen_images.h"

namespace evenhand::gen {

namespace {

struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9e3779b97f4a7c15ULL + 0x7654321ULL) {}
  uint64_t Next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return (Next() >> 11) * (1.0 / 9007199254740992.0); }
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }
  int Range(int lo, int hi) { return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo + 1))); }
  double Exp(double mean) { return -mean * std::log(1.0 - Uniform()); }
  double Normal() {
    double u = std::max(1e-12, Uniform()), v = Uniform();
    return std::sqrt(-2 * std::log(u)) * std::cos(6.283185307179586 * v);
  }
  double LogNormal(double median, double sigma) { return median * std::exp(sigma * Normal()); }
};

uint64_t Mix(uint64_t a, uint64_t b) {
  Rng r(a * 0x100000001b3ULL ^ (b + 0x51ed27ULL));
  return r.Next();
}

enum Class : uint8_t { kFastCopy, kSlow, kLargeBurst, kEdited, kFewWaves, kBlended,  // every mode
                       kHashtagOnly, kImageCopies, kJittered, kSmallBlended,           // evasive only
                       kClasses };
constexpr int kBaseClasses = 6;
const char* kClassNames[] = {"fast_copy", "slow",         "large_burst", "edited",   "few_waves",
                             "blended",   "hashtag_only", "image_copies", "jittered", "small_blended"};

enum Type : uint8_t {
  kOrganic, kBot, kHeadline, kViralUrl, kViralQuote,  // organic
  kCampText, kCampUrl, kCampImage, kCampEdited,        // campaign
  kTagEvent, kViralImage, kCampTag, kCampImageCopy      // evasive only
};

struct Ev {
  int64_t ts, deliver;
  uint32_t account;
  uint8_t type;
  uint32_t a, b;  // viral item id | campaign id, wave
  uint64_t seed;
};

struct Net {
  Class cls;
  std::vector<uint32_t> members;
  int waves = 0;
  int64_t spread = 0;
  Type item = kCampText;
};

std::vector<std::string> Vocabulary(uint64_t seed, bool variant) {
  static const char* a[] = {"ka", "lo", "mi", "ru", "sen", "ta", "vo", "pel", "dri", "an", "zu", "ko", "ne",
                            "sa", "mor", "li", "ga", "tes", "bi", "fo", "qua", "re", "nu", "hal", "wy", "de"};
  static const char* b[] = {"bra", "ost", "em", "ush", "kel", "tir", "om", "va", "pru", "in", "dak", "esh", "ul",
                            "gor", "fi", "ny", "sto", "ar", "ble", "mok", "yu", "ter", "sac", "ix", "hol", "ped"};
  const char** syl = variant ? b : a;
  Rng r(seed ^ (variant ? 0x5eed5eedULL : 0xabcdef12ULL));
  std::vector<std::string> v;
  int n = variant ? 9000 : 6000;
  for (int i = 0; i < n; ++i) {
    std::string w;
    int k = 1 + static_cast<int>(r.Below(variant ? 4 : 3));
    for (int j = 0; j < k; ++j) w += syl[r.Below(26)];
    v.push_back(w);
  }
  return v;
}

struct Words {
  std::vector<std::string> vocab;
  double skew;
  const std::string& Word(Rng& r) const {
    return vocab[static_cast<size_t>(vocab.size() * std::pow(r.Uniform(), skew))];
  }
  std::vector<std::string> List(Rng& r, int lo, int hi) const {
    std::vector<std::string> w;
    int n = r.Range(lo, hi);
    for (int i = 0; i < n; ++i) w.push_back(Word(r));
    return w;
  }
  static std::string Join(const std::vector<std::string>& w) {
    std::string s;
    for (size_t i = 0; i < w.size(); ++i) s += (i ? " " : "") + w[i];
    return s;
  }
  std::string Sentence(Rng& r, int lo, int hi) const { return Join(List(r, lo, hi)); }
};

// Look-alike letters: Latin -> Cyrillic/Greek (adversarial), fullwidth or
// mathematical letters (variant).
std::string LookAlike(const std::string& w, Rng& r, bool variant, double p) {
  std::string out;
  for (char c : w) {
    if (r.Uniform() >= p) {
      out += c;
      continue;
    }
    if (!variant) {
      switch (c) {
        case 'a': out += "\xD0\xB0"; continue;  // U+0430
        case 'e': out += "\xD0\xB5"; continue;  // U+0435
        case 'o': out += "\xD0\xBE"; continue;  // U+043E
        case 'i': out += "\xD1\x96"; continue;  // U+0456
        case 'u': out += "\xCF\x85"; continue;  // U+03C5 (Greek upsilon)
        default: out += c; continue;
      }
    }
    if (c >= 'a' && c <= 'z') {  // fullwidth U+FF41..
      unsigned cp = 0xFF41 + (c - 'a');
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += c;
    }
  }
  return out;
}

// An edited copy of `words`: word replacements and swaps on `rate` of the
// words, then punctuation, casing, emoji and look-alike letters.
std::string Edit(std::vector<std::string> words, double rate, const Words& g, Rng& r, bool variant) {
  static const char* emoji_a[] = {"\xF0\x9F\x94\xA5", "\xF0\x9F\x91\x89", "\xE2\x80\xBC\xEF\xB8\x8F", "\xF0\x9F\x98\xA1"};
  static const char* emoji_b[] = {"\xF0\x9F\x92\xAF", "\xE2\x9C\x85", "\xF0\x9F\x9A\xA8", "\xF0\x9F\x91\x87"};
  static const char* punct_a[] = {",", "!", "...", "?", ":"};
  static const char* punct_b[] = {";", "!!", " -", ".", "?!"};
  size_t n = words.size();
  int edits = std::max(1, static_cast<int>(std::lround(rate * n)));
  for (int k = 0; k < edits; ++k) {
    size_t i = r.Below(n);
    if (r.Uniform() < (variant ? 0.4 : 0.65) || i + 1 >= n) words[i] = g.Word(r);
    else std::swap(words[i], words[i + 1]);
  }
  for (size_t i = 0; i < n; ++i) {
    if (r.Uniform() < (variant ? 0.10 : 0.06)) words[i] += (variant ? punct_b : punct_a)[r.Below(5)];
    double u = r.Uniform();
    if (u < (variant ? 0.05 : 0.08)) {
      for (char& c : words[i])
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    } else if (u < 0.2 && !words[i].empty() && words[i][0] >= 'a' && words[i][0] <= 'z') {
      words[i][0] = static_cast<char>(words[i][0] - 'a' + 'A');
    }
    words[i] = LookAlike(words[i], r, variant, variant ? 0.04 : 0.08);
  }
  const char** emoji = variant ? emoji_b : emoji_a;
  int ne = static_cast<int>(r.Below(3));
  for (int k = 0; k < ne; ++k) {
    size_t at = r.Below(words.size() + 1);
    words.insert(words.begin() + static_cast<long>(at), emoji[r.Below(4)]);
  }
  return Words::Join(words);
}

void Esc(std::string* out, const std::string& s) {
  for (char c : s) {
    if (c == '"' || c == '\\') *out += '\\';
    *out += c;
  }
}

std::string Iso(int64_t t, int offset_minutes) {
  time_t tt = static_cast<time_t>(t + offset_minutes * 60);
  struct tm tm;
  gmtime_r(&tt, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string s = buf;
  if (offset_minutes == 0) return s + "Z";
  int m = std::abs(offset_minutes);
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', m / 60, m % 60);
  return s + buf;
}

}  // namespace

int RunAdversarial(const AdvConfig& cfg) {
  const bool V = cfg.variant;
  Rng rng(cfg.seed ^ (V ? 0xB0B0ULL : 0xA0A0ULL));
  Words g{Vocabulary(cfg.seed, V), V ? 2.5 : 3.0};
  const int64_t t0 = 1788220800;  // 2026-09-01T00:00:00Z
  const int64_t span = int64_t{cfg.days} * 86400;
  const uint64_t organic = std::max<uint64_t>(1000, cfg.posts / (V ? 30 : 25));
  const uint64_t heavy = std::max<uint64_t>(50, organic / 200);  // the most active organic accounts
  const double skip = V ? 0.25 : 0.2;

  std::vector<Net> nets(cfg.networks);
  uint32_t n_accounts = static_cast<uint32_t>(organic);
  for (size_t c = 0; c < nets.size(); ++c) {
    Net& n = nets[c];
    n.cls = static_cast<Class>(c % (cfg.evasive ? kClasses : kBaseClasses));
    int size = V ? 5 + static_cast<int>(35 * std::pow(rng.Uniform(), 1.5)) : rng.Range(5, 40);
    switch (n.cls) {
      case kFastCopy:
        n.waves = rng.Range(6, 20);
        n.spread = rng.Range(5, 60);
        n.item = rng.Uniform() < 0.5 ? kCampText : rng.Uniform() < 0.5 ? kCampUrl : kCampImage;
        break;
      case kSlow:
        n.waves = rng.Range(4, 12);
        n.spread = V ? static_cast<int64_t>(rng.LogNormal(3600, 1.0)) : rng.Range(600, 4 * 3600);
        n.spread = std::clamp<int64_t>(n.spread, 300, 6 * 3600);
        n.item = rng.Uniform() < 0.5 ? kCampText : kCampUrl;
        break;
      case kLargeBurst:
        size = rng.Range(20, 60);
        n.waves = rng.Range(3, 8);
        n.spread = rng.Range(10, 300);
        n.item = rng.Uniform() < 0.5 ? kCampText : kCampUrl;
        break;
      case kEdited:
        n.waves = rng.Range(4, 10);
        n.spread = rng.Range(60, 1800);
        n.item = kCampEdited;
        break;
      case kFewWaves:
        n.waves = 3;
        n.spread = rng.Range(10, 600);
        n.item = rng.Uniform() < 0.34 ? kCampEdited : rng.Uniform() < 0.5 ? kCampText : kCampUrl;
        break;
      case kBlended:
        n.waves = rng.Range(4, 10);
        n.spread = rng.Range(60, 1200);
        n.item = rng.Uniform() < 0.5 ? kCampText : kCampUrl;
        break;
      case kHashtagOnly:
        n.waves = rng.Range(4, 10);
        n.spread = rng.Range(30, 1800);
        n.item = kCampTag;
        break;
      case kImageCopies:
        n.waves = rng.Range(4, 12);
        n.spread = rng.Range(10, 600);
        n.item = kCampImageCopy;
        break;
      case kJittered:
        n.waves = rng.Range(5, 12);
        n.spread = 3 * 3600;  // each copy delayed log-uniformly in [5 s, 3 h]
        n.item = rng.Uniform() < 0.5 ? kCampText : kCampUrl;
        break;
      case kSmallBlended:
        size = rng.Range(3, 4);
        n.waves = rng.Range(5, 10);
        n.spread = rng.Range(60, 1200);
        n.item = rng.Uniform() < 0.5 ? kCampText : kCampUrl;
        break;
      default: break;
    }
    for (int i = 0; i < size; ++i) n.members.push_back(n_accounts++);
  }
  std::vector<uint32_t> perm(n_accounts);
  for (uint32_t i = 0; i < n_accounts; ++i) perm[i] = i;
  for (uint32_t i = n_accounts; i > 1; --i) std::swap(perm[i - 1], perm[rng.Below(i)]);
  auto id = [&](uint32_t acc) { return (V ? "u" : "a") + std::to_string(perm[acc]); };

  std::vector<Ev> evs;
  evs.reserve(cfg.posts + cfg.posts / 10);
  auto push = [&](int64_t ts, uint32_t acc, Type t, uint32_t a, uint32_t b) {
    evs.push_back({ts, ts, acc, static_cast<uint8_t>(t), a, b, rng.Next()});
  };

  // Organic pools.
  std::vector<uint32_t> lookalikes;
  std::vector<char> is_look(organic, 0);
  for (uint64_t i = 0; i < organic / 10; ++i) {
    uint32_t a = static_cast<uint32_t>(heavy + rng.Below(organic - heavy));
    if (!is_look[a]) is_look[a] = 1, lookalikes.push_back(a);
  }
  auto viral_delay = [&]() -> int64_t {
    return static_cast<int64_t>(V ? rng.LogNormal(2400, 1.5) : rng.Exp(3 * 3600));
  };
  auto sharer = [&]() -> uint32_t {
    return rng.Uniform() < (V ? 0.3 : 0.4) ? static_cast<uint32_t>(rng.Below(heavy))
                                           : lookalikes[rng.Below(lookalikes.size())];
  };
  // Viral items: headlines with a link, bare links with comments, copied quotes.
  const uint64_t n_head = std::max<uint64_t>(50, cfg.posts / 500), n_url = cfg.posts / 2000,
                 n_quote = cfg.posts / 1500;
  uint64_t viral_id = 0;
  auto viral = [&](Type t, uint64_t count) {
    for (uint64_t h = 0; h < count; ++h, ++viral_id) {
      int64_t pub = t0 + static_cast<int64_t>(rng.Below(span));
      int sharers = 10 + static_cast<int>(rng.Exp(V ? 45 : 60));
      for (int s = 0; s < sharers; ++s) push(pub + viral_delay(), sharer(), t, static_cast<uint32_t>(viral_id), 0);
    }
  };
  viral(kHeadline, n_head);
  viral(kViralUrl, n_url);
  viral(kViralQuote, n_quote);
  const bool E = cfg.evasive;
  if (E) {
    viral(kViralImage, std::max<uint64_t>(5, cfg.posts / 20000));  // pictures re-shared as edited copies
    // Hashtag events: unrelated accounts on one new tag within minutes (a
    // live broadcast, a storm), heavy posters and look-alikes among them.
    uint64_t events = std::max<uint64_t>(10, cfg.posts / 2500);
    for (uint64_t ev = 0; ev < events; ++ev) {
      int64_t start = t0 + static_cast<int64_t>(rng.Below(span));
      int64_t len = rng.Range(300, 3600);
      int people = rng.Range(30, 300);
      for (int k = 0; k < people; ++k) {
        uint32_t who = rng.Uniform() < 0.5 ? sharer() : static_cast<uint32_t>(rng.Below(organic));
        push(start + static_cast<int64_t>(rng.Below(len)), who, kTagEvent, static_cast<uint32_t>(ev), 0);
      }
    }
  }

  // Campaigns.
  uint64_t campaign_posts = 0;
  std::vector<int64_t> created(n_accounts, 0);
  std::vector<int> home(nets.size());
  for (size_t c = 0; c < nets.size(); ++c) {
    const Net& n = nets[c];
    home[c] = static_cast<int>(rng.Below(12));
    for (int w = 0; w < n.waves; ++w) {
      int64_t start = t0 + static_cast<int64_t>(rng.Below(span - n.spread - 60));
      Type t = n.item;
      if (V && n.cls != kEdited && rng.Uniform() < 0.3) t = rng.Uniform() < 0.5 ? kCampUrl : kCampEdited;
      if (cfg.gap_hi > 0) {  // a relay at the requested tempo
        std::vector<uint32_t> order = n.members;
        for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.Below(i)]);
        int64_t at = t0 + static_cast<int64_t>(rng.Below(span));
        for (uint32_t m : order) {
          if (rng.Uniform() < skip) continue;
          push(at, m, t, static_cast<uint32_t>(c), static_cast<uint32_t>(w));
          ++campaign_posts;
          at += cfg.gap_lo + static_cast<int64_t>(rng.Below(static_cast<uint64_t>(cfg.gap_hi - cfg.gap_lo + 1)));
        }
        continue;
      }
      for (uint32_t m : n.members) {
        if (rng.Uniform() < skip) continue;
        int64_t off = V ? std::min<int64_t>(n.spread, static_cast<int64_t>(rng.LogNormal(n.spread / 4.0 + 1, 0.8)))
                        : static_cast<int64_t>(rng.Below(n.spread + 1));
        if (n.cls == kJittered) off = static_cast<int64_t>(std::exp(std::log(5.0) + rng.Uniform() * std::log(10800.0 / 5)));
        push(start + off, m, t, static_cast<uint32_t>(c), static_cast<uint32_t>(w));
        ++campaign_posts;
      }
    }
    for (uint32_t m : n.members) {
      bool blended = n.cls == kBlended || n.cls == kSmallBlended;
      int k = blended ? rng.Range(50, 300) : V ? rng.Range(5, 80) : rng.Range(0, 40);
      for (int i = 0; i < k; ++i) {
        int64_t ts = t0 + static_cast<int64_t>(rng.Below(span));
        if (blended && rng.Uniform() < 0.1)
          push(ts, m, kHeadline, static_cast<uint32_t>(rng.Below(n_head)), 0);  // a late share of a headline
        else
          push(ts, m, kOrganic, 0, 0);
      }
      bool young = rng.Uniform() < (V ? 0.3 : 0.5) && !blended;
      created[m] = t0 - 86400 * static_cast<int64_t>(young ? rng.Below(60) : 200 + rng.Below(2500));
    }
  }
  // News bots.
  std::vector<uint32_t> bots;
  for (int i = 0; i < 20; ++i) {
    uint32_t a = static_cast<uint32_t>(heavy + rng.Below(organic - heavy));
    if (is_look[a]) continue;
    bots.push_back(a);
    int64_t period = (V ? 1800 : 3600) * (1 + static_cast<int64_t>(rng.Below(4)));
    for (int64_t t = t0 + static_cast<int64_t>(rng.Below(period)); t < t0 + span; t += period) push(t, a, kBot, 0, 0);
  }
  // Organic traffic fills the rest (heavy-tailed: low indices post most).
  while (evs.size() < cfg.posts) {
    double u = rng.Uniform();
    push(t0 + static_cast<int64_t>(rng.Below(span)), static_cast<uint32_t>(organic * std::pow(u, V ? 2.5 : 2.0)),
         kOrganic, 0, 0);
  }
  // Delivery: some events arrive late, by up to cfg.disorder seconds.
  for (Ev& e : evs)
    if (cfg.disorder > 0 && rng.Uniform() < (V ? 0.2 : 0.3)) e.deliver = e.ts + static_cast<int64_t>(rng.Below(cfg.disorder + 1));
  std::sort(evs.begin(), evs.end(), [](const Ev& x, const Ev& y) {
    return x.deliver != y.deliver ? x.deliver < y.deliver : x.seed < y.seed;
  });

  // Evasive mode: hashtags and picture files.
  auto tag = [&](uint64_t key, Rng& r) {  // a tag word, cased at random as people type it
    std::string w = g.vocab[Mix(cfg.seed, key) % g.vocab.size()];
    if (key % 3 == 0) w += std::to_string(key % 100);
    double u = r.Uniform();
    if (u < 0.3) w[0] = static_cast<char>(w[0] - 'a' + 'A');
    else if (u < 0.4) for (char& c : w) if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return "#" + w;
  };
  auto pool_tag = [&](Rng& r) {  // Zipf over 2,000 organic tags: the first few are in steady, heavy use
    return tag(6000000 + static_cast<uint64_t>(2000 * std::pow(r.Uniform(), 3.0)), r);
  };
  std::string img_dir, img_prefix = "img/";
  if (cfg.write_images) {
    img_dir = cfg.out_path + ".img";
    ::mkdir(img_dir.c_str(), 0755);
    size_t slash = img_dir.rfind('/');
    img_prefix = (slash == std::string::npos ? img_dir : img_dir.substr(slash + 1)) + "/";
  }
  uint64_t images_written = 0;
  auto picture = [&](const std::string& name, uint64_t base, uint64_t copy) {
    if (cfg.write_images) {
      Rng r(copy);
      ImageEdit edit;
      edit.crop = 0.02;
      edit.resize = true;
      edit.brightness = 10;
      edit.quality = r.Range(40, 95);
      if (!WriteImageCopy(img_dir + "/" + name, base, copy, edit)) std::perror((img_dir + "/" + name).c_str());
      ++images_written;
    }
    return img_prefix + name;
  };

  std::FILE* out = std::fopen(cfg.out_path.c_str(), "wb");
  if (!out) {
    std::perror(cfg.out_path.c_str());
    return 1;
  }
  static const char* kCountries[] = {"PK", "IN", "BR", "DE", "US", "GB", "TR", "AF", "NG", "ID", "FR", "EG"};
  std::vector<int> net_of(n_accounts, -1);
  for (size_t c = 0; c < nets.size(); ++c)
    for (uint32_t m : nets[c].members) net_of[m] = static_cast<int>(c);
  std::string line;
  for (uint32_t acc = 0; acc < n_accounts; ++acc) {
    Rng r(Mix(cfg.seed, acc + 77));
    int64_t cr = net_of[acc] >= 0 ? created[acc] : t0 - 86400 * static_cast<int64_t>(r.Below(3000));
    int country = net_of[acc] >= 0 && r.Uniform() < 0.7 ? home[net_of[acc]] : static_cast<int>(r.Below(12));
    line = "{\"kind\":\"account\",\"id\":\"" + id(acc) + "\",\"created\":\"" + Iso(cr, 0) + "\",\"country\":\"" +
           kCountries[country] + "\"}\n";
    std::fputs(line.c_str(), out);
  }
  static const int kOffsets[] = {0, 60, 120, 330, -300, -480, 540, 345, -180, 600};
  uint64_t serial = 0;
  for (const Ev& e : evs) {
    Rng r(e.seed);
    std::string text, media;
    switch (e.type) {
      case kOrganic: {
        text = g.Sentence(r, 3, 22);
        double u = r.Uniform();
        if (u < 0.08) text += " https://blog" + std::to_string(r.Below(100000)) + ".example/p/" + std::to_string(r.Below(1000));
        else if (u < 0.12) media = "img/u" + std::to_string(r.Next() % 100000000) + ".jpg";
        if (E && r.Uniform() < 0.2) {
          text += " " + pool_tag(r);
          if (r.Uniform() < 0.3) text += " " + pool_tag(r);
        }
        break;
      }
      case kTagEvent:
        text = g.Sentence(r, 3, 16) + " " + tag(8000000 + e.a, r);
        if (r.Uniform() < 0.3) text += " " + pool_tag(r);
        break;
      case kViralImage:
        text = g.Sentence(r, 0, 5);
        media = picture("m" + std::to_string(e.a) + "_" + std::to_string(serial) + ".jpg", Mix(cfg.seed, 7000000 + e.a),
                        Mix(e.seed, 11));
        break;
      case kCampTag: {
        // Fresh words every post; only the campaign's tag (and now and then a trending one) in common.
        std::string body = g.Sentence(r, 6, 20), t = tag(9000000 + e.a, r);
        if (r.Uniform() < 0.3) t = "#" + LookAlike(t.substr(1), r, V, 0.3);  // look-alike letters in the tag
        text = r.Uniform() < 0.5 ? body + " " + t : t + " " + body;
        if (r.Uniform() < 0.5) text += " " + tag(6000000 + r.Below(5), r);
        break;
      }
      case kCampImageCopy:
        text = g.Sentence(r, 1, 6);
        media = picture("e" + std::to_string(e.a) + "_" + std::to_string(e.b) + "_" + std::to_string(serial) + ".jpg",
                        Mix(cfg.seed, 3000000 + e.a * 1000 + e.b), Mix(e.seed, 13));
        break;
      case kBot: text = "update " + std::to_string(r.Below(1000000)) + " " + g.Sentence(r, 6, 12); break;
      case kHeadline: {
        Rng hr(Mix(cfg.seed, 1000000 + e.a));
        std::string head = g.Sentence(hr, 8, 14);
        std::string url = "https://news" + std::to_string(hr.Below(40)) + ".example/story/" + std::to_string(e.a);
        text = r.Uniform() < 0.5 ? g.Sentence(r, 1, 4) + " " + head + " " + url : head + " " + url;
        if (E && r.Uniform() < 0.5) text += " " + tag(6000000 + hr.Below(30), r);  // a news tag
        break;
      }
      case kViralUrl: {
        Rng hr(Mix(cfg.seed, 4000000 + e.a));
        text = g.Sentence(r, 2, 12) + " https://video" + std::to_string(hr.Below(20)) + ".example/watch/" +
               std::to_string(e.a);
        break;
      }
      case kViralQuote: {
        Rng hr(Mix(cfg.seed, 5000000 + e.a));
        std::vector<std::string> w = g.List(hr, 10, 20);
        text = r.Uniform() < 0.7 ? Words::Join(w) : Edit(w, 0.05, g, r, V);
        break;
      }
      case kCampText: case kCampEdited: {
        Rng tr(Mix(cfg.seed, 2000000 + e.a * 1000 + e.b));
        std::vector<std::string> w = g.List(tr, 12, 25);
        if (e.type == kCampText) {
          text = Words::Join(w);
          if (r.Uniform() < 0.3) text += " " + g.Word(r);  // a signature word now and then
        } else {
          double rate = V ? 0.1 + 0.2 * r.Uniform() : 0.05 + 0.2 * r.Uniform();
          text = Edit(w, rate, g, r, V);
        }
        break;
      }
      case kCampUrl:
        text = g.Sentence(r, 3, 10) + " https://site" + std::to_string(e.a) + ".example/a/" +
               std::to_string(Mix(cfg.seed, e.a * 1000 + e.b) % 1000000);
        break;
      case kCampImage:
        text = g.Sentence(r, 1, 6);
        media = "img/c" + std::to_string(Mix(cfg.seed, 3000000 + e.a * 1000 + e.b) % 100000000) + ".jpg";
        break;
    }
    int off = cfg.offsets && r.Uniform() < 0.5 ? kOffsets[r.Below(10)] : 0;
    line = "{\"kind\":\"post\",\"id\":\"p" + std::to_string(serial++) + "\",\"account\":\"" + id(e.account) +
           "\",\"ts\":\"" + Iso(e.ts, off) + "\",\"text\":\"";
    Esc(&line, text);
    line += "\"";
    if (!media.empty()) line += ",\"media\":[{\"path\":\"" + media + "\"}]";
    line += ",\"region\":\"" + std::string(kCountries[Mix(e.seed, 5) % 12]) + "\"}\n";
    std::fputs(line.c_str(), out);
  }
  if (std::fclose(out) != 0) {
    std::perror(cfg.out_path.c_str());
    return 1;
  }

  std::FILE* t = std::fopen(cfg.truth_path.c_str(), "wb");
  if (!t) {
    std::perror(cfg.truth_path.c_str());
    return 1;
  }
  auto list = [&](const std::vector<uint32_t>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ",\"" : "\"") + id(v[i]) + "\"";
    return s + "]";
  };
  std::vector<uint32_t> heavy_list;
  for (uint32_t a = 0; a < heavy; ++a) heavy_list.push_back(a);
  std::fprintf(t, "{\"seed\":%llu,\"mode\":\"%s\",\"posts\":%zu,\"campaign_posts\":%llu,\"disorder_seconds\":%lld,\"networks\":[\n",
               static_cast<unsigned long long>(cfg.seed), V ? "variant" : E ? "evasive" : "adversarial", evs.size(),
               static_cast<unsigned long long>(campaign_posts), static_cast<long long>(cfg.disorder));
  for (size_t c = 0; c < nets.size(); ++c)
    std::fprintf(t, "%s{\"id\":%zu,\"kind\":\"%s\",\"waves\":%d,\"spread_seconds\":%lld,\"accounts\":%s}\n", c ? "," : "",
                 c, kClassNames[nets[c].cls], nets[c].waves, static_cast<long long>(nets[c].spread),
                 list(nets[c].members).c_str());
  if (cfg.gap_hi > 0)
    std::fprintf(t, "],\"tempo_seconds\":[%lld,%lld", static_cast<long long>(cfg.gap_lo), static_cast<long long>(cfg.gap_hi));
  std::fprintf(t, "],\"lookalike_accounts\":%s,\"heavy_accounts\":%s,\"bot_accounts\":%s}\n", list(lookalikes).c_str(),
               list(heavy_list).c_str(), list(bots).c_str());
  std::fclose(t);
  std::fprintf(stderr, "wrote %zu posts (%llu in campaigns), %u accounts, %zu networks (%s), %llu pictures\n", evs.size(),
               static_cast<unsigned long long>(campaign_posts), n_accounts, nets.size(),
               V ? "variant" : E ? "evasive" : "adversarial", static_cast<unsigned long long>(images_written));
  return 0;
}

}  // namespace evenhand::gen
