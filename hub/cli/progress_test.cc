#include "hub/cli/progress.h"

#include <sstream>

#include <catch2/catch.hpp>

using edihub::hub::Progress;
using namespace std::chrono_literals;

namespace {

// A clock the test moves by hand.
struct FakeClock {
  std::chrono::steady_clock::time_point t{};
  Progress::Clock clock() {
    return [this] { return t; };
  }
};

Progress::Options lines(FakeClock& clock, std::chrono::milliseconds every = 10s) {
  return {Progress::Style::lines, every, 100ms, clock.clock()};
}

}  // namespace

TEST_CASE("progress in a log: a plain line at most every N seconds, a last one when any was written", "[progress]") {
  FakeClock clock;
  std::ostringstream out;
  {
    Progress progress(out, "replaying", "files", 30, lines(clock));
    clock.t += 1s;
    progress.advance();  // 1 s in: too soon
    CHECK(out.str().empty());
    clock.t += 11s;
    progress.set(12);  // 12 files in 12 s: 1 a second, 18 to go
    CHECK(out.str() == "replaying: 12/30 files (40%), 1.0 files/s, ETA 18s\n");
    clock.t += 3s;
    progress.advance();  // 3 s after the last line
    clock.t += 15s;
    progress.set(30);  // done: finish() says so
    CHECK(out.str() == "replaying: 12/30 files (40%), 1.0 files/s, ETA 18s\n");
  }
  CHECK(out.str() ==
        "replaying: 12/30 files (40%), 1.0 files/s, ETA 18s\n"
        "replaying: 30/30 files (100%), 1.0 files/s in 30s\n");
}

TEST_CASE("progress in a log: nothing for work shorter than the interval, nothing at all with interval 0", "[progress]") {
  FakeClock clock;
  std::ostringstream short_work, off;
  {
    Progress progress(short_work, "replaying", "files", 5, lines(clock));
    for (int i = 0; i < 5; ++i) {
      clock.t += 1s;
      progress.advance();
    }
  }
  CHECK(short_work.str().empty());
  {
    Progress progress(off, "mapping", "sets", 100, lines(clock, 0s));
    for (int i = 0; i < 100; ++i) {
      clock.t += 1s;
      progress.advance();
    }
  }
  CHECK(off.str().empty());
}

TEST_CASE("progress on a terminal: one line redrawn in place with a bar, counts, rate and time left", "[progress]") {
  FakeClock clock;
  std::ostringstream out;
  Progress progress(out, "replaying", "files", 4, {Progress::Style::bar, 10s, 100ms, clock.clock()});
  progress.advance();  // drawn at once; no rate yet
  CHECK(out.str() == "\rreplaying [######------------------] 1/4 files (25%)\x1b[K");
  clock.t += 50ms;
  progress.advance();  // within 100 ms of the last redraw
  CHECK(out.str() == "\rreplaying [######------------------] 1/4 files (25%)\x1b[K");
  out.str("");
  clock.t += 1950ms;
  progress.advance();  // 3 in 2 s: 1.5 a second, the last one in 0.67 s
  CHECK(out.str() == "\rreplaying [##################------] 3/4 files (75%), 1.5 files/s, ETA 1s\x1b[K");
  out.str("");
  clock.t += 10ms;
  progress.advance();  // the last one is drawn even within 100 ms
  CHECK(out.str() == "\rreplaying [########################] 4/4 files (100%), 2.0 files/s\x1b[K");
  out.str("");
  progress.finish();  // left on its line
  progress.finish();
  CHECK(out.str() == "\rreplaying [########################] 4/4 files (100%), 2.0 files/s\x1b[K\n");
}

TEST_CASE("progress in bytes, and with the total unknown", "[progress]") {
  FakeClock clock;
  std::ostringstream out;
  Progress bytes(out, "validating", "bytes", 48ull << 20, lines(clock));
  clock.t += 2s;
  bytes.set(12ull << 20);
  CHECK(bytes.status() == "validating: 12.0 MiB/48.0 MiB (25%), 6.0 MiB/s, ETA 6s");
  Progress unknown(out, "mapping", "sets", 0, {Progress::Style::bar, 10s, 100ms, clock.clock()});
  clock.t += 2s;
  unknown.set(7);
  CHECK(out.str() == "\rmapping: 7 sets, 3.5 sets/s\x1b[K");
  Progress small(out, "validating", "bytes", 1000, lines(clock));
  small.set(999);
  CHECK(small.status() == "validating: 999 B/1000 B (99%)");
}
