// evenhand_evasion_eval: scores the term matcher on the cases of
// tools/evasion_gen.py (issue 15).
//
//   evenhand_evasion_eval --lists examples/lists --cases cases.jsonl [--misses N]
//
// Every *.txt file in --lists is one term list (Roman Urdu files, "roman-ur"
// in the name, get the phonetic key, as in a policy). Each case's text is
// normalised and scanned with the default Normalizer:
//   * a positive is detected when its own term (same file, same term) is
//     found; its span is exact when the match covers exactly `span`;
//   * a negative is a false positive when any term of any list is found.
// Prints, per class: positives, detection rate, the worst trick's and worst
// language's detection rate, span exactness, negatives and false-positive
// rate (and the worst trick's); then up to --misses missed cases per class.
// Exit code 0; 2 on bad input (file and line named).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "text/matcher.h"
#include "text/normalizer.h"
#include "text/term_list.h"

namespace {

struct Rate {
  int n = 0, hit = 0;
  double r() const { return n ? static_cast<double>(hit) / n : 1.0; }
};

struct ClassStats {
  Rate pos, span, neg;
  std::map<std::string, Rate> pos_trick, pos_lang, neg_trick;
  std::vector<std::string> misses, fps;
};

std::string Pct(double r) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f %%", 100.0 * r);
  return b;
}

std::string Worst(const std::map<std::string, Rate>& m, bool lowest) {
  const std::pair<const std::string, Rate>* w = nullptr;
  for (const auto& e : m)
    if (!w || (lowest ? e.second.r() < w->second.r() : e.second.r() > w->second.r())) w = &e;
  if (!w) return "-";
  return Pct(w->second.r()) + " (" + w->first + ", n=" + std::to_string(w->second.n) + ")";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace evenhand;
  std::string lists_dir = "examples/lists", cases_path;
  size_t show_misses = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--lists" && i + 1 < argc) lists_dir = argv[++i];
    else if (a == "--cases" && i + 1 < argc) cases_path = argv[++i];
    else if (a == "--misses" && i + 1 < argc) show_misses = std::stoul(argv[++i]);
    else {
      std::cerr << "usage: evenhand_evasion_eval --lists DIR --cases FILE [--misses N]\n";
      return 2;
    }
  }
  std::vector<TermList> lists;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(lists_dir))
    if (e.path().extension() == ".txt") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::map<std::string, uint32_t> list_of_file;
  for (const auto& f : files) {
    TermList l;
    l.name = f.stem().string();
    Status st = AppendTermFile(f.string(), &l);
    if (!st.ok()) {
      std::cerr << st.message() << "\n";
      return 2;
    }
    list_of_file[f.filename().string()] = static_cast<uint32_t>(lists.size());
    lists.push_back(std::move(l));
  }
  Normalizer normalizer;
  auto matcher = TermMatcher::Compile(lists, normalizer);
  if (!matcher.ok()) {
    std::cerr << matcher.status().message() << "\n";
    return 2;
  }
  auto scratch = (*matcher)->NewScratch();
  std::ifstream in(cases_path);
  if (!in) {
    std::cerr << cases_path << ": cannot open\n";
    return 2;
  }
  std::map<std::string, ClassStats> stats;
  std::vector<std::string> order;
  NormalizedText nt;
  std::vector<TermMatch> out;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    nlohmann::json c;
    try {
      c = nlohmann::json::parse(line);
    } catch (const std::exception& e) {
      std::cerr << cases_path << ":" << line_no << ": not JSON: " << e.what() << "\n";
      return 2;
    }
    const std::string cls = c.value("class", ""), trick = c.value("trick", ""), lang = c.value("lang", "");
    const std::string text = c.value("text", ""), term = c.value("term", ""), file = c.value("file", "");
    if (!stats.count(cls)) order.push_back(cls);
    ClassStats& s = stats[cls];
    normalizer.NormalizeForMatch(text, &nt);
    (*matcher)->Scan(nt, scratch.get(), &out);
    if (c.value("expect", false)) {
      auto it = list_of_file.find(file);
      if (it == list_of_file.end()) {
        std::cerr << cases_path << ":" << line_no << ": file: no list " << file << "\n";
        return 2;
      }
      bool found = false, exact = false;
      const auto span = c.at("span");
      for (const TermMatch& m : out) {
        if (m.list != it->second || (*matcher)->term(m.list, m.term) != term) continue;
        found = true;
        if (m.begin == span[0].get<uint32_t>() && m.end == span[1].get<uint32_t>()) exact = true;
      }
      ++s.pos.n;
      s.pos.hit += found;
      ++s.pos_trick[trick].n;
      s.pos_trick[trick].hit += found;
      ++s.pos_lang[lang].n;
      s.pos_lang[lang].hit += found;
      if (found) {
        ++s.span.n;
        s.span.hit += exact;
      }
      if (!found && s.misses.size() < show_misses) s.misses.push_back(trick + " " + lang + ": " + text);
    } else {
      const bool fp = !out.empty();
      ++s.neg.n;
      s.neg.hit += fp;
      ++s.neg_trick[trick].n;
      s.neg_trick[trick].hit += fp;
      if (fp && s.fps.size() < show_misses)
        s.fps.push_back(trick + " " + lang + ": " + text + "  -> " + (*matcher)->term(out[0].list, out[0].term));
    }
  }
  std::cout << "| class | positives | detected | worst trick | worst language | span exact | negatives | "
               "false positives | worst negative trick |\n|---|---:|---:|---|---|---:|---:|---:|---|\n";
  Rate all_pos, all_neg;
  for (const std::string& cls : order) {
    const ClassStats& s = stats[cls];
    all_pos.n += s.pos.n;
    all_pos.hit += s.pos.hit;
    all_neg.n += s.neg.n;
    all_neg.hit += s.neg.hit;
    std::cout << "| " << cls << " | " << s.pos.n << " | " << Pct(s.pos.r()) << " | " << Worst(s.pos_trick, true)
              << " | " << Worst(s.pos_lang, true) << " | " << Pct(s.span.r()) << " | " << s.neg.n << " | "
              << Pct(s.neg.r()) << " | " << Worst(s.neg_trick, false) << " |\n";
  }
  std::cout << "| all | " << all_pos.n << " | " << Pct(all_pos.r()) << " | | | | " << all_neg.n << " | "
            << Pct(all_neg.r()) << " | |\n";
  for (const std::string& cls : order) {
    const ClassStats& s = stats[cls];
    for (const auto& m : s.misses) std::cout << "miss " << cls << " " << m << "\n";
    for (const auto& m : s.fps) std::cout << "fp " << cls << " " << m << "\n";
  }
  return 0;
}
