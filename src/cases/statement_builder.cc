#include "cases/statement_builder.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "model/category.h"
#include "model/time.h"

namespace evenhand {

namespace {

// Schema limits (characters) on the free-text fields the builder fills.
constexpr size_t kGroundMax = 500;
constexpr size_t kExplanationMax = 2000;
constexpr size_t kFactsMax = 5000;
constexpr size_t kIdentityMax = 500;
constexpr size_t kPuidMax = 500;

// Cuts `s` to at most `max` code points, at a UTF-8 character boundary.
std::string Clip(std::string s, size_t max) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (chars == max) {
      s.resize(i);
      return s;
    }
    ++chars;
  }
  return s;
}

uint64_t Fnv1a64(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// Joins encoded parts; a puid over the limit keeps its head and ends in
// "--" plus a hash of the whole ("--" never occurs otherwise).
std::string MakePuid(std::string_view kind, const std::string& a, const std::string& b) {
  std::string puid(kind);
  puid += '-';
  puid += PuidPart(a);
  puid += '-';
  puid += PuidPart(b);
  if (puid.size() <= kPuidMax) return puid;
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(Fnv1a64(puid)));
  puid.resize(kPuidMax - 18);
  return puid + "--" + hash;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> AllEea() {
  std::vector<std::string> all;
  for (std::string_view c : dsa::EeaCountries()) all.emplace_back(c);
  return all;
}

std::string CategoryKey(const std::string& category) {
  if (category.empty()) return "";
  std::optional<std::string_view> canonical = CanonicalCategory(category);
  // An unknown category is kept (upper-cased) so that validation names it.
  return canonical ? DsaCategoryKey(*canonical) : DsaCategoryKey(category);
}

// "ur", "pt-BR" -> "UR", "PT"; anything else -> "" (the field is optional).
std::string LanguageCode(const std::string& lang) {
  if (lang.size() < 2 || !std::isalpha(static_cast<unsigned char>(lang[0])) ||
      !std::isalpha(static_cast<unsigned char>(lang[1])))
    return "";
  if (lang.size() > 2 && lang[2] != '-' && lang[2] != '_') return "";
  return Upper(lang.substr(0, 2));
}

std::string_view MediaType(const std::string& path) {
  const size_t dot = path.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : Lower(path.substr(dot + 1));
  static constexpr std::string_view kImage[] = {"jpg", "jpeg", "png", "gif", "webp", "bmp", "heic", "tif", "tiff"};
  static constexpr std::string_view kVideo[] = {"mp4", "mov", "webm", "mkv", "avi", "m4v"};
  static constexpr std::string_view kAudio[] = {"mp3", "wav", "ogg", "m4a", "flac", "opus", "aac"};
  if (dsa::Contains(kImage, ext)) return dsa::kContentImage;
  if (dsa::Contains(kVideo, ext)) return dsa::kContentVideo;
  if (dsa::Contains(kAudio, ext)) return dsa::kContentAudio;
  return dsa::kContentOther;
}

void AddUnique(std::vector<std::string>* list, std::string_view value) {
  if (std::find(list->begin(), list->end(), value) == list->end()) list->emplace_back(value);
}

// Fields that come from the post itself.
void FillContent(const Post& post, int64_t fallback_ts, const std::string& lang, Statement* s) {
  if (!post.text.empty() || post.media.empty()) AddUnique(&s->content_type, dsa::kContentText);
  for (const Media& m : post.media) AddUnique(&s->content_type, MediaType(m.path));
  if (std::find(s->content_type.begin(), s->content_type.end(), dsa::kContentOther) != s->content_type.end())
    s->content_type_other = "media attachment of an unrecognised type";
  s->content_language = LanguageCode(!lang.empty() ? lang : post.lang);
  const int64_t ts = post.ts != 0 ? post.ts : fallback_ts;
  s->content_date = ts != 0 ? DsaDate(ts) : "";
}

std::string JoinCodes(const std::vector<std::string>& codes) {
  std::string out;
  for (const std::string& c : codes) out += (out.empty() ? "" : ", ") + c;
  return out;
}

// Sets the restriction for `action`; returns false for actions that restrict
// nothing (allow, review). `scope` is the territory of a withhold.
bool SetRestriction(Action action, const std::vector<std::string>& scope, Statement* s, std::string* what) {
  switch (action) {
    case Action::kLabel:
      s->decision_visibility = {std::string(dsa::kVisibilityLabelled)};
      s->territorial_scope = AllEea();
      *what = "the content was labelled";
      return true;
    case Action::kWithhold:
      s->decision_visibility = {std::string(dsa::kVisibilityDisabled)};
      s->territorial_scope.clear();
      for (const std::string& c : scope) AddUnique(&s->territorial_scope, Upper(c));
      *what = "access to the content was disabled in " + JoinCodes(s->territorial_scope);
      return true;
    case Action::kRemove:
      s->decision_visibility = {std::string(dsa::kVisibilityRemoved)};
      s->territorial_scope = AllEea();
      *what = "the content was removed";
      return true;
    case Action::kSuspendAccount:
      s->decision_account = std::string(dsa::kAccountSuspended);
      s->territorial_scope = AllEea();
      *what = "the account that posted the content was suspended";
      return true;
    case Action::kAllow:
    case Action::kReview:
      return false;
  }
  return false;
}

std::string DetectedBy(const Decision& d) {
  std::string out;
  for (const Signal& sig : d.signals) {
    std::string one = sig.detector + " " + sig.name;
    if (out.find(one) != std::string::npos) continue;
    out += (out.empty() ? "" : ", ") + one;
  }
  return out;
}

}  // namespace

