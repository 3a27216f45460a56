#include "hub/web/document_page.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "archive/index.h"
#include "archive/raw_store.h"
#include "formats/explain.h"
#include "formats/schema.h"
#include "hub/cli/document_timeline.h"
#include "hub/clock.h"
#include "hub/config.h"
#include "hub/text_escape.h"
#include "hub/web/html.h"
#include "hub/web/partner_name.h"

namespace edihub::hub::web {

namespace {

// A page shows the first segments of a set this big, and the download has them all.
constexpr std::size_t kMaxSegmentsShown = 2000;
// Text shown as it is (an XML document, a mapped JSON): the first 256 KiB.
constexpr std::size_t kMaxTextShown = 256 * 1024;

Response html_page(int status, std::string_view title, const Request& req, const std::string& body) {
  Response response;
  response.status = status;
  response.body = layout(title, "", req.user, body);
  return response;
}

Response error_page(int status, const Request& req, const std::string& message) {
  return html_page(status, status == 404 ? "Not found" : "Cannot show this", req,
                   "<p class=\"error\">" + escape(message) + "</p>");
}

// A positive row id from query parameter `name` ("12", or "F12" for a file as the CLI writes it).
std::optional<std::int64_t> id_param(const Request& req, const char* name) {
  std::string text = req.param(name);
  if (!text.empty() && (text[0] == 'F' || text[0] == 'f')) text.erase(0, 1);
  std::int64_t id = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

std::string raw_link(std::int64_t file_id) {
  return fmt::format(R"(<a href="/raw?file={}">F{}</a>)", file_id, file_id);
}

std::string set_link(std::int64_t set_id) {
  return fmt::format(R"(<a href="/document?set={}">set {}</a>)", set_id, set_id);
}

// Text as received or mapped, at most kMaxTextShown of it.
std::string text_block(const std::string& text) {
  std::string html = "<pre>" + escape(std::string_view(text).substr(0, kMaxTextShown)) + "</pre>";
  if (text.size() > kMaxTextShown)
    html += fmt::format("<p class=\"muted\">The first {} KiB of {} bytes.</p>", kMaxTextShown / 1024, text.size());
  return html;
}

// One value with its reference, number and name as a tooltip and its meaning beside it.
std::string value_html(const x12::ExplainedValue& v) {
  std::string title = v.reference;
  if (!v.number.empty()) title += " " + v.number;
  if (!v.name.empty()) title += " " + v.name;
  std::string html = fmt::format(R"(<span class="el" title="{}">{}</span>)", escape(title), escape(v.value));
  if (!v.meaning.empty()) html += fmt::format(R"(<span class="meaning muted"> ({})</span>)", escape(v.meaning));
  return html;
}

// The elements as sent ('*' between elements, '^' between repetitions, ':' between
// components), each one annotated.
std::string elements_html(const x12::ExplainedSegment& s) {
  std::string html;
  for (std::size_t i = 0; i < s.elements.size(); ++i) {
    const auto& e = s.elements[i];
    if (i > 0) html += e.repetition > 1 ? "^" : "*";
    if (e.components.empty()) {
      html += value_html(e);
      continue;
    }
    std::string title = e.reference + (e.composite.empty() ? "" : " " + e.composite) + (e.name.empty() ? "" : " " + e.name);
    html += fmt::format(R"(<span class="composite" title="{}">)", escape(title));
    for (std::size_t c = 0; c < e.components.size(); ++c) html += (c ? ":" : "") + value_html(e.components[c]);
    html += "</span>";
  }
  return html;
}

std::string segment_row(const x12::ExplainedSegment& s) {
  return fmt::format(
      "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"mono\" title=\"{}\"><b>{}</b></td><td>{}</td>"
      "<td class=\"muted\">{}</td><td class=\"mono\">{}</td></tr>\n",
      s.number, s.position ? std::to_string(s.position) : "", escape(s.name), escape(s.tag), escape(s.name),
      escape(s.loop), elements_html(s));
}

// Thrown from the explain callback once the set's SE (or the display cap) is reached.
struct EnoughSegments {};

// The set's segments, ST through SE, explained; a file that is not X12 (an XML
// document) as its text. Streamed from the store after re-hashing: bounded memory.
std::string raw_view(const PageContext& ctx, const archive::TransactionSetRecord& set) {
  const auto file = ctx.index.file(set.file_id);
  if (!file) return "<p class=\"muted\">No archived file.</p>";
  std::string html = fmt::format(R"(<p>File {} <span class="mono">{}</span>, {} bytes: <a href="/raw?file={}">download the raw bytes</a></p>)",
                                 raw_link(file->id), escape(file->source_name), file->size, file->id);
  try {
    ctx.store.verify(file->sha256);
  } catch (const std::exception& e) {
    return html + "<p class=\"error\">" + escape(e.what()) + "</p>";
  }
  std::ifstream in(ctx.store.path_of(file->sha256), std::ios::binary);
  std::string rows;
  std::size_t shown = 0;
  bool cut = false;
  try {
    x12::explain_x12(in, [&](const x12::ExplainedSegment& s) {
      if (s.number < set.first_segment) return;
      if (shown == kMaxSegmentsShown) {
        cut = true;
        throw EnoughSegments{};
      }
      rows += segment_row(s);
      ++shown;
      if (s.tag == "SE") throw EnoughSegments{};
    });
  } catch (const EnoughSegments&) {
  } catch (const x12::UnusableInput&) {
    std::ifstream again(ctx.store.path_of(file->sha256), std::ios::binary);
    std::string text(kMaxTextShown + 1, '\0');
    again.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(again.gcount()));
    return html + text_block(text);
  }
  html += "<table class=\"segments\"><tr><th>#</th><th>In set</th><th>Segment</th><th>Name</th><th>Loop</th>"
          "<th>Elements (hover for names)</th></tr>\n" + rows + "</table>";
  if (cut) html += fmt::format("<p class=\"muted\">The first {} segments; the download has them all.</p>", kMaxSegmentsShown);
  return html;
}

std::string mapped_view(const PageContext& ctx, std::int64_t set_id) {
  const auto mapped = ctx.index.mapped_output(set_id);
  if (!mapped) return "<p class=\"muted\">Nothing mapped.</p>";
  try {
    return text_block(dump_json(nlohmann::json::parse(*mapped), 2));
  } catch (const nlohmann::json::exception&) {
    return text_block(*mapped);
  }
}

std::string acks_view(const PageContext& ctx, std::int64_t file_id) {
  const auto acks = ctx.index.acks_answering(file_id);
  const auto messages = ctx.index.as2_messages_of_file(file_id);
  if (acks.empty() && messages.empty()) return "<p class=\"muted\">No acknowledgment or MDN for this file.</p>";
  std::string html;
  if (!acks.empty()) {
    html += "<table><tr><th>At</th><th>Direction</th><th>Kind</th><th>Interchange</th><th>Group</th><th>Code</th>"
            "<th>Detail</th><th>File</th></tr>\n";
    for (const auto& a : acks)
      html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td>"
                          "<td>{}</td><td>{}</td><td>{}</td></tr>\n",
                          escape(a.at), escape(a.direction), escape(a.kind), escape(a.answers_interchange_control),
                          escape(a.answers_group_control), escape(a.code), escape(a.detail),
                          a.file_id ? raw_link(a.file_id) : "");
    html += "</table>";
  }
  if (!messages.empty()) {
    html += "<table><tr><th>AS2</th><th>Message-ID</th><th>MDN</th><th>State</th><th>Sent</th><th>Detail</th></tr>\n";
    for (const auto& m : messages)
      html += fmt::format("<tr><td>{}</td><td class=\"mono\">{}</td><td>{}</td><td><span class=\"tag {}\">{}</span></td>"
                          "<td>{}</td><td>{}</td></tr>\n",
                          escape(m.direction), escape(m.message_id), escape(m.mdn_mode), to_string(m.state),
                          to_string(m.state), escape(m.sent_at), escape(m.detail));
    html += "</table>";
  }
  return html;
}

std::string events_view(const PageContext& ctx, std::int64_t set_id) {
  std::string html = "<table><tr><th>At</th><th>Step</th><th>Detail</th></tr>\n";
  for (const auto& e : ctx.index.events_of_set(set_id))
    html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n", escape(e.at), escape(e.step), escape(e.detail));
  return html + "</table>";
}

// A business key as a link to its document page when it names one.
std::string key_html(const std::string& partner, const std::string& name, const std::string& value) {
  for (const auto kind : kDocumentKinds) {
    auto document = parse_document(std::string(kind) + ":" + value);
    if (document && document->key == name)
      return fmt::format(R"(<a href="/document?key={}&amp;partner={}">{}={}</a>)", url_encode(document->text()),
                         url_encode(partner), escape(name), escape(value));
  }
  return escape(name) + "=" + escape(value);
}

// Everything about one transaction set: what it is, its segments, its ERP form, its
// events, and the acknowledgments and MDNs of its file.
std::string set_section(const PageContext& ctx, const archive::TransactionSetRecord& s) {
  std::string keys;
  for (const auto& [name, value] : ctx.index.business_keys(s.id))
    keys += (keys.empty() ? "" : ", ") + key_html(s.partner, name, value);
  const std::string type_name(x12::SchemaLibrary::builtin().code_name("143", s.type));
  std::string html = fmt::format(
      "<table><tr><th>Partner</th><td>{}</td></tr><tr><th>Transaction set</th><td>{}{}</td></tr>"
      "<tr><th>Direction</th><td>{}</td></tr><tr><th>Control numbers</th><td class=\"mono\">ISA13 {} · GS06 {} · ST02 {}</td></tr>"
      "<tr><th>Version</th><td class=\"mono\">{}</td></tr><tr><th>Status</th><td><span class=\"tag {}\">{}</span></td></tr>"
      "<tr><th>Received</th><td>{}</td></tr><tr><th>Updated</th><td>{}</td></tr><tr><th>Delivered to</th><td>{}</td></tr>"
      "<tr><th>Business keys</th><td>{}</td></tr></table>\n",
      escape(partner_name(ctx.config, s.partner)), escape(s.type), type_name.empty() ? "" : " " + escape(type_name),
      escape(s.direction), escape(s.interchange_control), escape(s.group_control), escape(s.control_number),
      escape(s.version), to_string(s.status), to_string(s.status), escape(s.received_at), escape(s.updated_at),
      escape(s.delivered_to), keys);
  html += "<h3>Segments</h3>\n" + raw_view(ctx, s);
  html += "\n<h3>Mapped ERP transaction</h3>\n" + mapped_view(ctx, s.id);
  html += "\n<h3>Events</h3>\n" + events_view(ctx, s.id);
  html += "\n<h3>Acknowledgments and MDNs</h3>\n" + acks_view(ctx, s.file_id);
  return html;
}

std::string quantity(double q) { return fmt::format("{}", q); }

std::string order_html(const archive::OrderRecord& o, const std::vector<archive::OrderLineRecord>& lines) {
  std::string html = fmt::format(
      "<p>Order <span class=\"tag\">{}</span> ({}), ordered {}, ship by {}{}</p>\n", to_string(o.state), escape(o.origin),
      escape(o.order_date), o.requested_ship_date.empty() ? "-" : escape(o.requested_ship_date),
      o.acknowledged_at.empty() ? "" : fmt::format("; acknowledged {}: {}", escape(o.acknowledged_at), escape(o.ack_status)));
  html += "<table><tr><th>Line</th><th>Buyer part</th><th>Unit</th><th>Ordered</th><th>Acknowledged</th>"
          "<th>Shipped</th><th>Invoiced</th></tr>\n";
  for (const auto& l : lines)
    html += fmt::format(
        "<tr><td>{}</td><td class=\"mono\">{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td></tr>\n",
        escape(l.line_number), escape(l.buyer_part), escape(l.unit), quantity(l.quantity),
        l.ack_status.empty() ? "-" : escape(l.ack_status) + " " + quantity(l.ack_quantity), quantity(l.shipped),
        quantity(l.invoiced));
  return html + "</table>\n";
}

std::string timeline_html(const PageContext& ctx, const Timeline& t) {
  std::string html = "<h2>" + escape(partner_name(ctx.config, t.partner)) + "</h2>\n";
  if (t.order) html += order_html(*t.order, t.lines);
  html += "<table class=\"timeline\"><tr><th>When</th><th>Step took</th><th>What</th><th>Set</th><th>File</th></tr>\n";
  const auto steps = step_seconds(t.entries);
  std::vector<std::int64_t> sets;
  for (std::size_t i = 0; i < t.entries.size(); ++i) {
    const Entry& e = t.entries[i];
    html += fmt::format("<tr{}><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                        e.exception_id ? " class=\"warn\"" : "", escape(e.at), steps[i] ? step_text(*steps[i]) : "",
                        escape(e.what), e.set_id ? fmt::format(R"(<a href="#set-{}">{}</a>)", e.set_id, e.set_id) : "",
                        e.file_id ? raw_link(e.file_id) : "");
    if (e.set_id && std::find(sets.begin(), sets.end(), e.set_id) == sets.end()) sets.push_back(e.set_id);
  }
  html += "</table>\n";
  for (const auto& line : t.awaiting) html += "<p class=\"notice\">Awaiting: " + escape(line) + "</p>\n";
  for (std::int64_t id : sets) {
    const auto set = ctx.index.transaction_set(id);
    if (!set) continue;
    html += fmt::format("<details id=\"set-{}\" open><summary>{} {} {} · {} · {}</summary>\n{}</details>\n", id, escape(set->type),
                        set->direction == "out" ? "sent" : "received", escape(set->control_number), to_string(set->status),
                        set_link(id), set_section(ctx, *set));
  }
  return html;
}

Response business_document(const PageContext& ctx, const Request& req) {
  const std::string key = req.param("key");
  const auto document = parse_document(key);
  if (!document)
    return error_page(400, req, "'" + key + "' is not a document name: expected " + kDocumentForms);
  std::vector<std::string> partners;
  if (const std::string partner = req.param("partner"); !partner.empty()) partners.push_back(partner);
  else partners = document_partners(ctx.index, ctx.config, *document);
  const auto timelines = document_timelines(ctx.index, *document, partners, ctx.clock.iso_now());
  if (timelines.empty()) return error_page(404, req, "No document " + document->text() + " in the archive.");
  std::string body;
  if (timelines.size() > 1)
    body += fmt::format("<p class=\"muted\">{} partners have {}.</p>\n", timelines.size(), escape(document->text()));
  for (const auto& t : timelines) body += timeline_html(ctx, t);
  return html_page(200, document->text(), req, body);
}

}  // namespace

Response document_page(const PageContext& ctx, const Request& req) {
  if (!req.param("key").empty()) return business_document(ctx, req);
  if (req.param("set").empty())  // nothing named yet: ask for it
    return html_page(200, "Document", req,
                     "<form class=\"filters\" action=\"/document\" method=\"get\"><label>Document<input name=\"key\" "
                     "placeholder=\"po:4500012345\" required></label><label>Partner<input name=\"partner\" "
                     "placeholder=\"every partner\"></label><button type=\"submit\">Show</button></form>\n"
                     "<p class=\"muted\">" + std::string(kDocumentForms) + ".</p>");
  const auto id = id_param(req, "set");
  if (!id) return error_page(400, req, "'" + req.param("set") + "' is not a transaction set id.");
  const auto set = ctx.index.transaction_set(*id);
  if (!set) return error_page(404, req, "No transaction set " + std::to_string(*id) + " in the archive.");
  return html_page(200, fmt::format("Transaction set {} ({} {})", *id, set->type, set->control_number), req,
                   set_section(ctx, *set));
}

Response raw_file(const PageContext& ctx, const Request& req) {
  const auto id = id_param(req, "file");
  if (!id) return error_page(400, req, "'" + req.param("file") + "' is not a file id.");
  const auto file = ctx.index.file(*id);
  if (!file) return error_page(404, req, "No file F" + std::to_string(*id) + " in the archive.");
  Response response;
  try {
    response.body = ctx.store.read(file->sha256);
  } catch (const std::exception& e) {
    return error_page(500, req, "File F" + std::to_string(*id) + " cannot be served: " + e.what());
  }
  // The name as the partner sent it, reduced to characters safe in a header.
  std::string name;
  for (char c : file->source_name)
    name += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  if (name.empty() || name.find_first_not_of('.') == std::string::npos) name = "F" + std::to_string(*id);
  response.content_type = "application/octet-stream";
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "\"");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return response;
}

}  // namespace edihub::hub::web
