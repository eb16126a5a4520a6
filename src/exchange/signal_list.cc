#include "exchange/signal_list.h"

#include <charconv>
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "exchange/bank_entries.h"
#include "exchange/ncmec_xml.h"
#include "media/vpdq.h"

namespace evenhand {

namespace {

using nlohmann::json;

constexpr int kMaxJsonDepth = 64;

bool ArrayElementLines(std::string_view text, std::string_view key, std::vector<size_t>* lines);

std::string Lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return o;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string> SplitTags(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const size_t sp = s.find(' ');
    std::string_view t = s.substr(0, sp);
    if (!t.empty()) out.emplace_back(t);
    if (sp == std::string_view::npos) break;
    s.remove_prefix(sp + 1);
  }
  return out;
}

// A vPDQ exchange signal: a JSON list of "pdqHex,quality,timestamp".
std::string ParseVpdqSignal(std::string_view value, std::string* key) {
  std::vector<size_t> unused;
  if (!ArrayElementLines(value, "", &unused)) return "a vPDQ signal nested too deep";
  json j = json::parse(value.begin(), value.end(), nullptr, false);
  if (j.is_discarded() || !j.is_array()) return "not a vPDQ signal (a JSON list of \"pdqHex,quality,timestamp\")";
  if (j.empty()) return "a vPDQ signal with no frames";
  std::vector<VpdqFrame> frames;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string where = "frame " + std::to_string(i) + ": ";
    if (!j[i].is_string()) return where + "not a \"pdqHex,quality,timestamp\" string";
    const std::string& s = j[i].get_ref<const std::string&>();
    const size_t c1 = s.find(','), c2 = c1 == std::string::npos ? c1 : s.find(',', c1 + 1);
    if (c2 == std::string::npos || s.find(',', c2 + 1) != std::string::npos)
      return where + "not \"pdqHex,quality,timestamp\"";
    VpdqFrame f;
    f.frame_number = static_cast<int64_t>(i);
    if (!ParseHex(std::string_view(s).substr(0, c1), &f.hash)) return where + "not a PDQ hash (64 hex digits)";
    const char* q0 = s.data() + c1 + 1;
    auto rq = std::from_chars(q0, s.data() + c2, f.quality);
    if (rq.ec != std::errc() || rq.ptr != s.data() + c2 || f.quality < 0 || f.quality > 100)
      return where + "quality is not an integer 0..100";
    double ts = 0;
    auto rt = std::from_chars(s.data() + c2 + 1, s.data() + s.size(), ts);
    if (rt.ec != std::errc() || rt.ptr != s.data() + s.size() || !std::isfinite(ts) || ts < 0 || ts > 1e9)
      return where + "timestamp is not a number of seconds >= 0";
    f.timestamp = static_cast<float>(ts);
    frames.push_back(f);
  }
  *key = VideoEntry(frames, {});
  return "";
}

}  // namespace

std::string NormalizeSignalValue(BankKind kind, std::string_view value, std::string* key) {
  value = Trim(value);
  if (kind == BankKind::kVpdq) return ParseVpdqSignal(value, key);
  DigestKind dk;
  if (kind == BankKind::kPdq) {
    Hash256 h;
    if (!ParseHex(value, &h)) return "not a PDQ hash (64 hex digits)";
    *key = ToHex(h);
  } else if (ExactDigestKind(kind, &dk)) {
    Digest d;
    if (!ParseDigestHex(value, dk, &d))
      return std::string("not an ") + DigestName(dk) + " hash (" + std::to_string(2 * DigestSize(dk)) + " hex digits)";
    *key = DigestHex(d, dk);
  }
  return "";
}

