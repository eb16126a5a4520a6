#include "exchange/ncmec_xml.h"

#include <expat.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

namespace evenhand {

namespace {

constexpr int kMaxDepth = 32;

std::string_view LocalName(const XML_Char* name) {
  std::string_view n(name);
  const size_t colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

std::string Lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return o;
}

std::string_view TrimWs(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

const XML_Char* Attr(const XML_Char** attrs, std::string_view want) {
  for (size_t i = 0; attrs[i] != nullptr; i += 2)
    if (LocalName(attrs[i]) == want) return attrs[i + 1];
  return nullptr;
}

struct Fingerprint {
  std::string type;  // lowercase element name: md5, sha1, pdq, pdna, ...
  std::string value;
  bool by_reference = false;  // an href to fetch, no value here
  size_t line = 0;
  std::string path;
};

struct Entry {
  bool video = false, deleted = false;
  size_t line = 0;
  std::string path, id, classification, member;
  bool has_id = false, has_member = false;
  std::vector<Fingerprint> fingerprints;
  std::vector<std::string> disputed;  // lowercase fingerprint types with negative feedback
};

// One level of the element stack: its name, its path, and how many
// children of each name it has had (for PATH[i]).
struct Level {
  std::string name, path;
  std::vector<std::pair<std::string, int>> seen;
};

struct Reader {
  XML_Parser parser = nullptr;
  std::string_view file;
  SignalList* out = nullptr;
  std::vector<Level> stack;
  bool in_entry = false;
  Entry entry;
  std::string text;  // character data of the innermost element
  Status error;
  std::vector<SignalRecord> records;

  size_t Line() const { return static_cast<size_t>(XML_GetCurrentLineNumber(parser)); }

  void Fail(size_t line, const std::string& path, const std::string& what) {
    if (!error.ok()) return;
    error = Status::Invalid(std::string(file) + ":" + std::to_string(line) + ": " + path + ": " + what);
    XML_StopParser(parser, XML_FALSE);
  }

  // "images.image[2]" for the second <image> under <images>.
  std::string ChildPath(std::string_view name) {
    if (stack.empty()) return std::string(name);
    Level& parent = stack.back();
    int n = 0;
    for (auto& [k, v] : parent.seen)
      if (k == name) n = ++v;
    if (n == 0) parent.seen.emplace_back(std::string(name), n = 1);
    // The root is not in paths; a repeated child gets its index.
    const std::string base = stack.size() == 1 ? std::string(name) : parent.path + "." + std::string(name);
    const bool repeated = name == "image" || name == "video" || name == "deletedImage" || name == "deletedVideo";
    return repeated ? base + "[" + std::to_string(n - 1) + "]" : base;
  }

  void Start(const XML_Char* raw, const XML_Char** attrs) {
    const std::string_view name = LocalName(raw);
    if (stack.size() >= static_cast<size_t>(kMaxDepth)) return Fail(Line(), "xml", "nested deeper than 32 elements");
    if (stack.empty() && name != "queryResult")
      return Fail(Line(), std::string(name), "not an NCMEC hash-sharing answer (its root element is queryResult)");
    const std::string path = ChildPath(name);
    text.clear();
    const size_t depth = stack.size();  // of this element: root 0, images 1, image 2, ...
    if (depth == 2 && (stack[1].name == "images" || stack[1].name == "videos")) {
      const bool video_list = stack[1].name == "videos";
      const bool live = name == (video_list ? "video" : "image");
      const bool gone = name == (video_list ? "deletedVideo" : "deletedImage");
      if (live || gone) {
        in_entry = true;
        entry = Entry{};
        entry.video = video_list;
        entry.deleted = gone;
        entry.line = Line();
        entry.path = path;
      }
    } else if (in_entry && depth == 3 && name == "member") {
      const XML_Char* id = Attr(attrs, "id");
      if (id != nullptr) {
        entry.member = id;
        entry.has_member = true;
        int v = 0;
        auto r = std::from_chars(entry.member.data(), entry.member.data() + entry.member.size(), v);
        if (entry.member.empty() || r.ec != std::errc() || r.ptr != entry.member.data() + entry.member.size() || v < 0)
          return Fail(Line(), path + ".id", "\"" + entry.member + "\" is not a member number");
      }
    } else if (in_entry && depth == 4 && stack[3].name == "fingerprints") {
      Fingerprint f;
      f.type = Lower(name);
      f.line = Line();
      f.path = path;
      f.by_reference = Attr(attrs, "href") != nullptr;
      entry.fingerprints.push_back(std::move(f));
    } else if (in_entry && depth >= 4 && stack[3].name == "feedback" && name == "negativeFeedback") {
      const XML_Char* type = Attr(attrs, "type");
      if (type != nullptr) entry.disputed.push_back(Lower(type));
    }
    stack.push_back(Level{std::string(name), path, {}});
  }

  void End() {
    if (stack.empty()) return;
    const Level level = std::move(stack.back());
    stack.pop_back();
    const size_t depth = stack.size();
    const std::string_view value = TrimWs(text);
    if (in_entry && depth == 3) {
      if (level.name == "id") {
        entry.id = std::string(value);
        entry.has_id = true;
      } else if (level.name == "classification") {
        entry.classification = std::string(value);
      }
    } else if (in_entry && depth == 4 && !entry.fingerprints.empty() && stack[3].name == "fingerprints") {
      entry.fingerprints.back().value = std::string(value);
    } else if (in_entry && depth == 2) {
      FinishEntry();
      in_entry = false;
    }
    text.clear();
  }

  void FinishEntry() {
    const char* what = entry.video ? "video" : "image";
    if (!entry.has_id || entry.id.empty()) return Fail(entry.line, entry.path + ".id", "missing (every entry has an id)");
    for (char c : entry.id)
      if (static_cast<unsigned char>(c) <= ' ') return Fail(entry.line, entry.path + ".id", "holds a space or a control character");
    const std::string ref = std::string("ncmec:") + what + ":" + entry.id;
    if (entry.deleted) {
      SignalRecord r;
      r.deleted = true;
      r.ref = ref;
      r.collab = "NCMEC";
      r.line = entry.line;
      records.push_back(std::move(r));
      return;
    }
    std::vector<std::string> tags = {"ncmec"};
    if (!entry.classification.empty()) {
      std::string c = "ncmec_" + Lower(entry.classification);
      for (char& ch : c)
        if (static_cast<unsigned char>(ch) <= ' ' || ch == ',') ch = '_';
      tags.push_back(std::move(c));
    }
    tags.push_back(ref);
    for (const Fingerprint& f : entry.fingerprints) {
      BankKind kind = BankKind::kPdq;
      bool ok = false;
      if (f.type == "md5") kind = BankKind::kMd5, ok = true;
      else if (f.type == "sha1") kind = BankKind::kSha1, ok = true;
      else if (f.type == "sha256") kind = BankKind::kSha256, ok = true;
      else if (f.type == "pdq" && !entry.video) kind = BankKind::kPdq, ok = true;
      if (!ok || (f.by_reference && f.value.empty())) {
        ++out->skipped_types[std::string(what) + "." + f.type];
        continue;
      }
      if (f.value.empty()) return Fail(f.line, f.path, "empty");
      SignalRecord r;
      r.kind = kind;
      if (std::string bad = NormalizeSignalValue(kind, f.value, &r.key); !bad.empty()) return Fail(f.line, f.path, bad);
      r.tags = tags;
      r.ref = ref;
      r.collab = entry.has_member ? "NCMEC member " + entry.member : "NCMEC";
      if (std::find(entry.disputed.begin(), entry.disputed.end(), f.type) != entry.disputed.end())
        r.opinion = SignalOpinion::kDisputed;
      r.line = f.line;
      records.push_back(std::move(r));
    }
  }
};

void XMLCALL OnStart(void* user, const XML_Char* name, const XML_Char** attrs) {
  static_cast<Reader*>(user)->Start(name, attrs);
}
void XMLCALL OnEnd(void* user, const XML_Char*) { static_cast<Reader*>(user)->End(); }
void XMLCALL OnText(void* user, const XML_Char* s, int len) {
  Reader* r = static_cast<Reader*>(user);
  if (r->text.size() + static_cast<size_t>(len) > 1 << 20) {
    r->Fail(r->Line(), r->stack.empty() ? "xml" : r->stack.back().path, "more than 1 MiB of text in one element");
    return;
  }
  r->text.append(s, static_cast<size_t>(len));
}
void XMLCALL OnDoctype(void* user, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  Reader* r = static_cast<Reader*>(user);
  r->Fail(r->Line(), "xml", "a DOCTYPE is not allowed in an NCMEC answer");
}

}  // namespace

bool LooksLikeNcmecXml(std::string_view text) {
  size_t i = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')) ++i;
    if (i >= text.size() || text[i] != '<') return false;
    const bool pi = text.substr(i, 2) == "<?";
    if (pi || text.substr(i, 4) == "<!--") {  // declaration or comment: skip
      const size_t end = text.find(pi ? "?>" : "-->", i);
      if (end == std::string_view::npos) return false;
      i = end + (pi ? 2 : 3);
      continue;
    }
    // A DOCTYPE names the root (the reader then refuses the DOCTYPE).
    if (text.substr(i, 9) == "<!DOCTYPE") {
      i += 9;
      while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')) ++i;
      --i;  // as if at '<'
    }
    std::string_view rest = text.substr(i + 1, 64);
    const size_t stop = rest.find_first_of(" \t\r\n>/");
    std::string_view name = rest.substr(0, stop);
    const size_t colon = name.rfind(':');
    if (colon != std::string_view::npos) name = name.substr(colon + 1);
    return name == "queryResult";
  }
  return false;
}

Status ParseNcmecXml(std::string_view text, std::string_view name, SignalList* out) {
  Reader r;
  r.file = name;
  r.out = out;
  r.parser = XML_ParserCreate(nullptr);
  if (r.parser == nullptr) return Status::Invalid(std::string(name) + ": cannot create an XML parser");
  XML_SetUserData(r.parser, &r);
  XML_SetElementHandler(r.parser, OnStart, OnEnd);
  XML_SetCharacterDataHandler(r.parser, OnText);
  XML_SetStartDoctypeDeclHandler(r.parser, OnDoctype);
  bool ok = true;
  size_t done = 0;
  constexpr size_t kChunk = size_t{1} << 30;
  do {
    const size_t n = std::min(kChunk, text.size() - done);
    const bool last = done + n == text.size();
    if (XML_Parse(r.parser, text.data() + done, static_cast<int>(n), last ? XML_TRUE : XML_FALSE) == XML_STATUS_ERROR) {
      ok = false;
      break;
    }
    done += n;
  } while (done < text.size());
  if (!ok && r.error.ok())
    r.error = Status::Invalid(std::string(name) + ":" + std::to_string(r.Line()) + ": xml: " +
                              XML_ErrorString(XML_GetErrorCode(r.parser)));
  XML_ParserFree(r.parser);
  r.parser = nullptr;
  if (!r.error.ok()) return r.error;
  for (SignalRecord& rec : r.records) out->records.push_back(std::move(rec));
  return Status::Ok();
}

}  // namespace evenhand
