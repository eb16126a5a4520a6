// Notices from users and trusted flaggers: submission parsing, the
// lifecycle (every legal and illegal transition), each rejection reason,
// idempotent intake, priority order, deadlines from the regime, the messages
// sent to the notifier, and durability, on a real SQLite store.
#include "cases/notice_desk.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <set>

#include "cases/notice_json.h"
#include "model/time.h"

namespace evenhand {
namespace {

const int64_t kReceived = *ParseTimestamp("2026-11-21T08:00:00Z");
const int64_t kNow = *ParseTimestamp("2026-11-21T12:00:00Z");

// DE: NetzDG, "manifestly_unlawful" 24 h from the complaint, "other_unlawful"
// 168 h. BR: Marco Civil after the STF, covered but no hour figure.
RegimeAnswer FakeRegimes(const std::string& jurisdiction, const std::string& category, bool) {
  RegimeAnswer a;
  if (jurisdiction == "DE") {
    a.regime_found = true;
    a.regime_id = "de-netzdg";
    if (category == "manifestly_unlawful") {
      a.category_covered = true;
      a.deadline_hours = 24.0;
    } else if (category == "other_unlawful") {
      a.category_covered = true;
      a.deadline_hours = 168.0;
    }
  } else if (jurisdiction == "BR") {
    a.regime_found = true;
    a.regime_id = "br-marco-civil-stf-2025";
    a.category_covered = category == "other_unlawful_content";
  }
  return a;
}

bool Registered(const std::string& flagger_id) { return flagger_id == "tf-1"; }

class NoticeDeskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "evenhand-notices-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    Open();
    for (const char* id : {"p1", "p2", "p3"}) {
      Post p;
      p.id = id;
      p.account = "a1";
      ASSERT_TRUE(store_->PutPost(p).ok());
    }
  }
  void TearDown() override {
    desk_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    desk_.reset();
    store_.reset();
    auto s = OpenStore((std::filesystem::path(dir_) / "db.sqlite").string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(s).value();
    desk_ = std::make_unique<NoticeDesk>(store_.get(), FakeRegimes, Registered);
  }
  static Notice Draft(std::string reference = "ref-1") {
    Notice n;
    n.notifier = {"Jonas Weber", "jonas@mail.example", NotifierKind::kUser, ""};
    n.explanation = "A threat to kill a named person";
    n.location = {"p1"};
    n.category = "manifestly_unlawful";
    n.jurisdiction = "DE";
    n.good_faith = true;
    n.reference = std::move(reference);
    n.received = kReceived;
    return n;
  }
  NoticeSubmitResult Submit(Notice n) {
    auto r = desk_->Submit(std::move(n), "intake", kNow);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? std::move(r).value() : NoticeSubmitResult{};
  }
  // A notice moved to `state` along the lifecycle.
  Notice At(NoticeState state, const std::string& reference) {
    Notice n = Draft(reference);
    if (state == NoticeState::kRejected) n.good_faith = false;
    Notice out = Submit(n).notice;
    if (state == NoticeState::kRejected || state == NoticeState::kConfirmed) return out;
    out = *desk_->Review(out.id, "mod", kNow);
    if (state == NoticeState::kInReview) return out;
    NoticeEventArgs args{NoticeOutcome::kNoAction, NoticeAction::kNone, "lawful satire"};
    out = *desk_->Apply(out.id, NoticeEvent::kDecide, args, "mod", kNow);
    if (state == NoticeState::kDecided) return out;
    return *desk_->Inform(out.id, "mod", kNow);
  }
  std::vector<AuditEntry> Audit(const std::string& subject) {
    std::vector<AuditEntry> out;
    EXPECT_TRUE(store_->ForEachAudit([&](const AuditEntry& e) {
                        if (e.subject == subject) out.push_back(e);
                      }).ok());
    return out;
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<NoticeDesk> desk_;
};

// ---- the state machine ----

TEST(NoticeLifecycle, ExactlyTheDocumentedTransitionsAreLegal) {
  const std::set<std::tuple<NoticeState, NoticeEvent, NoticeState>> legal = {
      {NoticeState::kReceived, NoticeEvent::kConfirm, NoticeState::kConfirmed},
      {NoticeState::kReceived, NoticeEvent::kReject, NoticeState::kRejected},
      {NoticeState::kConfirmed, NoticeEvent::kReview, NoticeState::kInReview},
      {NoticeState::kInReview, NoticeEvent::kDecide, NoticeState::kDecided},
      {NoticeState::kDecided, NoticeEvent::kNotify, NoticeState::kNotified},
  };
  const NoticeState states[] = {NoticeState::kReceived, NoticeState::kRejected, NoticeState::kConfirmed,
                                NoticeState::kInReview, NoticeState::kDecided,  NoticeState::kNotified};
  const NoticeEvent events[] = {NoticeEvent::kConfirm, NoticeEvent::kReject, NoticeEvent::kReview,
                                NoticeEvent::kDecide, NoticeEvent::kNotify};
  int allowed = 0;
  for (NoticeState s : states)
    for (NoticeEvent e : events) {
      auto to = NextNoticeState(s, e);
      SCOPED_TRACE(std::string(NoticeStateName(s)) + " --" + std::string(NoticeEventName(e)) + "-->");
      if (to) {
        ++allowed;
        EXPECT_TRUE(legal.count({s, e, *to}));
      } else {
        for (const auto& [f, ev, t] : legal) EXPECT_FALSE(f == s && ev == e);
      }
    }
  EXPECT_EQ(allowed, 5);
  for (NoticeState s : states) EXPECT_EQ(ParseNoticeState(NoticeStateName(s)), s);
  for (NoticeEvent e : events) EXPECT_EQ(ParseNoticeEvent(NoticeEventName(e)), e);
  EXPECT_TRUE(NoticeIsOpen(NoticeState::kConfirmed));
  EXPECT_TRUE(NoticeIsOpen(NoticeState::kInReview));
  EXPECT_FALSE(NoticeIsOpen(NoticeState::kRejected));
  EXPECT_FALSE(NoticeIsOpen(NoticeState::kNotified));
}

TEST_F(NoticeDeskTest, EveryIllegalTransitionIsRefusedAndChangesNothing) {
  const NoticeState states[] = {NoticeState::kRejected, NoticeState::kConfirmed, NoticeState::kInReview,
                                NoticeState::kDecided, NoticeState::kNotified};
  const NoticeEvent events[] = {NoticeEvent::kConfirm, NoticeEvent::kReject, NoticeEvent::kReview,
                                NoticeEvent::kDecide, NoticeEvent::kNotify};
  int refused = 0;
  for (NoticeState s : states) {
    const Notice n = At(s, "ref-" + std::string(NoticeStateName(s)));
    ASSERT_EQ(n.state, s);
    for (NoticeEvent e : events) {
      if (NextNoticeState(s, e)) continue;
      SCOPED_TRACE(std::string(NoticeEventName(e)) + " from " + std::string(NoticeStateName(s)));
      NoticeEventArgs args{NoticeOutcome::kActionTaken, NoticeAction::kRemoved, "because"};
      auto r = desk_->Apply(n.id, e, args, "mod", kNow);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), Status::Code::kConflict) << r.status().message();
      EXPECT_EQ(desk_->Get(n.id)->state, s);
      ++refused;
    }
  }
  EXPECT_EQ(refused, 5 * 5 - 3);  // confirmed, in_review and decided each allow one event
}

