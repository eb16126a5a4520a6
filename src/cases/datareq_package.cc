#include "cases/datareq_package.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "cases/datareq_coverage.h"
#include "model/time.h"

namespace evenhand {

namespace {

using OJson = nlohmann::ordered_json;

OJson TimeOrNull(int64_t t) { return t != 0 ? OJson(FormatTimestamp(t)) : OJson(); }

bool Has(const std::vector<std::string>& v, std::string_view s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::string WithheldReason(LegalProcessKind kind, std::string_view field) {
  const std::string process = kind == LegalProcessKind::kNone ? "no legal process" : std::string(LegalProcessKindName(kind));
  return std::string(DataClassName(*ClassOfField(field))) + " data is not covered by " + process;
}

OJson PostJson(const Post& p, const std::vector<std::string>& disclosed) {
  OJson o = OJson::object();
  if (Has(disclosed, kFieldPostIds)) o["id"] = p.id;
  if (Has(disclosed, kFieldPostTs)) o["ts"] = TimeOrNull(p.ts);
  if (Has(disclosed, kFieldPostText)) o["text"] = p.text;
  if (Has(disclosed, kFieldPostRegion)) o["region"] = p.region.empty() ? OJson() : OJson(p.region);
  if (Has(disclosed, kFieldPostLang)) o["lang"] = p.lang.empty() ? OJson() : OJson(p.lang);
  return o;
}

OJson LoginJson(const LoginRecord& l, const std::vector<std::string>& disclosed) {
  OJson o = OJson::object();
  if (Has(disclosed, kFieldLoginTs)) o["ts"] = TimeOrNull(l.ts);
  if (Has(disclosed, kFieldLoginIp)) o["ip"] = l.ip;
  if (Has(disclosed, kFieldLoginPort)) o["port"] = l.port != 0 ? OJson(l.port) : OJson();
  if (Has(disclosed, kFieldLoginDevice)) o["device"] = l.device.empty() ? OJson() : OJson(l.device);
  return o;
}

}  // namespace

std::string_view LoginFieldKey(std::string_view field) {
  if (field == kFieldLoginTs) return "ts";
  if (field == kFieldLoginIp) return "ip";
  if (field == kFieldLoginPort) return "port";
  if (field == kFieldLoginDevice) return "device";
  return {};
}

std::string_view PostFieldKey(std::string_view field) {
  if (field == kFieldPostIds) return "id";
  if (field == kFieldPostTs) return "ts";
  if (field == kFieldPostText) return "text";
  if (field == kFieldPostRegion) return "region";
  if (field == kFieldPostLang) return "lang";
  return {};
}

void SplitFields(const DataRequest& r, std::vector<std::string>* disclosed, std::vector<WithheldField>* withheld) {
  disclosed->clear();
  withheld->clear();
  const LegalProcessKind kind = r.EffectiveProcess().kind;
  std::vector<std::string> seen;
  for (const std::string& f : r.fields) {
    if (Has(seen, f) || !IsKnownDataField(f)) continue;  // unknown fields never get past intake
    seen.push_back(f);
    if (ProcessCovers(kind, f)) {
      disclosed->push_back(f);
    } else {
      withheld->push_back({f, WithheldReason(kind, f)});
    }
  }
}

Result<DisclosurePackage> BuildDisclosurePackage(Store& store, const DataRequest& r, int64_t now) {
  DisclosurePackage out;
  SplitFields(r, &out.disclosed, &out.withheld);
  const std::vector<std::string>& d = out.disclosed;
  const bool any_post_field = std::any_of(d.begin(), d.end(), [](const std::string& f) { return !PostFieldKey(f).empty(); });
  const bool any_login_field =
      std::any_of(d.begin(), d.end(), [](const std::string& f) { return !LoginFieldKey(f).empty(); });
  const bool wants_registration = Has(d, kFieldRegistrationIp);

  OJson records = OJson::array();
  for (const std::string& target : r.targets) {
    OJson rec;
    rec["target"] = target;
    const bool wants_account = Has(d, kFieldAccountId) || Has(d, kFieldAccountCreated) || Has(d, kFieldAccountCountry);
    if (wants_account) {
      Result<Account> account = store.GetAccount(target);
      const bool found = account.ok();
      if (!found && account.status().code() != Status::Code::kNotFound) return account.status();
      // account.id: the platform's id of the account, which is the target here.
      if (Has(d, kFieldAccountId)) rec[std::string(kFieldAccountId)] = target;
      if (Has(d, kFieldAccountCreated))
        rec[std::string(kFieldAccountCreated)] = found ? TimeOrNull(account->created) : OJson();
      if (Has(d, kFieldAccountCountry))
        rec[std::string(kFieldAccountCountry)] =
            found && !account->country.empty() ? OJson(account->country) : OJson();
    }
    if (wants_registration || any_login_field) {
      Result<std::vector<LoginRecord>> logins = store.LoginsOf(target);
      if (!logins.ok()) return logins.status();
      if (wants_registration) {
        OJson reg;  // the first sign-up record, null when none is stored
        for (const LoginRecord& l : *logins) {
          if (l.event != LoginEvent::kSignup) continue;
          reg = {{"ip", l.ip}, {"port", l.port != 0 ? OJson(l.port) : OJson()}, {"ts", TimeOrNull(l.ts)}};
          ++out.ip_addresses;
          break;
        }
        rec[std::string(kFieldRegistrationIp)] = std::move(reg);
      }
      if (any_login_field) {
        OJson arr = OJson::array();
        for (const LoginRecord& l : *logins) {
          arr.push_back(LoginJson(l, d));
          if (Has(d, kFieldLoginIp)) ++out.ip_addresses;
        }
        rec["account.logins"] = std::move(arr);
      }
    }
    if (any_post_field) {
      Result<std::vector<Post>> posts = store.PostsByAccount(target);
      if (!posts.ok()) return posts.status();
      OJson arr = OJson::array();
      for (const Post& p : *posts) arr.push_back(PostJson(p, d));
      rec["account.posts"] = std::move(arr);
    }
    records.push_back(std::move(rec));
  }

  OJson pkg;
  pkg["request"] = r.id;
  pkg["authority"] = r.authority;
  pkg["jurisdiction"] = r.jurisdiction;
  pkg["reference"] = r.reference;
  const LegalProcess& process = r.EffectiveProcess();
  pkg["legal_process"] = {{"kind", std::string(LegalProcessKindName(process.kind))}, {"reference", process.reference}};
  pkg["prepared_at"] = FormatTimestamp(now);
  std::vector<std::string> requested;
  for (const std::string& f : r.fields)
    if (!Has(requested, f)) requested.push_back(f);
  pkg["fields_requested"] = requested;
  pkg["fields_disclosed"] = out.disclosed;
  OJson withheld = OJson::array();
  for (const WithheldField& w : out.withheld) withheld.push_back({{"field", w.field}, {"reason", w.reason}});
  pkg["fields_withheld"] = std::move(withheld);
  pkg["records"] = std::move(records);
  out.json = pkg.dump(-1, ' ', false, OJson::error_handler_t::replace);
  return out;
}

}  // namespace evenhand
