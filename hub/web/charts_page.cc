#include "hub/web/charts_page.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "archive/index.h"
#include "hub/clock.h"
#include "hub/config.h"
#include "hub/web/html.h"
#include "hub/web/partner_name.h"

namespace edihub::hub::web {

namespace {

constexpr int kDays = 30;
// Series colours, told apart also by colour-blind readers (Okabe-Ito, then darker shades).
constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
                                    "#D55E00", "#F0E442", "#000000", "#6a3d9a", "#b15928"};

struct Series {
  std::string partner;  // id
  std::string label;    // name (id)
  std::vector<std::optional<double>> values;  // per day; nullopt: nothing to draw that day
};

// The y axis has four ticks; a tick is the smallest step that fits the highest value.
// Counts step by 1, 2 or 5 times a power of ten (at least 1: no fraction of a file).
double count_tick(double highest) {
  const double wanted = std::max(highest / 4, 1.0);
  const double power = std::pow(10.0, std::floor(std::log10(wanted)));
  for (double m : {1.0, 2.0, 5.0})
    if (m * power >= wanted) return m * power;
  return 10 * power;
}

// Durations step by what a clock reads: 15 s at least, then minutes, hours, days.
double duration_tick(double highest) {
  const double wanted = highest / 4;
  for (double step : {15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 10800.0, 21600.0, 43200.0,
                      86400.0, 172800.0, 432000.0})
    if (step >= wanted) return step;
  return 864000.0 * std::ceil(wanted / 864000.0);
}

std::string count_text(double value) { return fmt::format("{:g}", value); }

// 45 s, 12 min, 2.5 h, 1.2 d.
std::string duration_text(double seconds) {
  if (seconds < 60) return fmt::format("{:g} s", std::round(seconds));
  if (seconds < 3600) return fmt::format("{:g} min", std::round(seconds / 6) / 10);
  if (seconds < 86400) return fmt::format("{:g} h", std::round(seconds / 360) / 10);
  return fmt::format("{:g} d", std::round(seconds / 8640) / 10);
}

// A line chart of one value per day and partner, as inline SVG, with its legend.
struct Axis {
  std::function<double(double)> tick;           // highest value -> step between ticks
  std::function<std::string(double)> format;    // a value as the axis and tooltips show it
};

std::string line_chart(const std::string& title, const std::vector<std::string>& days, const std::vector<Series>& series,
                       const Axis& axis) {
  constexpr double width = 900, height = 260, left = 64, right = 16, top = 16, bottom = 36;
  const double plot_width = width - left - right, plot_height = height - top - bottom;
  double highest = 0;
  for (const auto& s : series)
    for (const auto& v : s.values)
      if (v) highest = std::max(highest, *v);
  const double top_value = 4 * axis.tick(highest);
  auto x = [&](std::size_t day) { return left + plot_width * static_cast<double>(day) / static_cast<double>(days.size() - 1); };
  auto y = [&](double value) { return top + plot_height - plot_height * value / top_value; };

  std::string svg = fmt::format(
      R"(<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {0} {1}" width="{0}" height="{1}" role="img" aria-label="{2}">)"
      "<title>{2}</title>\n",
      width, height, escape(title));
  for (int tick = 0; tick <= 4; ++tick) {
    const double value = top_value * tick / 4, at = y(value);
    svg += fmt::format(
        R"(<line x1="{:.1f}" x2="{:.1f}" y1="{:.1f}" y2="{:.1f}" stroke="#d5d9e0"/><text x="{:.1f}" y="{:.1f}" text-anchor="end" font-size="11">{}</text>)"
        "\n",
        left, width - right, at, at, left - 6, at + 4, escape(axis.format(value)));
  }
  for (std::size_t day = 0; day < days.size(); day += 5)
    svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" text-anchor="middle" font-size="11">{}</text>)", x(day),
                       height - bottom + 16, escape(days[day].substr(5)));
  svg += "\n";
  std::string legend;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    const char* colour = kPalette[i % std::size(kPalette)];
    std::string path, points;
    bool pen_down = false;
    for (std::size_t day = 0; day < s.values.size(); ++day) {
      if (!s.values[day]) {
        pen_down = false;
        continue;
      }
      path += fmt::format("{}{:.1f} {:.1f} ", pen_down ? "L" : "M", x(day), y(*s.values[day]));
      pen_down = true;
      points += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="3" fill="{}"><title>{} · {}: {}</title></circle>)", x(day),
                            y(*s.values[day]), colour, escape(s.label), days[day], escape(axis.format(*s.values[day])));
    }
    svg += fmt::format(
        R"(<g class="series" data-partner="{}"><title>{}</title><path d="{}" fill="none" stroke="{}" stroke-width="2"/>{}</g>)"
        "\n",
        escape(s.partner), escape(s.label), path, colour, points);
    legend += fmt::format(
        R"(<span class="legend-item"><span style="display:inline-block;width:.8em;height:.8em;background:{}"></span> {}</span> )",
        colour, escape(s.label));
  }
  svg += "</svg>";
  if (series.empty()) legend = "<span class=\"muted\">No partner yet.</span>";
  return "<figure>" + svg + "<figcaption>" + legend + "</figcaption></figure>\n";
}