TEST_F(NoticeDeskTest, LegalPathToNotifiedIsAuditedWithActorAndMessages) {
  Notice n = Submit(Draft()).notice;
  ASSERT_EQ(n.state, NoticeState::kConfirmed);
  auto reviewed = desk_->Review(n.id, "mod-a", kNow + 60);
  ASSERT_TRUE(reviewed.ok()) << reviewed.status().message();
  EXPECT_EQ(reviewed->state, NoticeState::kInReview);
  auto done = desk_->Decide(n.id, NoticeOutcome::kActionTaken, NoticeAction::kWithheld, "threat, s.241 StGB", "mod-a",
                            kNow + 120);
  ASSERT_TRUE(done.ok()) << done.status().message();
  EXPECT_EQ(done->state, NoticeState::kNotified);
  EXPECT_EQ(done->outcome, NoticeOutcome::kActionTaken);
  EXPECT_EQ(done->action, NoticeAction::kWithheld);
  EXPECT_EQ(done->decided_at, kNow + 120);
  EXPECT_EQ(done->notified_at, kNow + 120);
  ASSERT_EQ(done->outbox.size(), 2u);
  const NoticeMessage& decision = done->outbox[1];
  EXPECT_EQ(decision.to, "jonas@mail.example");
  EXPECT_EQ(decision.at, kNow + 120);
  for (const char* part : {n.id.c_str(), "withheld in DE", "threat, s.241 StGB", "Art. 20", "Art. 21", "court"})
    EXPECT_NE(decision.text.find(part), std::string::npos) << part << " missing in: " << decision.text;

  auto audit = Audit(n.id);
  std::vector<std::string> actions;
  for (const AuditEntry& e : audit) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"notice.submit", "notice.inform", "notice.review", "notice.decide",
                                               "notice.inform"}));
  EXPECT_EQ(audit[2].actor, "mod-a");
  EXPECT_NE(audit.back().payload.find("Art. 21"), std::string::npos);
}

