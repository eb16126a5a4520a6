// `evenhand datareq submit|list|show|prepare|approve|refuse|disclose|
// follow-up|notify-due|stats`: data-disclosure requests from authorities,
// JSON in and out. Writes go through the DataRequestDesk, so every change
// is durable and audited before anything is printed.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>

#include "cases/datareq_desk.h"
#include "model/replace_file.h"
#include "cases/datareq_json.h"
#include "cases/datareq_regimes.h"
#include "cases/datareq_stats.h"
#include "cases/case_history.h"
#include "cli/case_cli.h"
#include "cli/commands.h"
#include "model/time.h"
#include "store/store.h"

namespace evenhand::cli {

namespace {

using OJson = nlohmann::ordered_json;

struct Common : CaseFlags {
  double follow_up_hours = 48.0;
};

int Fail(const std::string& verb, const std::string& message) {
  std::fprintf(stderr, "evenhand datareq %s: %s\n", verb.c_str(), message.c_str());
  return 1;
}

bool ParseTime(const std::string& verb, const char* flag, const std::string& text, int64_t* out) {
  auto t = ParseTimestamp(text);
  if (!t) {
    Fail(verb, std::string(flag) + ": \"" + text + "\" is not an RFC 3339 time");
    return false;
  }
  *out = *t;
  return true;
}

bool ResolveNow(const Common& c, const std::string& verb, int64_t* now) {
  Result<int64_t> t = cli::ResolveNow(c);
  if (!t.ok()) {
    Fail(verb, t.status().message());
    return false;
  }
  *now = *t;
  return true;
}

struct Desk {
  std::unique_ptr<Store> store;
  std::unique_ptr<DataRequestDesk> desk;
  std::string actor;  // --actor resolved (ResolveActor)
};

Result<Desk> OpenDesk(const Common& c, OpenMode mode) {
  if (!(c.follow_up_hours > 0)) return Status::Invalid("--follow-up-hours: must be more than 0");
  auto loaded = LoadRegimes(c);
  if (!loaded.ok()) return loaded.status();
  auto store = OpenCaseStore(c, mode);
  if (!store.ok()) return store.status();
  Desk d;
  d.store = std::move(store).value();
  auto actor = ResolveActor(*d.store, c.actor);
  if (!actor.ok()) return actor.status();
  d.actor = std::move(actor).value();
  DataRequestDeskOptions options;
  options.follow_up_default_hours = c.follow_up_hours;
  d.desk = std::make_unique<DataRequestDesk>(d.store.get(), MakeInfoRequestLookup(std::move(loaded).value()), options);
  return d;
}

// Writes `text` to `path`.tmp and syncs it; the caller renames it into
// place (PlaceFile) or removes it. Nothing is left behind on failure.
Status WriteTemp(const std::string& path, const std::string& text, std::string* tmp_path) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Io(tmp + ": cannot create: " + std::strerror(errno));
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string err = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::Io(tmp + ": cannot write: " + err);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Status::Io(tmp + ": cannot sync: " + err);
  }
  *tmp_path = tmp;
  return Status::Ok();
}

int Submit(const Common& c, const std::string& path) {
  int64_t now = 0;
  if (!ResolveNow(c, "submit", &now)) return 1;
  // Parse everything first: a malformed line stores nothing at all.
  std::vector<DataRequest> requests;
  Result<int64_t> parsed = ParseEachLine(path, [&](std::string_view line) {
    auto r = ParseDataRequestSubmission(line, now);
    if (!r.ok()) return r.status();
    requests.push_back(std::move(r).value());
    return Status::Ok();
  });
  if (!parsed.ok()) return Fail("submit", parsed.status().message());
  if (requests.empty()) return Fail("submit", path + ": no data requests");
  auto desk = OpenDesk(c, OpenMode::kCreate);
  if (!desk.ok()) return Fail("submit", desk.status().message());
  for (DataRequest& r : requests) {
    auto res = desk->desk->Submit(std::move(r), desk->actor);
    if (!res.ok()) return Fail("submit", res.status().message());
    OJson j = DataRequestToJson(res->request, false);
    j["duplicate"] = res->duplicate;
    PrintJsonLine(j);  // printed only once durable
  }
  return 0;
}