std::string DsaDate(int64_t unix_seconds) { return FormatTimestamp(unix_seconds).substr(0, 10); }

std::string PuidPart(const std::string& part) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(part.size());
  for (unsigned char c : part) {
    if (std::isalnum(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('_');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::vector<std::string> JurisdictionScope(const std::string& jurisdiction) {
  const std::string code = Upper(jurisdiction);
  if (code == "EU" || code == "EEA") return AllEea();
  if (code.empty()) return {};
  return {code};
}

bool RestrictToEea(Statement* s) {
  std::erase_if(s->territorial_scope, [](const std::string& c) { return !dsa::IsEeaCountry(c); });
  return !s->territorial_scope.empty();
}

std::optional<Statement> BuildStatement(const Decision& d, const Post& post, int64_t decided_at,
                                        const StatementOptions& options) {
  Statement s;
  std::string what;
  if (!SetRestriction(d.action, d.scope, &s, &what)) return std::nullopt;
  // A later version of a changed item is decided on its own: its statement
  // names the version (version 1, and decisions from before versions were
  // kept, keep the id they always had).
  s.puid = MakePuid("d", d.version > 1 ? d.item + "~v" + std::to_string(d.version) : d.item, d.policy);
  s.platform_name = options.platform_name;

  s.decision_ground = std::string(dsa::kGroundIncompatible);
  s.decision_ground_reference_url = options.terms_url;
  const std::string rule = d.rule.empty() ? "the default action" : "rule \"" + d.rule + "\"";
  s.incompatible_content_ground =
      Clip(!d.reason.empty() ? d.reason : "Policy " + d.policy + ", " + rule, kGroundMax);
  s.incompatible_content_explanation =
      Clip("The content falls under " + rule + " of policy " + d.policy +
               (d.category.empty() ? "" : " (category " + d.category + ")") +
               (d.reason.empty() ? "." : ": " + d.reason + "."),
           kExplanationMax);

  s.category = CategoryKey(d.category);
  FillContent(post, d.ts, d.lang, &s);
  s.application_date = DsaDate(decided_at);
  s.source_type = std::string(dsa::kSourceVoluntary);

  const std::string detected = DetectedBy(d);
  const bool automated = !d.rule.empty() || !d.signals.empty();
  s.automated_detection = std::string(automated ? dsa::kYes : dsa::kNo);
  s.automated_decision = std::string(d.review ? dsa::kAutomatedPartially : dsa::kAutomatedFully);

  std::string facts = "Found on the platform's own initiative";
  facts += detected.empty() ? "" : " by automated detection (" + detected + ")";
  facts += "; " + rule + " of policy " + d.policy + " applied and " + what + ".";
  if (d.review) facts += " The decision was queued for human review.";
  s.decision_facts = Clip(std::move(facts), kFactsMax);
  return s;
}

std::optional<Statement> BuildOrderStatement(const OrderFacts& order, const Decision& action, const Post& post,
                                             int64_t acted_at, const StatementOptions& options) {
  Statement s;
  std::string what;
  if (!SetRestriction(action.action, JurisdictionScope(order.jurisdiction), &s, &what)) return std::nullopt;
  s.puid = MakePuid("o", order.id, action.item);
  s.platform_name = options.platform_name;

  const std::string basis = order.instrument + (order.provision.empty() ? "" : ", " + order.provision);
  const std::string received = order.received != 0 ? DsaDate(order.received) : "an unrecorded date";
  s.decision_ground = std::string(dsa::kGroundIllegal);
  s.illegal_content_legal_ground = Clip(basis, kGroundMax);
  s.illegal_content_explanation =
      Clip(!order.explanation.empty()
               ? order.explanation
               : "An order of " + order.authority + " (" + Upper(order.jurisdiction) + "), received " + received +
                     ", found the content illegal under " + basis + ".",
           kExplanationMax);

  s.category = CategoryKey(action.category);
  FillContent(post, action.ts, action.lang, &s);
  s.application_date = DsaDate(acted_at);
  s.source_type = std::string(dsa::kSourceOtherNotification);
  s.source_identity = Clip(order.authority, kIdentityMax);
  s.automated_detection = std::string(dsa::kNo);
  s.automated_decision = std::string(dsa::kAutomatedNot);
  s.decision_facts = Clip("Acting on order " + order.id + " of " + order.authority + " (" +
                              Upper(order.jurisdiction) + "), received " + received + " under " + basis + ", " +
                              what + ".",
                          kFactsMax);
  return s;
}

}  // namespace evenhand