TEST_F(NoticeDeskTest, DecideChecksOutcomeActionAndReason) {
  Notice n = At(NoticeState::kInReview, "ref-d");
  struct Case {
    NoticeOutcome outcome;
    NoticeAction action;
    const char* reason;
    const char* says;
  };
  const Case cases[] = {
      {NoticeOutcome::kNone, NoticeAction::kNone, "r", "needs an outcome"},
      {NoticeOutcome::kActionTaken, NoticeAction::kNone, "r", "needs the action"},
      {NoticeOutcome::kNoAction, NoticeAction::kRemoved, "r", "no_action takes no action"},
      {NoticeOutcome::kActionTaken, NoticeAction::kRemoved, "", "needs a reason"},
      {NoticeOutcome::kNoAction, NoticeAction::kNone, "", "needs a reason"},
  };
  for (const Case& c : cases) {
    auto r = desk_->Decide(n.id, c.outcome, c.action, c.reason, "mod", kNow);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Status::Code::kInvalid);
    EXPECT_NE(r.status().message().find(c.says), std::string::npos) << r.status().message();
    EXPECT_EQ(desk_->Get(n.id)->state, NoticeState::kInReview);
  }
  // A terms-of-service notice names no jurisdiction to withhold in.
  Notice tos = Draft("ref-tos");
  tos.jurisdiction.clear();
  tos = Submit(tos).notice;
  ASSERT_TRUE(desk_->Review(tos.id, "mod", kNow).ok());
  auto w = desk_->Decide(tos.id, NoticeOutcome::kActionTaken, NoticeAction::kWithheld, "r", "mod", kNow);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("jurisdiction"), std::string::npos);
  auto l = desk_->Decide(tos.id, NoticeOutcome::kActionTaken, NoticeAction::kLabelled, "misleading", "mod", kNow);
  ASSERT_TRUE(l.ok()) << l.status().message();
  EXPECT_NE(l->outbox.back().text.find("with a label"), std::string::npos);
  auto none = desk_->Decide(n.id, NoticeOutcome::kNoAction, NoticeAction::kNone, "lawful satire", "mod", kNow);
  ASSERT_TRUE(none.ok());
  EXPECT_NE(none->outbox.back().text.find("no action"), std::string::npos);
  EXPECT_NE(none->outbox.back().text.find("lawful satire"), std::string::npos);
}

