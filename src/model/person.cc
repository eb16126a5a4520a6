#include "model/person.h"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <algorithm>

namespace evenhand {

namespace {

constexpr std::string_view kVia = " via ";
constexpr size_t kMaxIdBytes = 64;

bool Invisible(UChar32 c) {
  return u_isUWhiteSpace(c) || u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

// Decodes the code point at s[*i], advancing *i; -1 on invalid UTF-8.
UChar32 Next(std::string_view s, int32_t* i) {
  UChar32 c;
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), *i, static_cast<int32_t>(s.size()), c);
  return c;
}

}  // namespace

bool IsPersonRole(std::string_view role) {
  return std::find(std::begin(kPersonRoles), std::end(kPersonRoles), role) != std::end(kPersonRoles);
}

bool HasRole(const PersonRecord& person, std::string_view role) {
  return std::find(person.roles.begin(), person.roles.end(), role) != person.roles.end();
}

std::string_view TrimSpace(std::string_view s) {
  if (s.size() > INT32_MAX) return s;
  // From the front.
  int32_t i = 0;
  size_t begin = s.size();
  while (i < static_cast<int32_t>(s.size())) {
    const int32_t at = i;
    const UChar32 c = Next(s, &i);
    if (c < 0 || !Invisible(c)) {
      begin = static_cast<size_t>(at);
      break;
    }
  }
  if (begin == s.size()) return s.substr(s.size());
  // From the back: the end of the last visible code point.
  size_t end = begin;
  i = static_cast<int32_t>(begin);
  while (i < static_cast<int32_t>(s.size())) {
    const UChar32 c = Next(s, &i);
    if (c < 0 || !Invisible(c)) end = static_cast<size_t>(i);
  }
  return s.substr(begin, end - begin);
}

bool IsBlank(std::string_view s) { return TrimSpace(s).empty(); }

Result<std::string> NormalizePersonId(std::string_view raw, std::string_view field) {
  const std::string name(field);
  std::string_view s = TrimSpace(raw);
  if (s.empty()) return Status::Invalid(name + ": empty (a registered person's id is needed)");
  if (s.size() > 4 * kMaxIdBytes) return Status::Invalid(name + ": longer than " + std::to_string(kMaxIdBytes) + " bytes");
  UErrorCode err = U_ZERO_ERROR;
  std::u16string in(s.size(), u'\0');
  int32_t n16 = 0;
  u_strFromUTF8(reinterpret_cast<UChar*>(in.data()), static_cast<int32_t>(in.size()), &n16, s.data(),
                static_cast<int32_t>(s.size()), &err);
  if (U_FAILURE(err)) return Status::Invalid(name + ": \"" + std::string(s) + "\" is not valid UTF-8");
  in.resize(static_cast<size_t>(n16));
  const UNormalizer2* nfkc_cf = unorm2_getNFKCCasefoldInstance(&err);
  if (U_FAILURE(err)) return Status::Internal("ICU: NFKC_Casefold is not available");
  std::u16string out(in.size() * 3 + 8, u'\0');
  const int32_t n = unorm2_normalize(nfkc_cf, reinterpret_cast<const UChar*>(in.data()), n16,
                                     reinterpret_cast<UChar*>(out.data()), static_cast<int32_t>(out.size()), &err);
  if (U_FAILURE(err)) return Status::Invalid(name + ": \"" + std::string(s) + "\" cannot be normalised");
  out.resize(static_cast<size_t>(n));
  std::string id(out.size() * 3, '\0');
  int32_t n8 = 0;
  u_strToUTF8(id.data(), static_cast<int32_t>(id.size()), &n8, reinterpret_cast<const UChar*>(out.data()), n, &err);
  if (U_FAILURE(err)) return Status::Internal(name + ": cannot encode the normalised id");
  id.resize(static_cast<size_t>(n8));
  if (id.empty()) return Status::Invalid(name + ": \"" + std::string(s) + "\" holds only invisible characters");
  if (id.size() > kMaxIdBytes)
    return Status::Invalid(name + ": \"" + id + "\" is longer than " + std::to_string(kMaxIdBytes) + " bytes");
  for (int32_t i = 0; i < static_cast<int32_t>(id.size());) {
    const UChar32 c = Next(id, &i);
    if (u_isUWhiteSpace(c) || u_iscntrl(c))
      return Status::Invalid(name + ": \"" + id + "\" holds white space or a control character (use e.g. mod-aisha)");
  }
  return id;
}

std::string FormatActor(std::string_view person, std::string_view via) {
  std::string out(person);
  out += kVia;
  out += via;
  return out;
}

std::string_view ActorPerson(std::string_view actor) {
  const size_t at = actor.find(kVia);
  return at == std::string_view::npos ? actor : actor.substr(0, at);
}

std::string_view ActorVia(std::string_view actor) {
  const size_t at = actor.find(kVia);
  return at == std::string_view::npos ? std::string_view() : actor.substr(at + kVia.size());
}

bool SamePerson(std::string_view a, std::string_view b) {
  const std::string_view pa = TrimSpace(ActorPerson(a)), pb = TrimSpace(ActorPerson(b));
  if (pa.empty() || pb.empty()) return false;
  Result<std::string> na = NormalizePersonId(pa), nb = NormalizePersonId(pb);
  if (na.ok() && nb.ok()) return *na == *nb;
  return pa == pb;
}

}  // namespace evenhand