namespace {

bool ParseOpinion(std::string_view s, SignalOpinion* out) {
  const std::string c = Lower(Trim(s));
  if (c.empty() || c == "positive_class" || c == "true_positive") *out = SignalOpinion::kPositive;
  else if (c == "negative_class" || c == "false_positive") *out = SignalOpinion::kNegative;
  else if (c == "investigation_seed" || c == "worth_investigating") *out = SignalOpinion::kSeed;
  else if (c == "disputed") *out = SignalOpinion::kDisputed;
  else return false;
  return true;
}

Status Bad(std::string_view name, size_t line, std::string_view field, std::string_view what) {
  return Status::Invalid(std::string(name) + ":" + std::to_string(line) + ": " + std::string(field) + ": " +
                         std::string(what));
}

// ---- CSV ----

// One record of RFC 4180 CSV from *text (which advances); *line counts lines.
// False with *error set on an unterminated quote.
bool NextCsvRecord(std::string_view* text, size_t* line, std::vector<std::string>* fields, std::string* error) {
  fields->clear();
  std::string cur;
  bool quoted = false, any = false;
  size_t i = 0;
  const std::string_view t = *text;
  for (; i < t.size(); ++i) {
    const char c = t[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < t.size() && t[i + 1] == '"') {
          cur.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++*line;
        cur.push_back(c);
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      fields->push_back(std::move(cur));
      cur.clear();
      any = true;
    } else if (c == '\n') {
      ++*line;
      ++i;
      break;
    } else if (c != '\r') {
      cur.push_back(c);
      any = true;
    }
  }
  text->remove_prefix(i);
  if (quoted) {
    *error = "a quoted field is not closed";
    return false;
  }
  if (any || !cur.empty()) fields->push_back(std::move(cur));
  return true;
}

Status ParseTeCsv(std::string_view text, std::string_view name, SignalList* out) {
  size_t line = 1;
  std::vector<std::string> header, row;
  std::string err;
  int col_type = -1, col_value = -1, col_collab = -1, col_category = -1, col_tags = -1;
  while (!text.empty() && header.empty()) {
    const size_t at = line;
    if (!NextCsvRecord(&text, &line, &header, &err)) return Bad(name, at, "header", err);
  }
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string h = Lower(Trim(header[i]));
    const int c = static_cast<int>(i);
    if (h == "signal_type") col_type = c;
    else if (h == "signal_str" || h == "signal_value" || h == "signal") col_value = c;
    else if (h == "collab") col_collab = c;
    else if (h == "category") col_category = c;
    else if (h == "tags") col_tags = c;
  }
  if (col_type < 0 || col_value < 0)
    return Bad(name, 1, "header", "a ThreatExchange CSV names signal_type and signal_str (or signal_value) columns");
  while (!text.empty()) {
    const size_t at = line;
    if (!NextCsvRecord(&text, &line, &row, &err)) return Bad(name, at, "record", err);
    if (row.empty() || (row.size() == 1 && Trim(row[0]).empty())) continue;
    auto cell = [&](int c) -> std::string_view {
      return c >= 0 && static_cast<size_t>(c) < row.size() ? std::string_view(row[c]) : std::string_view();
    };
    const std::string type(Trim(cell(col_type)));
    SignalRecord r;
    r.line = at;
    if (!SignalTypeKind(type, &r.kind)) {
      if (type.empty()) return Bad(name, at, "signal_type", "empty");
      ++out->skipped_types[type];
      continue;
    }
    if (std::string what = NormalizeSignalValue(r.kind, cell(col_value), &r.key); !what.empty())
      return Bad(name, at, "signal_str", what);
    if (!ParseOpinion(cell(col_category), &r.opinion))
      return Bad(name, at, "category",
                 "\"" + std::string(cell(col_category)) +
                     "\" is not POSITIVE_CLASS, NEGATIVE_CLASS, INVESTIGATION_SEED or DISPUTED");
    r.tags = SplitTags(cell(col_tags));
    r.collab = std::string(Trim(cell(col_collab)));
    out->records.push_back(std::move(r));
  }
  return Status::Ok();
}

Status ParseTeFile(std::string_view text, std::string_view name, SignalList* out) {
  size_t line = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view l = Trim(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line;
    if (l.empty() || l[0] == '#') continue;
    const size_t sp = l.find(' ');
    if (sp == std::string_view::npos) return Bad(name, line, "signal", "want \"SIGNAL_TYPE SIGNAL\"");
    const std::string type(l.substr(0, sp));
    SignalRecord r;
    r.line = line;
    if (!SignalTypeKind(type, &r.kind)) {
      ++out->skipped_types[type];
      continue;
    }
    if (std::string what = NormalizeSignalValue(r.kind, l.substr(sp + 1), &r.key); !what.empty())
      return Bad(name, line, "signal", what);
    out->records.push_back(std::move(r));
  }
  return Status::Ok();
}

// ---- JSON ----