TEST_F(NoticeDeskTest, InformFinishesADecisionWhoseMessageWasNotRecorded) {
  Notice n = At(NoticeState::kDecided, "ref-i");
  ASSERT_EQ(n.outbox.size(), 1u);
  auto r = desk_->Inform(n.id, "mod", kNow + 5);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->state, NoticeState::kNotified);
  EXPECT_EQ(r->outbox.size(), 2u);
  EXPECT_FALSE(desk_->Inform(n.id, "mod", kNow + 6).ok());  // sent once only
}

// ---- intake ----

TEST_F(NoticeDeskTest, ValidNoticeIsConfirmedWithAReceiptAndTheNetzDGClock) {
  NoticeSubmitResult r = Submit(Draft());
  const Notice& n = r.notice;
  EXPECT_FALSE(r.duplicate);
  EXPECT_EQ(n.id, NoticeDesk::NoticeId("jonas@mail.example", "ref-1"));
  EXPECT_EQ(n.id.substr(0, 4), "ntc-");
  EXPECT_EQ(n.id.size(), 4u + 16u);
  EXPECT_EQ(n.state, NoticeState::kConfirmed);
  EXPECT_EQ(n.regime, "de-netzdg");
  EXPECT_EQ(n.deadline, kReceived + 24 * 3600);  // 24 h from the complaint, not from intake
  EXPECT_FALSE(n.priority);
  ASSERT_EQ(n.outbox.size(), 1u);
  EXPECT_EQ(r.receipt.to, "jonas@mail.example");
  EXPECT_EQ(r.receipt.at, kNow);
  EXPECT_EQ(r.receipt.text, n.outbox[0].text);
  EXPECT_NE(r.receipt.text.find("We received your notice " + n.id), std::string::npos);
  EXPECT_NE(r.receipt.text.find("item p1"), std::string::npos);
}

TEST_F(NoticeDeskTest, NoDeadlineWhereTheLawSetsNoFigureButStillListed) {
  Notice br = Draft("ref-br");
  br.jurisdiction = "BR";
  br.category = "other_unlawful_content";
  Notice uncovered = Draft("ref-unc");
  uncovered.category = "copyright";  // no DE category: no regime clock
  Notice tos = Draft("ref-tos");
  tos.jurisdiction.clear();
  for (Notice n : {br, uncovered, tos}) {
    Notice got = Submit(n).notice;
    EXPECT_EQ(got.state, NoticeState::kConfirmed) << n.reference;
    EXPECT_EQ(got.deadline, 0) << n.reference;
  }
  EXPECT_EQ(desk_->Get(NoticeDesk::NoticeId("jonas@mail.example", "ref-br"))->regime, "br-marco-civil-stf-2025");
  EXPECT_EQ(desk_->Get(NoticeDesk::NoticeId("jonas@mail.example", "ref-unc"))->regime, "");
  auto all = desk_->List({}, kNow);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
  NoticeListFilter due;
  due.due_within = 365 * 86400;
  EXPECT_TRUE(desk_->List(due, kNow)->empty());
}

