// Progress of long CLI work (replaying many files, `mapping diff` over a large archive,
// `validate` of a big file), written to stderr beside the command's own output.
//
// On a terminal: one line redrawn in place (carriage return, erase to the end of the line):
// what is done, a bar and the percentage when the total is known, the count, the rate and
// the time left; at most every `redraw_every`, and the last state left on its line at the
// end. Anywhere else (a log, a pipe, journald): a plain line at most every `plain_every`
// (none for work shorter than that) and a last one if any was written, so logs stay
// readable. EDIHUB_PROGRESS_EVERY=<seconds> sets `plain_every` (0: no lines at all).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace edihub::hub {

class Progress {
 public:
  enum class Style { bar, lines };
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  struct Options {
    Style style = Style::lines;
    std::chrono::milliseconds plain_every{10'000};  // lines: at most one per this; 0: none
    std::chrono::milliseconds redraw_every{100};    // bar: at most one redraw per this
    Clock now = [] { return std::chrono::steady_clock::now(); };
  };
  // For a command writing to `err`: the bar when `err` is std::cerr and stderr is a terminal
  // (TERM is not "dumb"), plain lines otherwise, every EDIHUB_PROGRESS_EVERY seconds (10).
  static Options for_stream(const std::ostream& err);

  // `what`: the work ("replaying", "mapping"); `unit`: what is counted ("files", "sets"),
  // or "bytes" (shown in KiB, MiB, GiB); `total` 0 when not known.
  Progress(std::ostream& out, std::string what, std::string unit, std::uint64_t total, Options options);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(std::uint64_t n = 1);
  void set(std::uint64_t done);
  // The bar's last state stays on its line (a newline follows); in lines style, a last line
  // if any was written. Called by the destructor; only the first call writes.
  void finish();

  // What the bar says now, without control characters (the plain lines say the same).
  std::string status() const;

 private:
  void show(bool last);
  std::string amount(double value) const;

  std::ostream& out_;
  std::string what_, unit_;
  std::uint64_t total_, done_ = 0;
  Options options_;
  std::chrono::steady_clock::time_point start_, last_shown_;
  bool shown_ = false, finished_ = false;
};

}  // namespace edihub::hub