// The lines on which the elements of the array under top-level key `key`
// start (the top-level value itself when `key` is empty and it is an array);
// false when the text nests deeper than kMaxJsonDepth.
bool ArrayElementLines(std::string_view text, std::string_view key, std::vector<size_t>* lines) {
  lines->clear();
  int depth = 0, target = -1;
  bool in_string = false, escape = false, expect_value = false;
  size_t line = 1, string_start = 0;
  std::string_view last_string;
  bool key_matches = false;
  if (key.empty()) {
    // the top-level array: elements at depth 1
    size_t i = 0;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')) ++i;
    if (i < text.size() && text[i] == '[') target = 1;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') ++line;
    if (in_string) {
      if (escape) escape = false;
      else if (c == '\\') escape = true;
      else if (c == '"') {
        in_string = false;
        last_string = text.substr(string_start, i - string_start);
      }
      continue;
    }
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    const bool after_key = key_matches;  // the token right after `"key":`
    key_matches = false;
    if (depth == target && expect_value && c != ']') {
      lines->push_back(line);
      expect_value = false;
    }
    switch (c) {
      case '"':
        in_string = true;
        string_start = i + 1;
        break;
      case ':':
        key_matches = depth == 1 && !key.empty() && last_string == key;
        break;
      case '[':
      case '{':
        ++depth;
        if (depth > kMaxJsonDepth) return false;
        if (c == '[' && after_key && depth == 2 && target == -1) target = 2;
        if (depth == target) expect_value = true;
        break;
      case ']':
      case '}':
        if (depth == target && c == ']') target = -2;  // done
        --depth;
        break;
      case ',':
        if (depth == target) expect_value = true;
        break;
      default:
        break;
    }
  }
  return true;
}

std::string JsonString(const json& obj, const char* field, bool* ok) {
  *ok = true;
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return "";
  if (!it->is_string()) {
    *ok = false;
    return "";
  }
  return it->get<std::string>();
}

Status ParseJsonRecords(std::string_view text, std::string_view name, SignalFormat format, SignalList* out) {
  std::vector<size_t> lines;
  const char* array_key = format == SignalFormat::kStopNcii ? "hashRecords" : "data";
  if (!ArrayElementLines(text, array_key, &lines)) return Bad(name, 1, "json", "nested too deep");
  json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) return Bad(name, 1, "json", "not valid JSON");
  const json* records = nullptr;
  std::string path = array_key;
  if (doc.is_array() && format == SignalFormat::kTeUpdates) {
    records = &doc;
    path = "";
    if (!ArrayElementLines(text, "", &lines)) return Bad(name, 1, "json", "nested too deep");
  } else if (doc.is_object() && doc.contains(array_key) && doc[array_key].is_array()) {
    records = &doc[array_key];
  } else {
    return Bad(name, 1, array_key,
               format == SignalFormat::kStopNcii ? "a StopNCII answer holds a \"hashRecords\" list"
                                                 : "a ThreatExchange threat_updates answer holds a \"data\" list");
  }
  for (size_t i = 0; i < records->size(); ++i) {
    const json& rec = (*records)[i];
    const size_t line = i < lines.size() ? lines[i] : 1;
    const std::string at = path + "[" + std::to_string(i) + "]";
    if (!rec.is_object()) return Bad(name, line, at, "not an object");
    SignalRecord r;
    r.line = line;
    bool ok = true;
    std::string type, value;
    if (format == SignalFormat::kStopNcii) {
      type = JsonString(rec, "signalType", &ok);
      if (!ok) return Bad(name, line, at + ".signalType", "not a string");
      value = JsonString(rec, "hashValue", &ok);
      if (!ok) return Bad(name, line, at + ".hashValue", "not a string");
      const std::string status = JsonString(rec, "hashStatus", &ok);
      if (!ok) return Bad(name, line, at + ".hashStatus", "not a string");
      r.deleted = status == "Withdrawn" || status == "Deleted";
      r.tags = {"stopncii"};
      r.collab = "StopNCII";
      if (type == "ImagePDQ") r.kind = BankKind::kPdq;
      else if (type == "VideoMD5") r.kind = BankKind::kMd5;
      else {
        if (type.empty()) return Bad(name, line, at + ".signalType", "missing");
        ++out->skipped_types[type];
        continue;
      }
    } else {
      type = JsonString(rec, "type", &ok);
      if (!ok) return Bad(name, line, at + ".type", "not a string");
      value = JsonString(rec, "indicator", &ok);
      if (!ok) return Bad(name, line, at + ".indicator", "not a string");
      if (!SignalTypeKind(type, &r.kind)) {
        if (type.empty()) return Bad(name, line, at + ".type", "missing");
        ++out->skipped_types[type];
        continue;
      }
      auto del = rec.find("should_delete");
      if (del != rec.end() && !del->is_null() && !del->is_boolean())
        return Bad(name, line, at + ".should_delete", "not true or false");
      r.deleted = del != rec.end() && del->is_boolean() && del->get<bool>();
      const json* descriptors = nullptr;
      auto d = rec.find("descriptors");
      if (d != rec.end() && d->is_object() && d->contains("data") && (*d)["data"].is_array())
        descriptors = &(*d)["data"];
      if (descriptors == nullptr || descriptors->empty()) r.deleted = true;  // ThreatExchange issue 834
      size_t negative = 0, count = 0;
      if (descriptors != nullptr) {
        for (size_t k = 0; k < descriptors->size(); ++k) {
          const json& desc = (*descriptors)[k];
          const std::string dat = at + ".descriptors.data[" + std::to_string(k) + "]";
          if (!desc.is_object()) return Bad(name, line, dat, "not an object");
          ++count;
          const std::string status = JsonString(desc, "status", &ok);
          if (!ok) return Bad(name, line, dat + ".status", "not a string");
          if (status == "NON_MALICIOUS") ++negative;
          auto tags = desc.find("tags");
          if (tags == desc.end() || tags->is_null()) continue;
          const json* list = tags->is_object() && tags->contains("data") ? &(*tags)["data"] : &*tags;
          if (!list->is_array()) return Bad(name, line, dat + ".tags", "not a list");
          for (const json& t : *list) {
            const json* text_of = t.is_object() && t.contains("text") ? &t["text"] : &t;
            if (!text_of->is_string()) return Bad(name, line, dat + ".tags", "a tag is not a string");
            std::string tag = text_of->get<std::string>();
            if (std::find(r.tags.begin(), r.tags.end(), tag) == r.tags.end()) r.tags.push_back(std::move(tag));
          }
        }
      }
      r.opinion = negative == 0 ? SignalOpinion::kPositive
                  : negative == count ? SignalOpinion::kNegative
                                      : SignalOpinion::kDisputed;
      r.collab = "ThreatExchange";
    }
    const std::string field = at + (format == SignalFormat::kStopNcii ? ".hashValue" : ".indicator");
    if (std::string what = NormalizeSignalValue(r.kind, value, &r.key); !what.empty()) return Bad(name, line, field, what);
    out->records.push_back(std::move(r));
  }
  return Status::Ok();
}