TEST_F(NoticeDeskTest, EachRejectionReasonIsStoredAndSentToTheNotifier) {
  struct Case {
    const char* reference;
    void (*mutate)(Notice*);
    const char* says;
  };
  const Case cases[] = {
      {"no-expl", [](Notice* n) { n->explanation.clear(); }, "no explanation"},
      {"blank-expl", [](Notice* n) { n->explanation = "  \n"; }, "no explanation"},
      {"no-loc", [](Notice* n) { n->location.clear(); }, "no location"},
      {"no-gf", [](Notice* n) { n->good_faith = false; }, "no good-faith statement"},
      {"unknown", [](Notice* n) { n->location = {"p1", "p404", "p405"}; }, "unknown items: \"p404\", \"p405\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.reference);
    Notice draft = Draft(c.reference);
    c.mutate(&draft);
    NoticeSubmitResult r = Submit(draft);
    EXPECT_EQ(r.notice.state, NoticeState::kRejected);
    EXPECT_NE(r.notice.reason.find(c.says), std::string::npos) << r.notice.reason;
    EXPECT_EQ(r.notice.deadline, 0);
    ASSERT_EQ(r.notice.outbox.size(), 1u);
    EXPECT_NE(r.receipt.text.find("cannot act on it: " + r.notice.reason), std::string::npos) << r.receipt.text;
    EXPECT_EQ(r.receipt.to, "jonas@mail.example");
    // Stored as such, and audited as a message to the notifier.
    auto stored = desk_->Get(r.notice.id);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->state, NoticeState::kRejected);
    EXPECT_EQ(stored->reason, r.notice.reason);
    auto audit = Audit(r.notice.id);
    ASSERT_EQ(audit.size(), 2u);
    EXPECT_EQ(audit[1].action, "notice.inform");
    EXPECT_NE(audit[1].payload.find("\"to\":\"rejected\""), std::string::npos) << audit[1].payload;
  }
}

TEST_F(NoticeDeskTest, IntakeIsIdempotentByContactAndReference) {
  NoticeSubmitResult first = Submit(Draft());
  Notice again = Draft();
  again.explanation = "changed wording";
  NoticeSubmitResult second = Submit(again);
  EXPECT_TRUE(second.duplicate);
  EXPECT_EQ(second.notice.id, first.notice.id);
  EXPECT_EQ(second.notice.explanation, first.notice.explanation);
  EXPECT_EQ(second.receipt.text, first.receipt.text);
  EXPECT_EQ(Audit(first.notice.id).size(), 2u);  // submit + receipt, once
  // Another notifier may use the same reference.
  Notice other = Draft();
  other.notifier.contact = "someone@else.example";
  EXPECT_NE(Submit(other).notice.id, first.notice.id);
}

TEST_F(NoticeDeskTest, ARepeatFinishesAnIntakeThatWasCutShort) {
  // As if the process died between storing the notice and confirming it.
  Notice n = Draft("ref-cut");
  n.id = NoticeDesk::NoticeId(n.notifier.contact, n.reference);
  CaseRecord c;
  c.id = n.id;
  c.kind = "notice";
  c.issuer = n.notifier.contact;
  c.reference = n.reference;
  c.jurisdiction = n.jurisdiction;
  c.state = "received";
  c.received = n.received;
  c.body = NoticeToJson(n).dump();
  bool inserted = false;
  CaseRecord existing;
  ASSERT_TRUE(store_->InsertCase(c, "intake", "notice.submit", "{}", &inserted, &existing).ok());
  ASSERT_TRUE(inserted);
  NoticeSubmitResult r = Submit(Draft("ref-cut"));
  EXPECT_TRUE(r.duplicate);
  EXPECT_EQ(r.notice.state, NoticeState::kConfirmed);
  EXPECT_EQ(r.notice.outbox.size(), 1u);
}