// A link to this page with one choice changed, the current one shown as such.
std::string choice(const std::string& label, bool current, const std::string& volume, const std::string& latency) {
  if (current) return "<b>" + escape(label) + "</b>";
  return fmt::format(R"(<a href="/charts?volume={}&amp;latency={}">{}</a>)", volume, latency, escape(label));
}

}  // namespace

Response charts_page(const PageContext& ctx, const Request& req) {
  const std::string volume = req.param("volume") == "files" ? "files" : "sets";
  const std::string latency = req.param("latency") == "median" ? "median" : "p90";
  const auto now = ctx.clock.now();
  std::vector<std::string> days;
  for (int back = kDays - 1; back >= 0; --back) days.push_back(iso_utc(now - std::chrono::hours(24 * back)).substr(0, 10));
  const auto stats = ctx.index.daily_stats(days.front());

  // One series per partner: the configured ones, and any the archive still holds.
  std::set<std::string> partners;
  for (const auto& profile : ctx.config.partners.profiles()) partners.insert(profile.id);
  for (const auto& d : stats) partners.insert(d.partner);
  std::map<std::string, std::size_t> day_index;
  for (std::size_t i = 0; i < days.size(); ++i) day_index[days[i]] = i;
  std::map<std::string, Series> volumes, latencies;
  for (const auto& partner : partners) {
    const std::string label = partner_name(ctx.config, partner);
    volumes[partner] = Series{partner, label, std::vector<std::optional<double>>(days.size(), 0.0)};
    latencies[partner] = Series{partner, label, std::vector<std::optional<double>>(days.size())};
  }
  std::string rows;
  for (const auto& d : stats) {
    auto at = day_index.find(d.day);
    if (at == day_index.end()) continue;  // a clock behind the archive: a day past today
    volumes[d.partner].values[at->second] = static_cast<double>(volume == "files" ? d.files_in : d.sets_in);
    if (d.delivered > 0)
      latencies[d.partner].values[at->second] = static_cast<double>(latency == "median" ? d.median_seconds : d.p90_seconds);
    rows += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
        escape(volumes[d.partner].label), d.day, d.files_in, d.sets_in, d.delivered,
        d.delivered ? duration_text(static_cast<double>(d.median_seconds)) : "",
        d.delivered ? duration_text(static_cast<double>(d.p90_seconds)) : "");
  }
  auto in_order = [](const std::map<std::string, Series>& by_partner) {
    std::vector<Series> list;
    for (const auto& [partner, s] : by_partner) list.push_back(s);
    return list;
  };

  std::string body = fmt::format("<p class=\"muted\">The last {} days, {} to {} (UTC), per partner.</p>\n", kDays,
                                 days.front(), days.back());
  body += fmt::format("<h2>Volume received: {}</h2>\n<p>Show {} · {}</p>\n",
                      volume == "files" ? "files" : "transaction sets",
                      choice("transaction sets", volume == "sets", "sets", latency),
                      choice("files", volume == "files", "files", latency));
  body += line_chart(volume == "files" ? "Files received per day" : "Transaction sets received per day", days,
                     in_order(volumes), Axis{count_tick, count_text});
  body += fmt::format("<h2>Latency, received to delivered to the ERP: {}</h2>\n<p>Show {} · {}</p>\n",
                      latency == "median" ? "median" : "90th percentile",
                      choice("90th percentile", latency == "p90", volume, "p90"),
                      choice("median", latency == "median", volume, "median"));
  body += line_chart(latency == "median" ? "Median latency per day" : "90th percentile latency per day", days,
                     in_order(latencies), Axis{duration_tick, duration_text});
  body += "<h2>Figures</h2>\n";
  if (rows.empty()) {
    body += "<p class=\"muted\">Nothing received in these days.</p>\n";
  } else {
    body += "<table><tr><th>Partner</th><th>Day</th><th>Files</th><th>Sets</th><th>Delivered</th><th>Median</th>"
            "<th>p90</th></tr>\n" + rows + "</table>\n";
  }
  Response response;
  response.body = layout("Charts", "Charts", req.user, body);
  return response;
}

}  // namespace edihub::hub::web
