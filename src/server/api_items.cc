// Api: the item view (issue 14 point 3, issue 20 point 1) and its media.
//
//   GET  /v1/items/{id}                      the view (cases/item_view.h); an
//        authority gets it only for an item one of its own orders names, with
//        its own cases only, visibility as visible/hidden per country, and the
//        fields the role table (field_visibility.cc, view "item") lets it see
//   GET  /v1/items/{id}/media/{n}[?version=V] the bytes of media n of version V
//        (default: the latest), read from --media-dir; 403 reveal_required
//        when the item's media are sensitive (blurred by default)
//   POST /v1/items/{id}/media/{n}/reveal     staff: audits item.media.reveal
//        (who, which file, why it was blurred, the reason given) and answers
//        with the bytes. Sensitive media leave the server only this way.
#include <sys/stat.h>

#include <charconv>
#include <fstream>
#include <iterator>

#include "cases/item_view.h"
#include "image/decoder.h"
#include "media/video_decoder.h"
#include "server/api.h"
#include "server/field_visibility.h"

namespace evenhand::server {

namespace {

using OJson = nlohmann::ordered_json;

// Whether one of `authority`'s own orders names `id`.
Result<bool> AuthorityNamesItem(Store& store, const std::string& authority, const std::string& id) {
  CaseFilter filter;
  filter.kind = "order";
  filter.issuer = authority;
  auto cases = store.ListCases(filter);
  if (!cases.ok()) return cases.status();
  for (const CaseRecord& c : *cases) {
    if (c.issuer != authority) continue;
    const OJson body = OJson::parse(c.body, nullptr, false);
    if (!body.is_object() || !body.contains("targets") || !body["targets"].is_array()) continue;
    for (const OJson& t : body["targets"])
      if (t.is_object() && t.value("item", "") == id) return true;
  }
  return false;
}

// The answer's Content-Type from the file's first bytes.
std::string MediaType(const std::string& bytes) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  switch (SniffImageFormat(p, bytes.size())) {
    case ImageFormat::kJpeg: return "image/jpeg";
    case ImageFormat::kPng: return "image/png";
    case ImageFormat::kGif: return "image/gif";
    case ImageFormat::kWebp: return "image/webp";
    case ImageFormat::kUnknown: break;
  }
  if (bytes.size() >= 12 && bytes.compare(4, 4, "ftyp") == 0)
    return bytes.compare(8, 4, "qt  ") == 0 ? "video/quicktime" : "video/mp4";
  if (bytes.size() >= 4 && bytes.compare(0, 4, "\x1a\x45\xdf\xa3") == 0) return "video/webm";
  if (bytes.size() >= 4 && bytes.compare(0, 4, "OggS") == 0) return "video/ogg";
  if (LooksLikeVideo(p, bytes.size())) return "application/octet-stream";
  return "application/octet-stream";
}

}  // namespace

ApiResponse Api::ShowItem(Ctx& c) {
  Result<OJson> view = Status::Internal("not run");
  bool named = true;
  {
    ReadLease rd(this);
    if (c.who->role == Role::kAuthority) {
      auto n = AuthorityNamesItem(*rd->store, c.who->key.authority, c.arg);
      if (!n.ok()) return FromStatus(n.status());
      named = *n;
    }
    if (named) view = ItemViewJson(*rd->store, c.arg, c.now);
  }
  // An authority learns nothing about items its orders do not name, not even that they exist.
  if (!named) return Error(404, "not_found", "no order of yours names an item \"" + c.arg + "\"");
  if (!view.ok()) return FromStatus(view.status());
  if (c.who->role == Role::kAuthority) {
    OJson& j = *view;
    OJson own = OJson::array();
    for (OJson& k : j["cases"])
      if (k.value("kind", "") == "order" && k.value("issuer", "") == c.who->key.authority) own.push_back(std::move(k));
    j["cases"] = std::move(own);
    // Visible or hidden per country; the reasons name other authorities' orders and staff.
    OJson visibility = OJson::object();
    for (auto it = j["visibility"].begin(); it != j["visibility"].end(); ++it)
      visibility[it.key()] = {{"visible", it.value().value("visible", true)}};
    j["visibility"] = std::move(visibility);
    Redact("item", c.who->role, &j);
  }
  return Json(200, *view);
}