TEST_F(NoticeDeskTest, TrustedFlaggersFirstThenDeadlineThenReceived) {
  auto make = [&](std::string ref, NotifierKind kind, std::string flagger, std::string category, int64_t received) {
    Notice n = Draft(std::move(ref));
    n.notifier.kind = kind;
    n.notifier.flagger_id = std::move(flagger);
    n.category = std::move(category);
    n.received = received;
    return Submit(n).notice;
  };
  // Received in this order; expected order in the list in the comments.
  Notice user_none = make("u-none", NotifierKind::kUser, "", "copyright", kReceived - 7200);           // 5
  Notice user_week = make("u-week", NotifierKind::kUser, "", "other_unlawful", kReceived - 3600);     // 4
  Notice user_day = make("u-day", NotifierKind::kUser, "", "manifestly_unlawful", kReceived);         // 2
  Notice user_day_late = make("u-day2", NotifierKind::kUser, "", "manifestly_unlawful", kReceived + 60);  // 3
  Notice tf_none = make("tf-none", NotifierKind::kTrustedFlagger, "tf-1", "copyright", kReceived + 120);  // 1
  Notice tf_week =
      make("tf-week", NotifierKind::kTrustedFlagger, "tf-1", "other_unlawful", kReceived + 180);  // 0
  Notice claim = make("claim", NotifierKind::kTrustedFlagger, "tf-nobody", "copyright", kReceived - 9000);  // 6?
  EXPECT_TRUE(tf_week.priority);
  EXPECT_TRUE(tf_none.priority);
  EXPECT_FALSE(claim.priority) << "an unregistered claim gets no priority";
  EXPECT_NE(tf_week.outbox[0].text.find("with priority"), std::string::npos);

  auto all = desk_->List({}, kNow);
  ASSERT_TRUE(all.ok());
  std::vector<std::string> got;
  for (const Notice& n : *all) got.push_back(n.reference);
  // Among deadline-less user notices, the earlier received comes first.
  EXPECT_EQ(got, (std::vector<std::string>{"tf-week", "tf-none", "u-day", "u-day2", "u-week", "claim", "u-none"}));

  NoticeListFilter trusted;
  trusted.trusted_only = true;
  auto t = desk_->List(trusted, kNow);
  ASSERT_EQ(t->size(), 2u);
  EXPECT_EQ((*t)[0].reference, "tf-week");

  // Due within a day: only the 24 h notices, and only while open.
  NoticeListFilter due;
  due.due_within = 86400;
  auto d = desk_->List(due, kNow);
  ASSERT_EQ(d->size(), 2u);
  EXPECT_EQ((*d)[0].reference, "u-day");
  ASSERT_TRUE(desk_->Review(user_day.id, "mod", kNow).ok());
  ASSERT_TRUE(desk_->Decide(user_day.id, NoticeOutcome::kNoAction, NoticeAction::kNone, "lawful", "mod", kNow).ok());
  EXPECT_EQ(desk_->List(due, kNow)->size(), 1u);
  NoticeListFilter notified;
  notified.state = NoticeState::kNotified;
  EXPECT_EQ(desk_->List(notified, kNow)->size(), 1u);
  (void)user_none;
  (void)user_week;
  (void)user_day_late;
}

TEST_F(NoticeDeskTest, EverythingSurvivesReopeningTheStore) {
  Notice n = Submit(Draft()).notice;
  ASSERT_TRUE(desk_->Review(n.id, "mod", kNow).ok());
  ASSERT_TRUE(desk_->Decide(n.id, NoticeOutcome::kActionTaken, NoticeAction::kRemoved, "threat", "mod", kNow).ok());
  Open();
  auto back = desk_->Get(n.id);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->state, NoticeState::kNotified);
  EXPECT_EQ(back->action, NoticeAction::kRemoved);
  EXPECT_EQ(back->deadline, kReceived + 86400);
  EXPECT_EQ(back->outbox.size(), 2u);
  EXPECT_EQ(back->notifier.contact, "jonas@mail.example");
  EXPECT_EQ(back->location, std::vector<std::string>{"p1"});
  EXPECT_TRUE(Submit(Draft()).duplicate);
  auto report = VerifyAudit(*store_);
  ASSERT_TRUE(report.ok());
}

TEST_F(NoticeDeskTest, GetRefusesOtherKindsAndUnknownIds) {
  EXPECT_EQ(desk_->Get("ntc-0000000000000000").status().code(), Status::Code::kNotFound);
  EXPECT_EQ(desk_->Review("ntc-0000000000000000", "mod", kNow).status().code(), Status::Code::kNotFound);
}

// ---- JSON ----

