#include "server/metrics.h"

#include <cstdio>

namespace evenhand::server {

Metrics::Metrics(std::vector<std::string> routes) : labels_(std::move(routes)) {
  labels_.push_back("unmatched");
  routes_ = std::make_unique<PerRoute[]>(labels_.size());
}

void Metrics::Record(int route, int status, double seconds) {
  if (route < 0 || route >= static_cast<int>(labels_.size())) route = unmatched();
  PerRoute& r = routes_[route];
  size_t code = kCodes.size() - 1;  // -1: any other status
  for (size_t i = 0; i + 2 < kCodes.size(); ++i)
    if (kCodes[i] == status) code = i;
  r.by_code[code].fetch_add(1, std::memory_order_relaxed);
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  r.buckets[b].fetch_add(1, std::memory_order_relaxed);
  r.count.fetch_add(1, std::memory_order_relaxed);
  r.sum_ns.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

void Metrics::AddCommit(double seconds) {
  commits_.fetch_add(1, std::memory_order_relaxed);
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  commit_buckets_[b].fetch_add(1, std::memory_order_relaxed);
  commit_sum_ns_.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

std::string Metrics::Render() const {
  std::string out;
  char buf[256];
  out += "# HELP evenhand_http_requests_total HTTP requests by route pattern and status code.\n";
  out += "# TYPE evenhand_http_requests_total counter\n";
  for (size_t i = 0; i < labels_.size(); ++i)
    for (size_t c = 0; c < kCodes.size(); ++c) {
      const uint64_t n = routes_[i].by_code[c].load(std::memory_order_relaxed);
      if (n == 0) continue;
      const std::string code = kCodes[c] > 0 ? std::to_string(kCodes[c]) : "other";
      std::snprintf(buf, sizeof buf, "evenhand_http_requests_total{route=\"%s\",code=\"%s\"} %llu\n",
                    labels_[i].c_str(), code.c_str(), static_cast<unsigned long long>(n));
      out += buf;
    }
  out += "# HELP evenhand_http_request_duration_seconds Time to handle a request (parsing to response body).\n";
  out += "# TYPE evenhand_http_request_duration_seconds histogram\n";
  for (size_t i = 0; i < labels_.size(); ++i) {
    const PerRoute& r = routes_[i];
    const uint64_t count = r.count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += r.buckets[b].load(std::memory_order_relaxed);
      if (b < kBuckets.size())
        std::snprintf(buf, sizeof buf, "evenhand_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
                      labels_[i].c_str(), kBuckets[b], static_cast<unsigned long long>(cumulative));
      else
        std::snprintf(buf, sizeof buf, "evenhand_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n",
                      labels_[i].c_str(), static_cast<unsigned long long>(cumulative));
      out += buf;
    }
    std::snprintf(buf, sizeof buf, "evenhand_http_request_duration_seconds_sum{route=\"%s\"} %.9f\n",
                  labels_[i].c_str(), static_cast<double>(r.sum_ns.load(std::memory_order_relaxed)) * 1e-9);
    out += buf;
    std::snprintf(buf, sizeof buf, "evenhand_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
                  labels_[i].c_str(), static_cast<unsigned long long>(count));
    out += buf;
  }
  out += "# HELP evenhand_scan_items_total Items decided through the API (rate() = scan throughput).\n";
  out += "# TYPE evenhand_scan_items_total counter\n";
  out += "evenhand_scan_items_total " + std::to_string(scanned_.load(std::memory_order_relaxed)) + "\n";
  out += "# HELP evenhand_store_commits_total Group commits of scan decisions.\n";
  out += "# TYPE evenhand_store_commits_total counter\n";
  out += "evenhand_store_commits_total " + std::to_string(commits_.load(std::memory_order_relaxed)) + "\n";
  out += "# HELP evenhand_store_commit_duration_seconds Time of one group commit (the disk's fsync is most of it).\n";
  out += "# TYPE evenhand_store_commit_duration_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t b = 0; b <= kBuckets.size(); ++b) {
    cumulative += commit_buckets_[b].load(std::memory_order_relaxed);
    if (b < kBuckets.size())
      std::snprintf(buf, sizeof buf, "evenhand_store_commit_duration_seconds_bucket{le=\"%g\"} %llu\n", kBuckets[b],
                    static_cast<unsigned long long>(cumulative));
    else
      std::snprintf(buf, sizeof buf, "evenhand_store_commit_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                    static_cast<unsigned long long>(cumulative));
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "evenhand_store_commit_duration_seconds_sum %.9f\n",
                static_cast<double>(commit_sum_ns_.load(std::memory_order_relaxed)) * 1e-9);
  out += buf;
  out += "evenhand_store_commit_duration_seconds_count " + std::to_string(commits_.load(std::memory_order_relaxed)) + "\n";
  return out;
}

}  // namespace evenhand::server
