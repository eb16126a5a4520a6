// A worker process's control thread (worker.h): every control_poll_ms it
//   - reads the posts consumer's lag and outstanding acks into the metrics,
//     and whether NATS answers (nats_connected);
//   - with a policy key, reads that key of the policy bucket and, when its
//     revision moved, compiles the new revision beside the running policy
//     and swaps it into the PolicySlot ("policy KEY: now running ID
//     (revision N)"). A revision that does not load is logged ("...: cannot
//     load: WHY; keeping ID") and counted; the running policy stays.
// It has its own NATS connection and reconnects by itself; it never stops
// the worker. The destructor stops and joins it (periodic.h).
#pragma once

#include <memory>
#include <string>

#include "stream/periodic.h"
#include "stream/policy_source.h"
#include "stream/worker.h"
#include "stream/worker_metrics.h"

namespace evenhand::stream {

class WorkerControl {
 public:
  WorkerControl(const WorkerOptions& options, PolicySlot& slot, WorkerMetrics& metrics);
  WorkerControl(const WorkerControl&) = delete;
  WorkerControl& operator=(const WorkerControl&) = delete;

 private:
  void PollOnce();
  void Log(const std::string& line) const {
    if (o_.log) o_.log("control: " + line);
  }

  const WorkerOptions& o_;
  PolicySlot& slot_;
  WorkerMetrics& metrics_;
  PolicyWatch watch_;  // used only with o_.policy_key
  std::unique_ptr<NatsClient> nats_;
  Periodic poll_;  // last: stopped before the rest goes
};

}  // namespace evenhand::stream
