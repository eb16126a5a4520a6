// RegimeToJson: writes the fields in the order of the regime file.
#include "regimes/regime_json.h"

#include <cstdio>
#include <optional>

#include "model/json_write.h"

namespace evenhand {

namespace {

void Key(std::string* out, const char* key) {
  if (out->back() != '{') out->push_back(',');
  AppendJsonString(out, key);
  out->push_back(':');
}

void Str(std::string* out, const char* key, const std::string& value) {
  Key(out, key);
  AppendJsonString(out, value);
}

void Num(std::string* out, const char* key, std::optional<double> value) {
  Key(out, key);
  if (!value) {
    out->append("null");
    return;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", *value);
  out->append(buf);
}

void HoursJson(std::string* out, const char* key, const Hours& h) {
  Key(out, key);
  out->push_back('{');
  Num(out, "hours", h.value);
  Key(out, "from_deployment");
  out->append(h.from_deployment ? "true" : "false");
  Str(out, "source", h.source);
  if (!h.note.empty()) Str(out, "note", h.note);
  out->push_back('}');
}

void DeadlineJson(std::string* out, const char* key, const Deadline& d) {
  Key(out, key);
  out->push_back('{');
  HoursJson(out, "normal", d.normal);
  HoursJson(out, "emergency", d.emergency);
  out->push_back('}');
}

}  // namespace

std::string RegimeToJson(const Regime& r) {
  std::string out = "{";
  Str(&out, "regime", r.id);
  Str(&out, "jurisdiction", r.jurisdiction);
  Str(&out, "instrument", r.instrument);
  Str(&out, "status", r.status);
  Key(&out, "categories");
  out.push_back('[');
  for (size_t i = 0; i < r.categories.size(); ++i) {
    const RegimeCategory& c = r.categories[i];
    if (i > 0) out.push_back(',');
    out.push_back('{');
    Str(&out, "id", c.id);
    Str(&out, "name", c.name);
    Key(&out, "dsa_category");
    out.push_back('[');
    for (size_t j = 0; j < c.dsa_categories.size(); ++j) {
      if (j > 0) out.push_back(',');
      AppendJsonString(&out, c.dsa_categories[j]);
    }
    out.push_back(']');
    DeadlineJson(&out, "deadline_hours", c.deadline);
    Key(&out, "deadline_for");
    out += c.for_orders && c.for_notices ? "[\"orders\",\"notices\"]" : c.for_notices ? "[\"notices\"]" : "[\"orders\"]";
    Str(&out, "source", c.source);
    if (!c.note.empty()) Str(&out, "note", c.note);
    out.push_back('}');
  }
  out.push_back(']');
  DeadlineJson(&out, "info_request_deadline_hours", r.info_request);
  if (!r.info_request_note.empty()) Str(&out, "info_request_note", r.info_request_note);
  Key(&out, "penalties");
  out.push_back('[');
  for (size_t i = 0; i < r.penalties.size(); ++i) {
    const Penalty& p = r.penalties[i];
    if (i > 0) out.push_back(',');
    out.push_back('{');
    Str(&out, "kind", std::string(PenaltyKindName(p.kind)));
    Num(&out, "amount", p.amount);
    Key(&out, "currency");
    if (p.currency.empty())
      out.append("null");
    else
      AppendJsonString(&out, p.currency);
    Num(&out, "cap", p.cap);
    Num(&out, "step", p.step > 0 ? std::optional<double>(p.step) : std::nullopt);
    Str(&out, "applies_to", p.applies_to);
    Key(&out, "precedent");
    out.append(p.precedent ? "true" : "false");
    Str(&out, "source", p.source);
    if (!p.note.empty()) Str(&out, "note", p.note);
    out.push_back('}');
  }
  out.push_back(']');
  Key(&out, "geo_restriction_satisfies");
  out.append(!r.geo_restriction_satisfies ? "null" : (*r.geo_restriction_satisfies ? "true" : "false"));
  if (!r.geo_restriction_source.empty()) Str(&out, "geo_restriction_source", r.geo_restriction_source);
  if (!r.geo_restriction_note.empty()) Str(&out, "geo_restriction_note", r.geo_restriction_note);
  Key(&out, "authorities");
  out.push_back('[');
  for (size_t i = 0; i < r.authorities.size(); ++i) {
    const Authority& a = r.authorities[i];
    if (i > 0) out.push_back(',');
    out.push_back('{');
    Str(&out, "kind", std::string(AuthorityKindName(a.kind)));
    Str(&out, "name", a.name);
    if (!a.note.empty()) Str(&out, "note", a.note);
    out.push_back('}');
  }
  out.push_back(']');
  if (r.preservation.present) {
    const PreservationRules& p = r.preservation;
    Key(&out, "preservation");
    out.push_back('{');
    Num(&out, "days", p.days);
    Num(&out, "extension_days", p.extension_days);
    Num(&out, "traffic_retention_days", p.traffic_retention_days);
    if (!p.source.empty()) Str(&out, "source", p.source);
    if (!p.note.empty()) Str(&out, "note", p.note);
    out.push_back('}');
  }
  if (!r.note.empty()) Str(&out, "note", r.note);
  out.push_back('}');
  return out;
}

}  // namespace evenhand