SignalFormat DetectFormat(std::string_view text) {
  if (LooksLikeNcmecXml(text)) return SignalFormat::kNcmecXml;
  size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')) ++i;
  if (i < text.size() && (text[i] == '{' || text[i] == '[')) {
    return text.find("\"hashRecords\"") != std::string_view::npos ? SignalFormat::kStopNcii : SignalFormat::kTeUpdates;
  }
  const size_t nl = text.find('\n', i);
  const std::string first = Lower(text.substr(i, nl == std::string_view::npos ? text.size() - i : nl - i));
  return first.find("signal_type") != std::string::npos && first.find(',') != std::string::npos ? SignalFormat::kTeCsv
                                                                                                 : SignalFormat::kTeFile;
}

std::string CsvCell(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += "\"\"";
    else out.push_back(c);
  }
  out += '"';
  return out;
}

// A vPDQ entry key as the exchange's JSON list of "pdqHex,quality,timestamp".
std::string VpdqSignalJson(std::string_view key) {
  std::string out = "[";
  bool first = true;
  while (!key.empty()) {
    const size_t semi = key.find(';');
    std::string_view frame = key.substr(0, semi);
    key.remove_prefix(semi == std::string_view::npos ? key.size() : semi + 1);
    // frame = frameNumber,quality,hash,timestamp -> hash,quality,timestamp
    const size_t c1 = frame.find(','), c2 = frame.find(',', c1 + 1), c3 = frame.find(',', c2 + 1);
    if (!first) out += ", ";
    first = false;
    out += '"';
    out += frame.substr(c2 + 1, c3 - c2 - 1);
    out += ',';
    out += frame.substr(c1 + 1, c2 - c1 - 1);
    out += ',';
    out += frame.substr(c3 + 1);
    out += '"';
  }
  out += ']';
  return out;
}

}  // namespace

