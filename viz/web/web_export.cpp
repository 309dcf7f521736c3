#include "viz/web/web_export.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "viz/derive/event_text.hpp"
#include "viz/web/run_json.hpp"

namespace lvs::viz {

namespace {

void replace(std::string& s, std::string_view what, std::string_view with) {
    const size_t at = s.find(what);
    if (at != std::string::npos) s.replace(at, what.size(), with);
}

std::string html(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else if (c == '&') out += "&amp;";
        else if (c == '"') out += "&quot;";
        else out += c;
    }
    return out;
}

// The latest `kind` record's `key` text at or before t.
std::string text_at(const TraceModel& m, StrId kind, StrId key, int64_t t) {
    const int64_t rec = m.latest(m.of_kind(kind), t);
    return rec < 0 ? std::string() : std::string(m.get_text(m.at(static_cast<size_t>(rec)), key));
}

// Each realserver's weight, ActiveConn and InActConn up to t, as an SVG step plot.
std::string counters_svg(const RunData& run, int64_t t) {
    const int64_t end = std::max<int64_t>(1, run.model.end_time());
    std::string out;
    for (const RealServerSeries& s : run.series) {
        double top = 1;
        for (const StepSeries* series : {&s.weight, &s.active, &s.inactive})
            top = std::max(top, series->max());
        out += "<div class=\"plot\"><b>" + html(s.name) + "</b> <span class=\"dim\">at " +
               format_seconds(t, 0) + ": weight " +
               std::to_string(static_cast<int>(std::isnan(s.weight.at(t)) ? -1 : s.weight.at(t))) +
               ", ActiveConn " +
               std::to_string(static_cast<int>(std::isnan(s.active.at(t)) ? 0 : s.active.at(t))) +
               ", InActConn " +
               std::to_string(static_cast<int>(std::isnan(s.inactive.at(t)) ? 0 : s.inactive.at(t))) +
               "</span><svg viewBox=\"0 0 1000 100\" preserveAspectRatio=\"none\">";
        const std::pair<const StepSeries*, const char*> lines[] = {
            {&s.weight, "#b08a00"}, {&s.active, "#1f8f3a"}, {&s.inactive, "#2060c0"}};
        for (const auto& [series, colour] : lines) {
            std::string d;
            const auto& ts = series->times();
            const auto& vs = series->values();
            for (size_t i = 0; i < ts.size() && ts[i] <= t; ++i) {
                if (std::isnan(vs[i])) continue;
                const int64_t next = std::min(t, i + 1 < ts.size() ? ts[i + 1] : end);
                char seg[96];
                std::snprintf(
                    seg, sizeof seg, "M%.1f %.1fL%.1f %.1f",
                    1000.0 * static_cast<double>(ts[i]) / static_cast<double>(end), 96 - vs[i] / top * 90,
                    1000.0 * static_cast<double>(next) / static_cast<double>(end), 96 - vs[i] / top * 90);
                d += seg;
            }
            out += "<path d=\"" + d + "\" stroke=\"" + colour +
                   "\" fill=\"none\" stroke-width=\"2\" vector-effect=\"non-scaling-stroke\"/>";
        }
        char cursor[96];
        std::snprintf(cursor, sizeof cursor,
                      "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" y2=\"100\" stroke=\"#c00000\"/>",
                      1000.0 * static_cast<double>(t) / static_cast<double>(end),
                      1000.0 * static_cast<double>(t) / static_cast<double>(end));
        out += std::string(cursor) + "</svg></div>";
    }
    return out;
}

}  // namespace

std::string web_page(const std::vector<const RunData*>& runs) {
    std::string data = "{\"runs\":[";
    std::string title;
    for (size_t i = 0; i < runs.size(); ++i) {
        data += (i ? "," : "") + run_json(*runs[i]);
        title += (i ? " vs " : "") + runs[i]->title;
    }
    data += "]}";
    std::string page = kPageTemplate;
    replace(page, "/*LVSIM_TITLE*/", html(title) + " - lvsim");
    // Several directors: the others' listings and the band of the VIP owner or of the router's
    // ECMP group (page_directors.html) join the page; a single director's page is the template
    // alone.
    if (std::any_of(runs.begin(), runs.end(), [](const RunData* r) { return r->directors.present(); }))
        replace(page, "</body>", std::string(kPageDirectorsTemplate) + "</body>");
    replace(page, "/*LVSIM_DATA*/", data);
    return page;
}