TEST(NoticeJson, ParsesASubmissionAndDefaults) {
  auto n = ParseNoticeSubmission(
      R"({"notifier":{"name":"A","contact":"a@b.example"},"explanation":"x","location":["p1","p2"],)"
      R"("jurisdiction":"BR","good_faith":true})",
      kNow);
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(n->notifier.kind, NotifierKind::kUser);
  EXPECT_EQ(n->category, "not_specified_notice");
  EXPECT_EQ(n->received, kNow);
  EXPECT_EQ(n->location.size(), 2u);
  EXPECT_EQ(n->reference.substr(0, 4), "gen-");
  // The generated reference depends on the content, not on the time.
  auto same = ParseNoticeSubmission(
      R"({"notifier":{"name":"A","contact":"a@b.example"},"explanation":"x","location":["p1","p2"],)"
      R"("jurisdiction":"BR","good_faith":true,"received":"2026-11-01T00:00:00Z"})",
      kNow);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->reference, n->reference);
  // Missing explanation, location and good faith parse (the desk rejects them).
  auto bare = ParseNoticeSubmission(R"({"notifier":{"contact":"a@b.example"}})", kNow);
  ASSERT_TRUE(bare.ok()) << bare.status().message();
  EXPECT_FALSE(bare->good_faith);
  EXPECT_TRUE(bare->location.empty());
}

TEST(NoticeJson, NamesTheFieldThatIsWrong) {
  const std::pair<const char*, const char*> cases[] = {
      {"[]", "JSON object"},
      {"{", "not valid JSON"},
      {R"({"explanation":"x"})", "notifier:"},
      {R"({"notifier":{"contact":"no-at-sign"}})", "notifier.contact"},
      {R"({"notifier":{"name":"A"}})", "notifier.contact: missing"},
      {R"({"notifier":{"contact":"a@b.example","kind":"police"}})", "notifier.kind"},
      {R"({"notifier":{"contact":"a@b.example","kind":"trusted_flagger"}})", "notifier.flagger_id: missing"},
      {R"({"notifier":{"contact":"a@b.example","role":"x"}})", "notifier.role: unknown field"},
      {R"({"notifier":{"contact":"a@b.example"},"urgent":true})", "urgent: unknown field"},
      {R"({"notifier":{"contact":"a@b.example"},"location":"p1"})", "location: must be an array"},
      {R"({"notifier":{"contact":"a@b.example"},"location":[""]})", "location[0]"},
      {R"({"notifier":{"contact":"a@b.example"},"good_faith":"yes"})", "good_faith"},
      {R"({"notifier":{"contact":"a@b.example"},"explanation":5})", "explanation: must be a string"},
      {R"({"notifier":{"contact":"a@b.example"},"received":"yesterday"})", "received"},
  };
  for (const auto& [text, says] : cases) {
    auto r = ParseNoticeSubmission(text, kNow);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.status().message().find(says), std::string::npos) << text << " -> " << r.status().message();
  }
}

TEST(NoticeJson, RecordRoundTrips) {
  Notice n;
  n.id = "ntc-1";
  n.notifier = {"F", "f@x.example", NotifierKind::kTrustedFlagger, "tf-1"};
  n.explanation = "e";
  n.location = {"p1"};
  n.category = "manifestly_unlawful";
  n.jurisdiction = "DE";
  n.good_faith = true;
  n.reference = "r";
  n.regime = "de-netzdg";
  n.received = kReceived;
  n.deadline = kReceived + 86400;
  n.priority = true;
  n.state = NoticeState::kNotified;
  n.outcome = NoticeOutcome::kActionTaken;
  n.action = NoticeAction::kLabelled;
  n.reason = "why";
  n.decided_at = kNow;
  n.notified_at = kNow + 1;
  n.outbox = {{"f@x.example", kNow, "receipt"}, {"f@x.example", kNow + 1, "decision"}};
  auto back = NoticeFromJson(NoticeToJson(n).dump());
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(NoticeToJson(*back).dump(), NoticeToJson(n).dump());
  EXPECT_FALSE(NoticeFromJson(R"({"state":"lost"})").ok());
}

}  // namespace
}  // namespace evenhand
