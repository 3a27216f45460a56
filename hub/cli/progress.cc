#include "hub/cli/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

namespace edihub::hub {

namespace {

constexpr int kBarWidth = 24;

std::string duration_text(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
}

}  // namespace

Progress::Options Progress::for_stream(const std::ostream& err) {
  Options options;
  const char* term = std::getenv("TERM");
  if (&err == &std::cerr && ::isatty(STDERR_FILENO) && !(term && std::string(term) == "dumb")) {
    options.style = Style::bar;
    return options;
  }
  if (const char* every = std::getenv("EDIHUB_PROGRESS_EVERY"); every && *every) {
    char* end = nullptr;
    const long seconds = std::strtol(every, &end, 10);
    if (*end == '\0' && seconds >= 0) options.plain_every = std::chrono::seconds(seconds);
  }
  return options;
}

Progress::Progress(std::ostream& out, std::string what, std::string unit, std::uint64_t total, Options options)
    : out_(out),
      what_(std::move(what)),
      unit_(std::move(unit)),
      total_(total),
      options_(std::move(options)),
      start_(options_.now()),
      last_shown_(start_) {}

Progress::~Progress() {
  try {
    finish();
  } catch (...) {
    // A progress line that cannot be written is no reason to fail the work.
  }
}

void Progress::advance(std::uint64_t n) { set(done_ + n); }

void Progress::set(std::uint64_t done) {
  done_ = done;
  if (finished_) return;
  const auto since = options_.now() - last_shown_;
  if (options_.style == Style::bar) {
    if (!shown_ || since >= options_.redraw_every || (total_ && done_ >= total_)) show(false);
  } else if (options_.plain_every.count() > 0 && since >= options_.plain_every && !(total_ && done_ >= total_)) {
    show(false);  // the end is finish()'s line
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (options_.style == Style::bar ? shown_ || done_ > 0 : shown_) show(true);
}

std::string Progress::amount(double value) const {
  if (unit_ != "bytes") return fmt::format("{}", static_cast<std::uint64_t>(value));
  if (value < 1024) return fmt::format("{} B", static_cast<std::uint64_t>(value));
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  int i = 0;
  for (value /= 1024; value >= 1024 && i < 3; ++i) value /= 1024;
  return fmt::format("{:.1f} {}", value, units[i]);
}

std::string Progress::status() const {
  const bool bytes = unit_ == "bytes";
  std::string text = what_ + ": " + amount(static_cast<double>(done_));
  if (total_) text += "/" + amount(static_cast<double>(total_));
  if (!bytes) text += " " + unit_;
  if (total_) text += fmt::format(" ({}%)", std::min<std::uint64_t>(100, done_ * 100 / total_));
  const double elapsed = std::chrono::duration<double>(options_.now() - start_).count();
  if (done_ > 0 && elapsed > 0) {
    const double rate = static_cast<double>(done_) / elapsed;
    text += bytes ? fmt::format(", {}/s", amount(rate)) : fmt::format(", {:.1f} {}/s", rate, unit_);
    if (total_ > done_) text += ", ETA " + duration_text(static_cast<double>(total_ - done_) / rate);
  }
  return text;
}

void Progress::show(bool last) {
  last_shown_ = options_.now();
  shown_ = true;
  if (options_.style == Style::lines) {
    out_ << status() << (last ? fmt::format(" in {}", duration_text(std::chrono::duration<double>(last_shown_ - start_).count())) : "")
         << "\n";
    out_.flush();
    return;
  }
  std::string line = status();
  if (total_) {
    const auto filled = static_cast<int>(std::min<std::uint64_t>(done_, total_) * kBarWidth / total_);
    const auto colon = line.find(": ");
    line.replace(colon, 2, " [" + std::string(filled, '#') + std::string(kBarWidth - filled, '-') + "] ");
  }
  // Carriage return, the line, erase what a longer previous line left.
  out_ << "\r" << line << "\x1b[K" << (last ? "\n" : "");
  out_.flush();
}

}  // namespace edihub::hub
