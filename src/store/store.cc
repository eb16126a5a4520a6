#include "store/store.h"

#include <string_view>

#include "model/time.h"
#include "store/sqlite/sqlite_store.h"
#ifdef EVENHAND_POSTGRES
#include "store/postgres/postgres_store.h"
#endif

namespace evenhand {

int64_t Store::Now() const { return clock_ ? clock_() : NowUnixSeconds(); }

Status Store::PutPostsAndDecisions(std::span<const Post> posts, std::span<const Decision> decisions,
                                   const std::string& actor, int64_t* inserted) {
  if (inserted != nullptr) *inserted = 0;
  if (Status s = CheckPostsAndDecisions(posts, decisions); !s.ok()) return s;
  for (size_t i = 0; i < posts.size(); ++i) {
    if (Status s = PutPost(posts[i]); !s.ok()) return s;
    bool added = false;
    if (Status s = PutDecision(decisions[i], actor, &added); !s.ok()) return s;
    if (added && inserted != nullptr) ++*inserted;
  }
  return Status::Ok();
}

Status Store::CheckPostsAndDecisions(std::span<const Post> posts, std::span<const Decision> decisions) {
  if (posts.size() != decisions.size())
    return Status::Invalid("PutPostsAndDecisions: " + std::to_string(posts.size()) + " posts but " +
                           std::to_string(decisions.size()) + " decisions");
  for (size_t i = 0; i < posts.size(); ++i)
    if (posts[i].id != decisions[i].item)
      return Status::Invalid("PutPostsAndDecisions: decision " + std::to_string(i) + " is about \"" +
                             decisions[i].item + "\", not post \"" + posts[i].id + "\"");
  return Status::Ok();
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& url, OpenMode mode) {
  std::string_view u = url;
  if (u.empty()) return Status::Invalid("store URL is empty (give \"sqlite:PATH\" or a file path)");
  if (u.starts_with("sqlite://")) return OpenSqliteStore(std::string(u.substr(9)), mode);  // sqlite:///abs/path
  if (u.starts_with("sqlite:")) return OpenSqliteStore(std::string(u.substr(7)), mode);
  if (u.starts_with("postgres://") || u.starts_with("postgresql://")) {
#ifdef EVENHAND_POSTGRES
    return OpenPostgresStore(url, mode);
#else
    return Status::Invalid("store URL \"" + url + "\": the PostgreSQL backend is not available in this build "
                           "(configured with -DEVENHAND_POSTGRES=OFF)");
#endif
  }
  if (size_t sep = u.find("://"); sep != std::string_view::npos && sep > 0)
    return Status::Invalid("store URL \"" + url + "\": unknown scheme \"" + std::string(u.substr(0, sep)) +
                           "\" (use \"sqlite:PATH\" or a file path)");
  return OpenSqliteStore(url, mode);
}

Result<AuditVerifyReport> VerifyAudit(Store& store) {
  AuditVerifier verifier;
  Status s = store.ForEachAudit([&](const AuditEntry& e) { verifier.Add(e); });
  if (!s.ok()) return s;
  return verifier.Finish();
}

}  // namespace evenhand