int List(const Common& c, const std::string& state, bool flagged) {
  int64_t now = 0;
  if (!ResolveNow(c, "list", &now)) return 1;
  std::optional<DataRequestState> s;
  if (!state.empty()) {
    s = ParseDataRequestState(state);
    if (!s) return Fail("list", "--state: unknown state \"" + state + "\"");
  }
  auto desk = OpenDesk(c, OpenMode::kMustExist);
  if (!desk.ok()) return Fail("list", desk.status().message());
  auto all = desk->desk->List(s, flagged, now);
  if (!all.ok()) return Fail("list", all.status().message());
  for (const DataRequest& r : *all) {
    OJson j = DataRequestToJson(r, false);
    j["follow_up_overdue"] = r.FollowUpOverdue(now);
    PrintJsonLine(j);
  }
  return 0;
}

int Show(const Common& c, const std::string& id) {
  auto desk = OpenDesk(c, OpenMode::kMustExist);
  if (!desk.ok()) return Fail("show", desk.status().message());
  auto r = desk->desk->Get(id);
  if (!r.ok()) return Fail("show", r.status().message());
  OJson j = DataRequestToJson(*r, true);
  auto history = CaseHistoryJson(*desk->store, id);
  if (!history.ok()) return Fail("show", history.status().message());
  j["history"] = std::move(history).value();
  std::printf("%s\n", j.dump(2, ' ', false, OJson::error_handler_t::replace).c_str());
  return 0;
}

// prepare / approve / refuse / follow-up: one desk call, then the record.
int Step(const Common& c, const std::string& verb,
         const std::function<Result<DataRequest>(DataRequestDesk&, const std::string&, int64_t)>& call,
         bool with_package) {
  int64_t now = 0;
  if (!ResolveNow(c, verb, &now)) return 1;
  auto desk = OpenDesk(c, OpenMode::kMustExist);
  if (!desk.ok()) return Fail(verb, desk.status().message());
  auto r = call(*desk->desk, desk->actor, now);
  if (!r.ok()) return Fail(verb, r.status().message());
  PrintJsonLine(DataRequestToJson(*r, with_package));
  return 0;
}

int Disclose(const Common& c, const std::string& id, const std::string& out) {
  int64_t now = 0;
  if (!ResolveNow(c, "disclose", &now)) return 1;
  auto desk = OpenDesk(c, OpenMode::kMustExist);
  if (!desk.ok()) return Fail("disclose", desk.status().message());
  auto current = desk->desk->Get(id);
  if (!current.ok()) return Fail("disclose", current.status().message());
  if (current->state != DataRequestState::kApproved)
    return Fail("disclose", "data request " + id + " is " + std::string(DataRequestStateName(current->state)) +
                                ", not approved");
  // The package is written and synced first, the disclosure recorded
  // next, and only then is the file renamed into place: a failed
  // disclosure leaves no package behind, and a package in place is one
  // whose disclosure is on record.
  std::string tmp;
  if (Status s = WriteTemp(out, current->package + "\n", &tmp); !s.ok()) return Fail("disclose", s.message());
  auto r = desk->desk->Disclose(id, desk->actor, now);
  if (!r.ok()) {
    ::unlink(tmp.c_str());
    return Fail("disclose", r.status().message());
  }
  if (Status s = ReplaceFile(tmp, out); !s.ok())
    return Fail("disclose", "the disclosure is recorded but " + out + " could not be put in place (" +
                                s.message() + "); the package is in " + tmp);
  OJson j = DataRequestToJson(*r, false);
  j["package_file"] = out;
  j["notify_users_now"] = r->user_notified_at != 0 ? OJson(r->targets) : OJson::array();
  PrintJsonLine(j);
  return 0;
}

int NotifyDue(const Common& c, bool mark) {
  int64_t now = 0;
  if (!ResolveNow(c, "notify-due", &now)) return 1;
  if (mark && c.actor.empty()) return Fail("notify-due", "--mark needs --actor");
  auto desk = OpenDesk(c, OpenMode::kMustExist);
  if (!desk.ok()) return Fail("notify-due", desk.status().message());
  auto due = desk->desk->NotifyDue(now);
  if (!due.ok()) return Fail("notify-due", due.status().message());
  for (const DataRequest& r : *due) {
    OJson j;
    j["request"] = r.id;
    j["authority"] = r.authority;
    j["jurisdiction"] = r.jurisdiction;
    j["users"] = r.targets;
    j["disclosed_at"] = FormatTimestamp(r.disclosed_at);
    j["gag_until"] = FormatTimestamp(r.gag_until);
    if (mark) {
      auto marked = desk->desk->MarkNotified(r.id, desk->actor, now);
      if (!marked.ok()) return Fail("notify-due", marked.status().message());
      j["notified_at"] = FormatTimestamp(marked->user_notified_at);
    }
    PrintJsonLine(j);
  }
  return 0;
}

