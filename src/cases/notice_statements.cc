#include "cases/notice_statements.h"

#include "cases/notice_json.h"
#include "model/category.h"

namespace evenhand {

namespace {

const Regime* FindRegime(const std::vector<Regime>& regimes, const std::string& id) {
  for (const Regime& r : regimes)
    if (r.id == id) return &r;
  return nullptr;
}

std::string DsaCategoryOf(const Notice& n, const Regime* regime) {
  if (auto canonical = CanonicalCategory(n.category)) return std::string(*canonical);
  if (regime != nullptr)
    if (const RegimeCategory* c = regime->FindCategory(n.category); c && !c->dsa_categories.empty())
      if (auto canonical = CanonicalCategory(c->dsa_categories.front())) return std::string(*canonical);
  return "not_specified_notice";
}

bool Decided(const Notice& n) {
  return (n.state == NoticeState::kDecided || n.state == NoticeState::kNotified) &&
         n.outcome == NoticeOutcome::kActionTaken;
}

}  // namespace

bool NoticeRestricts(const Notice& n) {
  return Decided(n) && (n.action == NoticeAction::kWithheld || n.action == NoticeAction::kRemoved);
}

Status ForEachNoticeStatement(Store& store, const std::vector<Regime>& regimes, const StatementOptions& options,
                              const std::function<void(const Statement&)>& fn) {
  CaseFilter filter;
  filter.kind = "notice";
  Result<std::vector<CaseRecord>> records = store.ListCases(filter);
  if (!records.ok()) return records.status();
  for (const CaseRecord& rec : *records) {
    Result<Notice> n = NoticeFromJson(rec.body);
    if (!n.ok()) return n.status();
    if (!Decided(*n) || n->action == NoticeAction::kNone) continue;
    const Regime* regime = FindRegime(regimes, n->regime);
    Decision d;
    d.action = n->action == NoticeAction::kRemoved    ? Action::kRemove
               : n->action == NoticeAction::kWithheld ? Action::kWithhold
                                                      : Action::kLabel;
    if (d.action == Action::kWithhold) d.scope = {n->jurisdiction};
    d.category = DsaCategoryOf(*n, regime);
    d.reason = n->reason;
    d.policy = "notice";
    for (const std::string& item : n->location) {
      Result<Post> post = store.GetPost(item);
      if (!post.ok()) {
        if (post.status().code() == Status::Code::kNotFound) continue;
        return post.status();
      }
      d.item = item;
      d.account = post->account;
      std::optional<Statement> st;
      if (!n->jurisdiction.empty()) {
        OrderFacts facts;  // judged against the law of the notice's jurisdiction
        facts.id = n->id;
        facts.authority = n->notifier.kind == NotifierKind::kTrustedFlagger ? n->notifier.name : "";
        facts.jurisdiction = n->jurisdiction;
        facts.instrument = regime != nullptr ? regime->instrument : "the law of " + n->jurisdiction;
        facts.received = n->received;
        facts.explanation = n->reason;
        st = BuildOrderStatement(facts, d, *post, n->decided_at, options);
      } else {
        st = BuildStatement(d, *post, n->decided_at, options);
      }
      if (!st) continue;
      st->source_type = n->priority ? "SOURCE_TRUSTED_FLAGGER" : "SOURCE_ARTICLE_16";
      st->source_identity = n->priority ? n->notifier.name : "";
      st->automated_detection = "No";
      st->automated_decision = "AUTOMATED_DECISION_NOT_AUTOMATED";
      st->puid = "n-" + PuidPart(n->id) + "-" + PuidPart(item);
      const std::string by = n->priority ? "the trusted flagger " + n->notifier.name : std::string("a user");
      const std::string what = d.action == Action::kRemove     ? "the content was removed"
                               : d.action == Action::kWithhold ? "access to the content was disabled in " + n->jurisdiction
                                                                : "the content was labelled";
      st->decision_facts = "Acting on notice " + n->id + " from " + by + ", received " + DsaDate(n->received) +
                           (n->jurisdiction.empty() ? ", and reviewed against the terms of service, "
                                                    : ", and reviewed against the law of " + n->jurisdiction + ", ") +
                           what + ".";
      fn(*st);
    }
  }
  return Status::Ok();
}

}  // namespace evenhand