std::string handout(const RunData& run) {
    const TraceModel& m = run.model;
    const auto& K = m.keys();
    std::string o =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + html(run.title) +
        " - lvsim handout</title><style>"
        "body{font:13px/1.4 \"DejaVu Sans\",sans-serif;margin:18mm;color:#111}"
        "h1{font-size:20px}h2{font-size:15px;margin-top:18px;border-bottom:1px solid #999}"
        "pre{font:11px \"DejaVu Sans Mono\",monospace;background:#f3f3f3;padding:6px;overflow-x:auto}"
        ".q{font-weight:bold}.dim{color:#555}svg{width:100%;height:70px;background:#fafafa;border:1px solid "
        "#ccc}"
        ".plot{margin:4px 0}.answers{page-break-before:always;break-before:page}"
        ".step{page-break-inside:avoid;break-inside:avoid}</style></head><body>\n";
    o += "<h1>" + html(run.title) + "</h1>\n<p style=\"white-space:pre-wrap\">" + html(run.lesson) + "</p>\n";
    if (run.steps.empty())
        o += "<p class=\"dim\">This scenario has no guided steps (<code>steps:</code>).</p>\n";
    for (size_t i = 0; i < run.steps.size(); ++i) {
        const LessonStepView& s = run.steps[i];
        o += "<div class=\"step\"><h2>Step " + std::to_string(i + 1) + " at " + format_seconds(s.t, 0) +
             "</h2>\n<p>" + html(s.caption) + "</p>\n";
        if (!s.question.empty()) o += "<p class=\"q\">Predict: " + html(s.question) + "</p>\n";
        o += counters_svg(run, s.t);
        // The listings the class may see at this step (a listing the step reveals goes with
        // the answers).
        if (s.question.empty() || s.reveal != "listing")
            o += "<pre>" + html(text_at(m, m.kinds().listing, K.ipvsadm_ln, s.t)) + "</pre>\n";
        if (s.question.empty() || s.reveal != "connections")
            o += "<pre>" + html(listing_head(text_at(m, m.kinds().connections, K.ipvsadm_lnc, s.t))) +
                 "</pre>\n";
        o += "</div>\n";
    }
    o += "<div class=\"answers\"><h1>Answers</h1>\n";
    for (size_t i = 0; i < run.steps.size(); ++i) {
        const LessonStepView& s = run.steps[i];
        if (s.question.empty()) continue;
        o += "<div class=\"step\"><h2>Step " + std::to_string(i + 1) + ": " + html(s.question) + "</h2>\n";
        if (s.reveal == "listing")
            o += "<pre>" + html(text_at(m, m.kinds().listing, K.ipvsadm_ln, s.t)) + "</pre>\n";
        else if (s.reveal == "connections")
            o += "<pre>" + html(listing_head(text_at(m, m.kinds().connections, K.ipvsadm_lnc, s.t))) +
                 "</pre>\n";
        else if (s.reveal == "expectation") {
            const int64_t rec = m.latest(m.of_kind(m.kinds().expectation), s.t);
            if (rec >= 0) {
                const Record& r = m.at(static_cast<size_t>(rec));
                o += "<p>" + std::string(m.get_int(r, K.passed) != 0 ? "PASS " : "FAIL ") +
                     html(m.get_text(r, K.that)) + " <span class=\"dim\">[" +
                     html(m.get_text(r, K.observed)) + "]</span></p>\n";
            }
        } else {
            // What happened next: the run's key moments up to the next step, and the counters then.
            const int64_t until = i + 1 < run.steps.size() ? run.steps[i + 1].t : m.end_time();
            o += "<ul>";
            for (const KeyMoment& k : run.moments)
                if (k.t > s.t && k.t <= until)
                    o += "<li>" + format_seconds(k.t, 1) + ": " + html(k.label) + "</li>";
            o += "</ul>" + counters_svg(run, until);
        }
        o += "</div>\n";
    }
    return o + "</div></body></html>\n";
}

}  // namespace lvs::viz