// Reads media n of the item's version (query or body "version"); fills
// *bytes, *because (why it is blurred: empty = not sensitive) and *path.
ApiResponse Api::LoadItemMedia(Ctx& c, int64_t version, std::string* bytes, std::vector<std::string>* because,
                               std::string* path) {
  uint64_t n = 0;
  {
    auto [p, ec] = std::from_chars(c.arg2.data(), c.arg2.data() + c.arg2.size(), n);
    if (ec != std::errc() || p != c.arg2.data() + c.arg2.size())
      return Error(400, "invalid", "media index: \"" + c.arg2 + "\" is not a number (0, 1, ...)");
  }
  if (options_.media_dir.empty())
    return Error(404, "not_found", "this server has no media directory (start it with --media-dir)");
  {
    ReadLease rd(this);
    Store& store = *rd->store;
    if (c.who->role == Role::kAuthority) {
      auto named = AuthorityNamesItem(store, c.who->key.authority, c.arg);
      if (!named.ok()) return FromStatus(named.status());
      if (!*named) return Error(404, "not_found", "no order of yours names an item \"" + c.arg + "\"");
    }
    auto versions = store.PostVersions(c.arg);
    if (!versions.ok()) return FromStatus(versions.status());
    const PostVersion* v = nullptr;
    for (const PostVersion& x : *versions)
      if (version == 0 ? true : x.version == version) v = &x;
    if (v == nullptr)
      return Error(404, "not_found", "item \"" + c.arg + "\" has no stored version" +
                                         (version ? " " + std::to_string(version) : std::string()));
    if (v->content_deleted != 0)
      return Error(410, "gone", "version " + std::to_string(v->version) + " of item \"" + c.arg +
                                    "\" was deleted by retention");
    if (n >= v->post.media.size())
      return Error(404, "not_found", "version " + std::to_string(v->version) + " of item \"" + c.arg + "\" has " +
                                         std::to_string(v->post.media.size()) + " media; no media[" + c.arg2 + "]");
    *path = v->post.media[n].path;
    auto s = SensitiveBecause(store, c.arg);
    if (!s.ok()) return FromStatus(s.status());
    *because = std::move(s).value();
  }
  // Stored paths were checked at scan time; checked again (a store written by other means).
  const std::string& rel = *path;
  if (rel.empty() || rel[0] == '/' || rel.find("..") != std::string::npos)
    return Error(404, "not_found", "media path \"" + rel + "\" is not under the media directory");
  const std::string file = options_.media_dir + "/" + rel;
  struct stat st;
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return Error(404, "not_found", "media file \"" + rel + "\" is not in the media directory");
  if (static_cast<uint64_t>(st.st_size) > options_.max_media_bytes)
    return Error(413, "too_large", "media file \"" + rel + "\" is " + std::to_string(st.st_size) +
                                       " bytes, over the server's limit of " +
                                       std::to_string(options_.max_media_bytes));
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error(404, "not_found", "media file \"" + rel + "\" cannot be read");
  bytes->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  ApiResponse ok;
  ok.status = 200;
  return ok;
}

ApiResponse Api::ItemMedia(Ctx& c) {
  int64_t version = 0;
  const std::string v = c.Query("version");
  if (!v.empty()) {
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), version);
    if (ec != std::errc() || p != v.data() + v.size() || version < 1)
      return Error(400, "invalid", "version: \"" + v + "\" is not a version number (1, 2, ...)");
  }
  std::string bytes, path;
  std::vector<std::string> because;
  ApiResponse r = LoadItemMedia(c, version, &bytes, &because, &path);
  if (r.status != 200) return r;
  if (!because.empty()) {
    std::string why;
    for (const std::string& b : because) why += (why.empty() ? "" : "; ") + b;
    return Error(403, "reveal_required",
                 "the item's media are blurred (" + why + "): POST /v1/items/{id}/media/{n}/reveal shows them, audited");
  }
  r.body = std::move(bytes);
  r.content_type = MediaType(r.body);
  return r;
}

ApiResponse Api::RevealItemMedia(Ctx& c) {
  nlohmann::json body;
  ApiResponse error;
  if (c.req.body.empty()) body = nlohmann::json::object();
  else if (!ParseBody(c, &body, &error)) return error;
  int64_t version = 0;
  if (body.contains("version")) {
    if (!body["version"].is_number_integer() || body["version"].get<int64_t>() < 1)
      return Error(400, "invalid", "version: must be a version number (1, 2, ...)");
    version = body["version"].get<int64_t>();
  }
  std::string reason;
  if (body.contains("reason")) {
    if (!body["reason"].is_string()) return Error(400, "invalid", "reason: must be a string");
    reason = body["reason"].get<std::string>();
    if (reason.size() > 2000) return Error(400, "invalid", "reason: longer than 2000 bytes");
  }
  std::string bytes, path;
  std::vector<std::string> because;
  ApiResponse r = LoadItemMedia(c, version, &bytes, &because, &path);
  if (r.status != 200) return r;
  OJson payload;
  payload["media"] = c.arg2;
  payload["version"] = version == 0 ? OJson(nullptr) : OJson(version);
  payload["path"] = path;
  payload["blurred_because"] = because;
  payload["reason"] = reason;
  const std::string text = payload.dump(-1, ' ', false, OJson::error_handler_t::replace);
  Status s = Write([&](Store& store) { return store.AppendAudit(c.who->actor, "item.media.reveal", c.arg, text); });
  if (!s.ok()) return FromStatus(s);  // not shown unless audited
  r.body = std::move(bytes);
  r.content_type = MediaType(r.body);
  return r;
}

}  // namespace evenhand::server
