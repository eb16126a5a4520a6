// Classifier throughput: predictions per second per thread.
//
// Usage: classify_bench MODEL MESSAGES.txt [THREADS] [ROUNDS]
// Reads one message a line into memory, then measures, on 1 thread and on
// THREADS threads (each with its own scratch, all sharing one Classifier):
//   normalise + predict  (what `scan` pays beyond the term matcher is the
//                         predict part: it reuses the matcher's normalised text)
//   predict only         (on texts normalised beforehand)
//   normalise only       (for reference)
// Prints one line per figure; the best of ROUNDS rounds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "classify/classifier.h"

using evenhand::NormalizedText;
using evenhand::classify::Classifier;

namespace {

double Seconds(std::chrono::steady_clock::time_point a) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
}

// Runs fn(begin, end, sink) on `threads` threads over [0, n); returns seconds.
template <typename F>
double Parallel(size_t n, int threads, F fn) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  std::vector<double> sinks(static_cast<size_t>(threads));
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] { fn(n * t / threads, n * (t + 1) / threads, &sinks[static_cast<size_t>(t)]); });
  for (auto& th : pool) th.join();
  double s = Seconds(start);
  double total = 0;
  for (double x : sinks) total += x;
  if (total < 0) std::printf("%f\n", total);  // keep the work observable
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: classify_bench MODEL MESSAGES.txt [THREADS] [ROUNDS]\n");
    return 2;
  }
  const int threads = argc > 3 ? std::atoi(argv[3]) : static_cast<int>(std::thread::hardware_concurrency());
  const int rounds = argc > 4 ? std::atoi(argv[4]) : 3;
  auto loaded = Classifier::Load(argv[1]);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", loaded.status().ToString().c_str());
    return 1;
  }
  const Classifier& c = **loaded;
  const int label = c.positive_index() >= 0 ? c.positive_index() : 0;
  std::vector<std::string> msgs, norm;
  {
    std::ifstream in(argv[2]);
    std::string line;
    while (std::getline(in, line)) msgs.push_back(line);
  }
  NormalizedText nt;
  size_t bytes = 0;
  for (const auto& m : msgs) {
    c.normalizer().Normalize(m, &nt);
    norm.push_back(nt.text);
    bytes += m.size();
  }
  std::printf("model %s (%zu labels, %s), %zu messages (%.0f bytes each on average)\n", argv[1], c.labels().size(),
              c.meta().training_json.find("\"quantized\":true") != std::string::npos ? "quantized" : "not quantized",
              msgs.size(), double(bytes) / double(msgs.size()));
  const size_t n = msgs.size();
  auto predict_only = [&](size_t b, size_t e, double* sink) {
    auto scratch = Classifier::NewScratch();
    float s[64];
    for (size_t i = b; i < e; ++i) {
      c.ScoreNormalized(norm[i], scratch.get(), s);
      *sink += s[label];
    }
  };
  auto normalise_predict = [&](size_t b, size_t e, double* sink) {
    auto scratch = Classifier::NewScratch();
    float s[64];
    for (size_t i = b; i < e; ++i) {
      c.Score(msgs[i], scratch.get(), s);
      *sink += s[label];
    }
  };
  auto normalise_only = [&](size_t b, size_t e, double* sink) {
    NormalizedText t;
    for (size_t i = b; i < e; ++i) {
      c.normalizer().NormalizeForMatch(msgs[i], &t);
      *sink += double(t.text.size());
    }
  };
  for (int th : {1, threads}) {
    double best_p = 1e9, best_np = 1e9, best_n = 1e9;
    for (int r = 0; r < rounds; ++r) {
      best_p = std::min(best_p, Parallel(n, th, predict_only));
      best_np = std::min(best_np, Parallel(n, th, normalise_predict));
      best_n = std::min(best_n, Parallel(n, th, normalise_only));
    }
    std::printf("threads %d: predict only %.0f/s (%.0f/s per thread, %.2f us each); normalise+predict %.0f/s; "
                "normalise only %.0f/s\n",
                th, n / best_p, n / best_p / th, best_p * th * 1e6 / n, n / best_np, n / best_n);
    if (threads == 1) break;
  }
  return 0;
}