bool ParseSignalFormat(std::string_view name, SignalFormat* out) {
  if (name == "auto") *out = SignalFormat::kAuto;
  else if (name == "te-csv") *out = SignalFormat::kTeCsv;
  else if (name == "te-file") *out = SignalFormat::kTeFile;
  else if (name == "te-updates") *out = SignalFormat::kTeUpdates;
  else if (name == "stopncii") *out = SignalFormat::kStopNcii;
  else if (name == "ncmec-xml") *out = SignalFormat::kNcmecXml;
  else return false;
  return true;
}

const char* SignalFormatName(SignalFormat f) {
  switch (f) {
    case SignalFormat::kAuto: return "auto";
    case SignalFormat::kTeCsv: return "te-csv";
    case SignalFormat::kTeFile: return "te-file";
    case SignalFormat::kTeUpdates: return "te-updates";
    case SignalFormat::kStopNcii: return "stopncii";
    case SignalFormat::kNcmecXml: return "ncmec-xml";
  }
  return "?";
}

bool SignalTypeKind(std::string_view type, BankKind* out) {
  const std::string t = Lower(type);
  if (t == "pdq" || t == "hash_pdq") *out = BankKind::kPdq;
  else if (t == "vpdq" || t == "video_vpdq" || t == "hash_video_vpdq") *out = BankKind::kVpdq;
  else if (t == "video_md5" || t == "md5" || t == "hash_md5" || t == "video_hash_md5" || t == "hash_video_md5")
    *out = BankKind::kMd5;
  else if (t == "sha1" || t == "hash_sha1") *out = BankKind::kSha1;
  else if (t == "video_sha256" || t == "sha256" || t == "hash_sha256" || t == "hash_video_sha256")
    *out = BankKind::kSha256;
  else return false;
  return true;
}

const char* SignalTypeName(BankKind kind) {
  switch (kind) {
    case BankKind::kPdq: return "pdq";
    case BankKind::kVpdq: return "vpdq";
    case BankKind::kMd5: return "video_md5";
    case BankKind::kSha1: return "sha1";
    case BankKind::kSha256: return "video_sha256";
  }
  return "?";
}

Status ParseSignalList(std::string_view text, std::string_view name, SignalFormat format, SignalList* out) {
  SignalList list;
  list.format = format == SignalFormat::kAuto ? DetectFormat(text) : format;
  Status s;
  switch (list.format) {
    case SignalFormat::kTeCsv: s = ParseTeCsv(text, name, &list); break;
    case SignalFormat::kTeFile: s = ParseTeFile(text, name, &list); break;
    case SignalFormat::kNcmecXml: s = ParseNcmecXml(text, name, &list); break;
    default: s = ParseJsonRecords(text, name, list.format, &list); break;
  }
  if (!s.ok()) return s;
  *out = std::move(list);
  return Status::Ok();
}

Status ReadSignalList(const std::string& path, SignalFormat format, SignalList* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::Io(path + ": cannot read");
  const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return ParseSignalList(text, path, format, out);
}

Result<std::string> FormatSignals(const AnyBank& bank, SignalFormat format, std::string_view collab) {
  if (format != SignalFormat::kTeCsv && format != SignalFormat::kTeFile)
    return Status::Invalid(std::string("export writes te-csv or te-file, not ") + SignalFormatName(format));
  auto entries = CanonicalEntries(bank);
  if (!entries.ok()) return entries.status();
  const std::string type = SignalTypeName(bank.kind);
  const std::string col = std::string(collab.empty() ? std::string_view(bank.info().name) : collab);
  std::string out;
  if (format == SignalFormat::kTeCsv) out = "collab,signal_type,signal_str,category,tags\n";
  for (const std::string& e : *entries) {
    const std::string_view key = EntryKey(bank.kind, e);
    std::string_view label = std::string_view(e).substr(key.size());
    if (!label.empty()) label.remove_prefix(1);
    const std::string value = bank.kind == BankKind::kVpdq ? VpdqSignalJson(key) : std::string(key);
    if (format == SignalFormat::kTeFile) {
      out += type + " " + value + "\n";
      continue;
    }
    std::string tags;
    for (const std::string& t : SplitTags(label)) tags += (tags.empty() ? "" : " ") + t;
    out += CsvCell(col) + "," + type + "," + CsvCell(value) + "," +
           (bank.info().negative ? "NEGATIVE_CLASS" : "POSITIVE_CLASS") + "," + CsvCell(tags) + "\n";
  }
  return out;
}

}  // namespace evenhand
