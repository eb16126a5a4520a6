// `evenhand scan`: decide every post of a JSONL stream with a policy; write
// decisions as JSONL and, with --db, keep them in a store with an audit trail.
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>

#include "cli/commands.h"
#include "cli/temp_output.h"
#include "model/time.h"
#include "pipeline/pipeline.h"
#include "pipeline/progress.h"
#include "policy/loader.h"

namespace evenhand::cli {

namespace {

struct ScanArgs {
  std::string input = "-";
  std::string policy;
  std::string output = "-";
  std::string db;
  std::string accounts;
  std::string behavior_signals;  // evenhand behavior --signals output
  std::string on_error = "stop";
  std::string detect_lang = "auto";
  // Videos in posts (vPDQ): frames sampled, and the limits of one video.
  float video_seconds_per_hash = 1.0f;
  double max_video_duration = VideoLimits{}.max_duration_s;
  double max_video_decode_seconds = VideoLimits{}.max_decode_seconds;
  std::string format = "jsonl";
  std::string now;
  std::string summary_json;
  int threads = 0;
  bool quiet = false;
  InputLimits limits;
  ocr::OcrOptions ocr;  // text in images, for policies that read ocr.*
  ocr::FuzzyTerms::Options ocr_fuzzy;
  float ocr_video_seconds = ScanOptions{}.ocr_video_seconds;
  int ocr_video_frames = ScanOptions{}.ocr_video_max_frames;
};

void PrintSummary(const ScanStats& stats, const std::string& policy_id, const ScanArgs& args) {
  std::fprintf(stderr, "scanned %llu posts in %.2f s (%.0f posts/s) with policy %s\n",
               static_cast<unsigned long long>(stats.posts), stats.seconds,
               stats.seconds > 0 ? stats.posts / stats.seconds : 0.0, policy_id.c_str());
  if (stats.bad_lines) std::fprintf(stderr, "skipped %llu bad lines\n", static_cast<unsigned long long>(stats.bad_lines));
  std::fprintf(stderr, "  %-18s %8s\n", "action", "posts");
  for (int a = 0; a < kActionCount; ++a) {
    std::string name(ActionName(static_cast<Action>(a)));
    auto it = stats.by_action.find(name);
    if (it != stats.by_action.end()) std::fprintf(stderr, "  %-18s %8llu\n", name.c_str(), static_cast<unsigned long long>(it->second));
  }
  if (!stats.by_category.empty()) {
    std::fprintf(stderr, "  %-40s %8s\n", "category (actioned posts)", "posts");
    for (const auto& [category, count] : stats.by_category)
      std::fprintf(stderr, "  %-40s %8llu\n", category.c_str(), static_cast<unsigned long long>(count));
  }
  if (!args.db.empty())
    std::fprintf(stderr, "stored %llu new decisions in %s (%llu were already there)\n",
                 static_cast<unsigned long long>(stats.stored), args.db.c_str(),
                 static_cast<unsigned long long>(stats.duplicates));
}

Status WriteSummaryJson(const std::string& path, const ScanStats& stats, const std::string& policy_id) {
  std::string out = fmt::format("{{\"policy\":\"{}\",\"seconds\":{:.6f},\"posts\":{},\"bad_lines\":{},\"stored\":{},\"duplicates\":{},\"by_action\":{{",
                                policy_id, stats.seconds, stats.posts, stats.bad_lines, stats.stored, stats.duplicates);
  bool first = true;
  for (const auto& [k, v] : stats.by_action) {
    out += fmt::format("{}\"{}\":{}", first ? "" : ",", k, v);
    first = false;
  }
  out += "},\"by_category\":{";
  first = true;
  for (const auto& [k, v] : stats.by_category) {
    out += fmt::format("{}\"{}\":{}", first ? "" : ",", k, v);
    first = false;
  }
  out += "}}\n";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status::Io(path + ": cannot write: " + std::strerror(errno));
  const bool written = std::fwrite(out.data(), 1, out.size(), f) == out.size();
  const int saved = errno;
  if (std::fclose(f) != 0 || !written) return Status::Io(path + ": write failed: " + std::strerror(written ? errno : saved));
  return Status::Ok();
}

int RunScanCommand(const ScanArgs& args) {
  auto fail = [](const std::string& msg) {
    std::fprintf(stderr, "evenhand scan: %s\n", msg.c_str());
    return 1;
  };
  auto policy = PolicyLoader::Load(args.policy);
  if (!policy.ok()) return fail(policy.status().message());

  ScanOptions scan_options;
  if (args.detect_lang == "always") scan_options.detect_lang = ScanOptions::DetectLang::kAlways;
  else if (args.detect_lang == "never") scan_options.detect_lang = ScanOptions::DetectLang::kNever;
  else if (!args.db.empty()) scan_options.detect_lang = ScanOptions::DetectLang::kAlways;
  if (!args.now.empty()) {
    auto now = ParseTimestamp(args.now);
    if (!now) return fail(fmt::format("--now: \"{}\" is not an RFC 3339 timestamp", args.now));
    scan_options.now = *now;
  }
  // Media paths in posts are relative to the input file (stdin: the working directory).
  if (args.input != "-") scan_options.media_dir = std::filesystem::path(args.input).parent_path().string();
  scan_options.max_media_bytes = args.limits.max_media_bytes;
  scan_options.video_seconds_per_hash = args.video_seconds_per_hash;
  scan_options.video_limits.max_duration_s = args.max_video_duration;
  scan_options.video_limits.max_decode_seconds = args.max_video_decode_seconds;
  scan_options.ocr = args.ocr;
  scan_options.ocr_fuzzy = args.ocr_fuzzy;
  scan_options.ocr_video_seconds = args.ocr_video_seconds;
  scan_options.ocr_video_max_frames = args.ocr_video_frames;
  if (!args.behavior_signals.empty()) {
    auto signals = behavior::LoadAccountSignals(args.behavior_signals);
    if (!signals.ok()) return fail(signals.status().message());
    scan_options.behavior = std::make_shared<const behavior::AccountBehaviorMap>(std::move(signals).value());
  }
  auto scanner = Scanner::Create(*policy, scan_options);
  if (!scanner.ok()) return fail(fmt::format("{}: {}", args.policy, scanner.status().message()));

  auto reader = JsonlReader::Open(args.input);
  if (!reader.ok()) return fail(reader.status().message());
  (*reader)->set_plain_lines(args.format == "lines");
  (*reader)->set_limits(args.limits);
  (*reader)->set_keep_logins(!args.db.empty());  // login records are kept only to be stored
  if (!args.accounts.empty()) {
    Status s = (*reader)->LoadAccounts(args.accounts);
    if (!s.ok()) return fail(s.message());
  }

  std::unique_ptr<Store> store;
  if (!args.db.empty()) {
    auto opened = OpenStore(args.db);
    if (!opened.ok()) return fail(opened.status().message());
    store = std::move(opened).value();
  }

  // A regular file is written under a temporary name and renamed into place
  // only on success. Anything else that exists (/dev/null, a FIFO, a
  // terminal) is written directly: renaming over it would replace it.
  std::FILE* out = nullptr;
  std::string temp_output;
  std::error_code ec;
  auto output_type = std::filesystem::status(args.output, ec).type();
  bool write_in_place = output_type != std::filesystem::file_type::not_found &&
                        output_type != std::filesystem::file_type::regular;
  if (args.output == "-") {
    out = stdout;
  } else if (write_in_place) {
    out = std::fopen(args.output.c_str(), "wb");
    if (!out) return fail(fmt::format("{}: cannot write", args.output));
  } else {
    temp_output = TempOutputPath(args.output);
    out = std::fopen(temp_output.c_str(), "wb");
    if (!out) return fail(fmt::format("{}: cannot write", args.output));
  }

  PipelineOptions options;
  options.threads = args.threads;
  options.on_error = args.on_error == "skip" ? OnError::kSkip : OnError::kStop;
  options.out = out;
  options.store = store.get();
  options.actor = "scan:" + (*policy)->id();
  options.progress = !args.quiet && StderrIsTty();
  options.on_bad_line = [](const ReadError& e) { std::fprintf(stderr, "skipped %s\n", e.ToString().c_str()); };

  Status status;
  int64_t logins_new = 0;
  if (store) status = store->Begin();
  Result<ScanStats> stats = status.ok() ? RunScan(**reader, **scanner, options) : Result<ScanStats>(status);
  if (stats.ok() && store) {
    for (const auto& [id, account] : (*reader)->accounts()) {
      status = store->PutAccount(*account);
      if (!status.ok()) break;
    }
    for (size_t i = 0; status.ok() && i < (*reader)->logins().size(); ++i) {
      bool inserted = false;
      status = store->PutLogin((*reader)->logins()[i], &inserted);
      logins_new += inserted ? 1 : 0;
    }
    if (!status.ok()) stats = Result<ScanStats>(status);
  }
  // The decisions are on their way to the output before the store commits:
  // a write that fails (a full disk) fails the scan with nothing stored,
  // and the last buffered bytes are checked too, never lost behind exit 0.
  if (out == stdout) {
    if ((std::fflush(stdout) != 0 || std::ferror(stdout)) && stats.ok())
      stats = Result<ScanStats>(Status::Io(std::string("writing decisions to standard output failed: ") +
                                           std::strerror(errno)));
  } else if (std::fclose(out) != 0 && stats.ok()) {
    stats = Result<ScanStats>(Status::Io(args.output + ": write failed: " + std::strerror(errno)));
  }
  if (stats.ok() && store) {
    status = store->Commit();
    if (!status.ok()) stats = Result<ScanStats>(status);
  }
  if (!stats.ok()) {
    if (store) store->Rollback();
    if (!temp_output.empty()) std::remove(temp_output.c_str());
    return fail(stats.status().message() + (store ? " (nothing was stored)" : ""));
  }
  if (!temp_output.empty()) {
    std::filesystem::rename(temp_output, args.output, ec);
    if (ec) return fail(fmt::format("{}: {}", args.output, ec.message()));
  }
  if (!args.summary_json.empty()) {
    Status s = WriteSummaryJson(args.summary_json, *stats, (*policy)->id());
    if (!s.ok()) return fail(s.message());
  }
  if (!args.quiet) PrintSummary(*stats, (*policy)->id(), args);
  if (!args.quiet && (*reader)->logins_seen() > 0)
    std::fprintf(stderr, "read %lld login records%s\n", static_cast<long long>((*reader)->logins_seen()),
                 store ? fmt::format(", stored {} new", logins_new).c_str() : " (not stored: no --db)");
  return 0;
}

}  // namespace

void AddScanCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ScanArgs>();
  auto* scan = app.add_subcommand("scan", "Decide every post of a JSONL stream with a policy");
  scan->add_option("input", args->input, "Items as JSON Lines (accounts and posts; '-' = stdin)")
      ->capture_default_str();
  scan->add_option("-p,--policy", args->policy, "Policy YAML file")->required()->check(CLI::ExistingFile);
  scan->add_option("-o,--output", args->output, "Decisions JSONL ('-' = stdout); a regular file appears only when the scan succeeds")
      ->capture_default_str();
  scan->add_option("--db", args->db, "Also store posts and decisions (with audit entries) in a store: sqlite:PATH, a file path, or postgres://USER@HOST:PORT/DB");
  scan->add_option("--accounts", args->accounts, "JSONL file of accounts to load before the posts");
  scan->add_option("--behavior-signals", args->behavior_signals,
                   "Account signals from `evenhand behavior --signals` (account.network_size, account.coordination_score, "
                   "account.automation_score, cluster.size)");
  scan->add_option("-j,--threads", args->threads, "Worker threads (0 = all cores)")->capture_default_str();
  scan->add_option("--on-error", args->on_error,
                   "Bad input line: stop (exit 1, nothing stored or written) or skip (report and go on)")
      ->check(CLI::IsMember({"stop", "skip"}))
      ->capture_default_str();
  scan->add_option("--detect-lang", args->detect_lang,
                   "Language id (CLD2) for posts without lang: auto (when the policy reads lang or --db is "
                   "given), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  scan->add_option("--format", args->format, "Input format: jsonl, or lines (one post text a line)")
      ->check(CLI::IsMember({"jsonl", "lines"}))
      ->capture_default_str();
  scan->add_option("--now", args->now, "Time at which account.age_days is taken for posts without \"ts\" (RFC 3339; default: now); "
                 "posts with a ts use their own time");
  scan->add_option("--summary-json", args->summary_json, "Write counts per action and category as JSON");
  scan->add_flag("-q,--quiet", args->quiet, "No summary and no progress bar");
  // Input limits (model/limits.h): a line over one is a FILE:LINE: field: error (skipped with --on-error skip).
  scan->add_option("--max-line", args->limits.max_line, "Longest input line in bytes (read past, never held)")
      ->capture_default_str();
  scan->add_option("--max-text", args->limits.max_text, "Longest post text in bytes of UTF-8")->capture_default_str();
  scan->add_option("--max-id", args->limits.max_id, "Longest id (post, account), lang, topic or region in bytes")
      ->capture_default_str();
  scan->add_option("--max-media", args->limits.max_media, "Most media entries of one post")->capture_default_str();
  scan->add_option("--max-media-bytes", args->limits.max_media_bytes,
                   "Largest media file in bytes (larger: a media error signal, the file is not read)")
      ->capture_default_str();
  scan->add_option("--max-depth", args->limits.max_depth, "Deepest JSON nesting of a line")->capture_default_str();
  scan->add_option("--video-seconds-per-hash", args->video_seconds_per_hash,
                   "Videos in posts: vPDQ-hash one frame every S seconds (0 = every frame)")
      ->check(CLI::Range(0.0f, 1e6f))
      ->capture_default_str();
  scan->add_option("--max-video-duration", args->max_video_duration,
                   "Longest video in seconds (longer: a media error signal)")
      ->capture_default_str();
  scan->add_option("--max-video-decode-seconds", args->max_video_decode_seconds,
                   "Decoding time one video may take (more: a media error signal)")
      ->capture_default_str();
  // Text in images: read only for posts whose evaluation reaches an ocr.* name.
  scan->add_option("--ocr-lang", args->ocr.languages, "Languages of the text in images (tesseract's LANG[+LANG...])")
      ->capture_default_str();
  scan->add_option("--ocr-budget-ms", args->ocr.budget_ms,
                   "Time budget for reading the text in one image, in ms (0 = no limit); past it the lines read "
                   "so far are used and an ocr timeout signal is added")
      ->capture_default_str();
  scan->add_option("--ocr-arabic-rescale", args->ocr.arabic_rescale,
                   "Arabic-script text is also read at this fraction of its size (large letters read better "
                   "smaller; 0 = off)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  scan->add_option("--ocr-max-error", args->ocr_fuzzy.max_error,
                   "Terms of 10 or more letters match the text in images with up to this share of their letters "
                   "misread (0 = exact matches only)")
      ->check(CLI::Range(0.0, 0.5))
      ->capture_default_str();
  scan->add_option("--ocr-video-seconds", args->ocr_video_seconds,
                   "Text in videos: read one frame every this many seconds (0 = every frame)")
      ->check(CLI::Range(0.0f, 3600.0f))
      ->capture_default_str();
  scan->add_option("--ocr-video-frames", args->ocr_video_frames,
                   "Text in videos: read at most this many frames of a video (each within --ocr-budget-ms)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  scan->add_option("--tessdata", args->ocr.tessdata,
                   "Folder holding the tesseract models LANG.traineddata (default: $TESSDATA_PREFIX, else tesseract's own)");
  scan->callback([args, exit_code] { *exit_code = RunScanCommand(*args); });
}

}  // namespace evenhand::cli