int Stats(const Common& c, const std::string& since_text, const std::string& until_text) {
  int64_t now = 0, since = 0, until = 0;
  if (!ResolveNow(c, "stats", &now)) return 1;
  if (!since_text.empty() && !ParseTime("stats", "--since", since_text, &since)) return 1;
  if (!until_text.empty() && !ParseTime("stats", "--until", until_text, &until)) return 1;
  auto desk = OpenDesk(c, OpenMode::kMustExist);
  if (!desk.ok()) return Fail("stats", desk.status().message());
  auto all = desk->desk->List(std::nullopt, false, now);
  if (!all.ok()) return Fail("stats", all.status().message());
  OJson j = DataRequestStatsToJson(CountDataRequests(*all, now, since, until));
  std::printf("%s\n", j.dump(2).c_str());
  return 0;
}

void AddCommon(CLI::App* cmd, Common* c, bool actor) {
  AddCaseFlags(cmd, c, actor, "Directory of regime files (information-request deadlines)");
}

}  // namespace

void AddDataRequestCommand(CLI::App& app, int* exit_code) {
  auto* dr = app.add_subcommand(
      "datareq",
      "Data-disclosure requests from authorities: intake, minimised packages, four-eyes approval, gag periods, "
      "counts");
  dr->require_subcommand(1);
  auto c = std::make_shared<Common>();
  auto id = std::make_shared<std::string>();

  auto path = std::make_shared<std::string>();
  auto* submit = dr->add_subcommand(
      "submit",
      "Take in data requests (JSON Lines: authority, jurisdiction, reference, legal_process {kind: court_order|"
      "warrant|subpoena|statutory_notice|emergency_none, reference}, fields [account.id, account.created, "
      "account.country, account.registration_ip, account.logins.ts, account.logins.ip, account.logins.port, "
      "account.logins.device, account.posts.ids, account.posts.text, account.posts.ts, account.posts.region, "
      "account.posts.lang], targets [account ids], emergency, received, gag_until). Each is stored accepted (with "
      "the regime's information-request deadline) or rejected (with the reason) before it is printed; a repeat of "
      "(authority, reference) returns the request on file");
  AddCommon(submit, c.get(), true);
  submit->add_option("--follow-up-hours", c->follow_up_hours,
                     "Window for the legal process to follow an emergency request, when the regime sets no "
                     "emergency information-request figure (a deployment default)")
      ->capture_default_str();
  submit->add_option("FILE", *path, "Requests, one JSON object a line; - for stdin")->required();
  submit->callback([c, path, exit_code] { *exit_code = Submit(*c, *path); });

  struct ListArgs {
    std::string state;
    bool flagged = false;
  };
  auto la = std::make_shared<ListArgs>();
  auto* list = dr->add_subcommand("list", "List data requests as JSON Lines, oldest first (without packages)");
  AddCommon(list, c.get(), false);
  list->add_option("--state", la->state,
                   "Only requests in this state (received, rejected, accepted, prepared, approved, disclosed, refused)");
  list->add_flag("--flagged", la->flagged,
                 "Only emergency requests answered before legal process whose process did not follow in time");
  list->callback([c, la, exit_code] { *exit_code = List(*c, la->state, la->flagged); });

  auto* show = dr->add_subcommand("show", "Show one request with its package and audit history");
  AddCommon(show, c.get(), false);
  show->add_option("ID", *id, "Request id (dr-...)")->required();
  show->callback([c, id, exit_code] { *exit_code = Show(*c, *id); });

  auto* prepare = dr->add_subcommand(
      "prepare",
      "Build the disclosure package of an accepted request: only the requested fields its legal process covers; "
      "the rest is listed as withheld. Prints the request with the package");
  AddCommon(prepare, c.get(), true);
  prepare->add_option("ID", *id, "Request id")->required();
  prepare->callback([c, id, exit_code] {
    *exit_code = Step(*c, "prepare", [&](DataRequestDesk& d, const std::string& actor, int64_t now) { return d.Prepare(*id, actor, now); },
                      true);
  });

  auto* approve = dr->add_subcommand(
      "approve", "Approve a prepared package; the approver must be another person than the preparer (four-eyes)");
  AddCommon(approve, c.get(), true);
  approve->add_option("ID", *id, "Request id")->required();
  approve->callback([c, id, exit_code] {
    *exit_code = Step(*c, "approve", [&](DataRequestDesk& d, const std::string& actor, int64_t now) { return d.Approve(*id, actor, now); },
                      false);
  });

  auto reason = std::make_shared<std::string>();
  auto* refuse = dr->add_subcommand("refuse", "Refuse an accepted or prepared request, with the reason");
  AddCommon(refuse, c.get(), true);
  refuse->add_option("ID", *id, "Request id")->required();
  refuse->add_option("--reason", *reason, "Why the request is refused (sent to the authority, counted)")->required();
  refuse->callback([c, id, reason, exit_code] {
    *exit_code = Step(
        *c, "refuse", [&](DataRequestDesk& d, const std::string& actor, int64_t now) { return d.Refuse(*id, *reason, actor, now); }, false);
  });

  auto note = std::make_shared<std::string>();
  auto* review = dr->add_subcommand(
      "legal-review", "Record the legal review a cross-border request needs before approval (its conclusion)");
  AddCommon(review, c.get(), true);
  review->add_option("ID", *id, "Request id")->required();
  review->add_option("--note", *note, "The review's conclusion (audited)")->required();
  review->callback([c, id, note, exit_code] {
    *exit_code = Step(
        *c, "legal-review",
        [&](DataRequestDesk& d, const std::string& actor, int64_t now) { return d.RecordLegalReview(*id, *note, actor, now); },
        false);
  });

  auto out = std::make_shared<std::string>();
  auto* disclose = dr->add_subcommand(
      "disclose",
      "Release an approved package: write it to -o FILE and record the disclosure. Users are notified at once "
      "unless a gag period runs (see notify-due)");
  AddCommon(disclose, c.get(), true);
  disclose->add_option("ID", *id, "Request id")->required();
  disclose->add_option("-o,--output", *out, "Where to write the package (JSON)")->required();
  disclose->callback([c, id, out, exit_code] { *exit_code = Disclose(*c, *id, *out); });

  struct FollowUpArgs {
    std::string kind, ref;
  };
  auto fa = std::make_shared<FollowUpArgs>();
  auto* follow = dr->add_subcommand(
      "follow-up", "Record the legal process that followed an emergency request answered before legal process");
  AddCommon(follow, c.get(), true);
  follow->add_option("ID", *id, "Request id")->required();
  follow->add_option("--process-kind", fa->kind, "court_order, warrant, subpoena or statutory_notice")
      ->check(CLI::IsMember({"court_order", "warrant", "subpoena", "statutory_notice"}))
      ->required();
  follow->add_option("--process-ref", fa->ref, "The legal process's reference")->required();
  follow->callback([c, id, fa, exit_code] {
    *exit_code = Step(
        *c, "follow-up",
        [&](DataRequestDesk& d, const std::string& actor, int64_t now) {
          LegalProcess p{*ParseLegalProcessKind(fa->kind), fa->ref};
          return d.RecordFollowUp(*id, p, actor, now);
        },
        false);
  });

  auto mark = std::make_shared<bool>(false);
  auto* notify = dr->add_subcommand(
      "notify-due",
      "List (JSON Lines) the disclosed requests whose gag period has ended and whose users must now be notified; "
      "with --mark, record that they were notified (audited)");
  AddCommon(notify, c.get(), false);
  notify->add_option("--actor", c->actor, "Who records the notification (required with --mark)");
  notify->add_flag("--mark", *mark, "Record the notification of each listed request");
  notify->callback([c, mark, exit_code] { *exit_code = NotifyDue(*c, *mark); });

  struct StatsArgs {
    std::string since, until;
  };
  auto sa = std::make_shared<StatsArgs>();
  auto* stats = dr->add_subcommand(
      "stats",
      "Count every request by jurisdiction x legal process x outcome (granted, partly_granted, refused, rejected, "
      "pending); emergency requests in rows of their own and a separate summary");
  AddCommon(stats, c.get(), false);
  stats->add_option("--since", sa->since, "Only requests received at or after this time (RFC 3339)");
  stats->add_option("--until", sa->until, "Only requests received before this time (RFC 3339)");
  stats->callback([c, sa, exit_code] { *exit_code = Stats(*c, sa->since, sa->until); });
}

}  // namespace evenhand::cli
