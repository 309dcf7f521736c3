#include "viz/panels/waterfall_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "viz/derive/event_text.hpp"
#include "viz/panels/panel_util.hpp"
#include "viz/timeline/axis.hpp"
#include "viz/timeline/timeline_row.hpp"

namespace lvs::viz {

// DNS lookups per client group, as known at the cursor: what the users of getaddrinfo() saw.
void WaterfallPanel::lookups(const ViewerState& st) {
    for (const LookupSeries& l : run_.lookups) {
        const double ok = l.answered.at(st.cursor.t, 0.0), failed = l.failed.at(st.cursor.t, 0.0);
        ImGui::TextColored(to_vec4(failed > 0 ? colours::kFail : colours::kDimText),
                           "DNS %s: %.0f answered, %.0f failed", l.group.c_str(), ok, failed);
    }
}

void WaterfallPanel::draw(ViewerState& st, float width, float height) {
    const auto& browsers = run_.pages.browsers();
    if (totals_at_ != st.cursor.t) {
        totals_ = run_.pages.totals_at(st.cursor.t);
        totals_at_ = st.cursor.t;
    }
    char line[256];
    std::snprintf(line, sizeof line,
                  "pages %llu: done %llu, aborted %llu, with failures %llu | objects ok %llu, failed %llu, "
                  "aborted %llu, "
                  "retries %llu | p50 %.0f ms  p95 %.0f ms",
                  static_cast<unsigned long long>(totals_.pages),
                  static_cast<unsigned long long>(totals_.done),
                  static_cast<unsigned long long>(totals_.aborted),
                  static_cast<unsigned long long>(totals_.with_failures),
                  static_cast<unsigned long long>(totals_.objects_ok),
                  static_cast<unsigned long long>(totals_.objects_failed),
                  static_cast<unsigned long long>(totals_.objects_aborted),
                  static_cast<unsigned long long>(totals_.retries), totals_.p50_ms, totals_.p95_ms);
    if (browsers.empty() && !run_.lookups.empty()) {
        lookups(st);
        return;
    }
    ImGui::TextColored(to_vec4(totals_.objects_failed > 0 ? colours::kFail : colours::kDimText), "%s", line);
    lookups(st);
    if (browsers.empty()) {
        ImGui::TextColored(to_vec4(colours::kDimText), "no page loads in this run");
        return;
    }
    browser_ = std::clamp(browser_, 0, static_cast<int>(browsers.size()) - 1);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    const std::string name(run_.model.str(browsers[static_cast<size_t>(browser_)].browser));
    if (browsers.size() > 1) {
        ImGui::InputInt("##browser", &browser_);
        browser_ = std::clamp(browser_, 0, static_cast<int>(browsers.size()) - 1);
        ImGui::SameLine();
    }
    const BrowserLoads& b = browsers[static_cast<size_t>(browser_)];
    const int64_t pi = run_.pages.page_at(static_cast<size_t>(browser_), st.cursor.t);
    if (pi < 0) {
        ImGui::TextColored(to_vec4(colours::kDimText), "%s: no page started yet", name.c_str());
        page_strip(st, width);
        return;
    }
    const PageLoad& p = b.pages[static_cast<size_t>(pi)];
    // Only what is known at the cursor: a page that ends later is still loading here.
    const bool ended = p.t1 <= st.cursor.t;
    if (p.done && ended)
        std::snprintf(line, sizeof line, "%s page %lld: %.0f ms, %lld failed", name.c_str(),
                      static_cast<long long>(p.page), p.load_ms, static_cast<long long>(p.failed));
    else if (p.aborted && ended)
        std::snprintf(line, sizeof line, "%s page %lld: ABORTED after %.0f ms", name.c_str(),
                      static_cast<long long>(p.page), p.load_ms);
    else
        std::snprintf(line, sizeof line, "%s page %lld: loading for %.0f ms", name.c_str(),
                      static_cast<long long>(p.page), static_cast<double>(st.cursor.t - p.t0) / 1e6);
    ImGui::TextColored(to_vec4(ended && (p.aborted || p.failed > 0) ? colours::kFail : colours::kText), "%s",
                       line);
    ImGui::SameLine();
    ImGui::TextColored(to_vec4(colours::kDimText), "(started %s)", format_seconds(p.t0, 3).c_str());
    page_strip(st, width);
    waterfall(st, p, width, std::max(0.0f, ImGui::GetContentRegionAvail().y));
    (void)height;
}

void WaterfallPanel::page_strip(ViewerState& st, float width) {
    // Every page of this browser on the shared axis: green done, red with failures, grey aborted.
    const BrowserLoads& b = run_.pages.browsers()[static_cast<size_t>(browser_)];
    const float h = ImGui::GetTextLineHeight();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##pages", ImVec2(width, h));
    const float x0 = p.x, x1 = p.x + width - 8;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(x1, p.y + h), colours::kPanel.abgr());
    const int64_t ta = st.view.visible_begin(), tb = st.view.visible_end();
    for (const PageLoad& pg : b.pages) {
        if (pg.t1 < ta || pg.t0 > tb || pg.t0 > st.cursor.t) continue;  // not started yet: unknown
        const bool ended = pg.t1 <= st.cursor.t;
        const float a = std::floor(std::max(x0, st.view.x_of(pg.t0, x0, x1)));
        const float z =
            std::max(a + 2, std::floor(std::min(x1, st.view.x_of(std::min(pg.t1, st.cursor.t), x0, x1))));
        const Rgb c = !ended          ? colours::kObjectReused
                      : pg.aborted    ? colours::kObjectAborted
                      : pg.failed > 0 ? colours::kObjectFailed
                                      : colours::kPass;
        dl->AddRectFilled(ImVec2(a, p.y + 2), ImVec2(z, p.y + h - 2), c.abgr());
    }
    const float cx = std::floor(st.view.x_of(st.cursor.t, x0, x1)) + 0.5f;
    if (cx >= x0 && cx <= x1) dl->AddLine(ImVec2(cx, p.y), ImVec2(cx, p.y + h), colours::kCursor.abgr());
    if (ImGui::IsItemActive() && !st.headless)
        st.cursor.t = std::clamp(st.view.t_of(ImGui::GetIO().MousePos.x, x0, x1), st.view.extent_begin(),
                                 st.view.extent_end());
}

void WaterfallPanel::waterfall(const ViewerState& st, const PageLoad& page, float width, float height) {
    const float fs = ImGui::GetFontSize();
    const float row_h = std::max(14.0f, ImGui::GetTextLineHeight() + 2);
    const float label_w = std::floor(fs * 9.5f);
    ImGui::BeginChild("##waterfall", ImVec2(width, height), false);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    // Notes ("FAILED: ...") run past the bars' end; leave them a little room, not a column.
    const float x0 = std::floor(origin.x + label_w), x1 = std::floor(origin.x + width - fs * 5);
    // The page's own scale: from its start to its end (or the last object's end) once that
    // is known; while it loads, up to the cursor, so the bars grow as in a browser's tools.
    int64_t span = std::max<int64_t>(1, page.t1 - page.t0);
    for (uint32_t oi = page.first_object; oi < page.first_object + page.object_count; ++oi)
        span = std::max(span, run_.pages.object(oi).t_end - page.t0);
    const int64_t now = st.cursor.t;
    if (page.t0 + span > now) span = std::max<int64_t>(1'000'000, now - page.t0);
    const auto x_of = [&](int64_t t) {
        return x0 +
               static_cast<float>(static_cast<double>(t - page.t0) / static_cast<double>(span)) * (x1 - x0);
    };
    // A millisecond axis along the top.
    const int64_t step = nice_step(static_cast<double>(span) * fs * 6 / std::max(1.0f, x1 - x0));
    for (int64_t t = 0; t <= span; t += step) {
        const float x = std::floor(x_of(page.t0 + t)) + 0.5f;
        char lab[24];
        std::snprintf(lab, sizeof lab, "%g ms", static_cast<double>(t) / 1e6);
        dl->AddText(ImVec2(x + 2, origin.y), colours::kDimText.abgr(), lab);
        dl->AddLine(ImVec2(x, origin.y),
                    ImVec2(x, origin.y + std::max(height, row_h * (page.object_count + 1.0f))),
                    colours::kGrid.abgr(90));
    }
    ImGui::Dummy(ImVec2(width, row_h));
    ImGuiListClipper clip;
    clip.Begin(static_cast<int>(page.object_count), row_h);
    while (clip.Step()) {
        for (int k = clip.DisplayStart; k < clip.DisplayEnd; ++k) {
            const ObjectLoad& o = run_.pages.object(page.first_object + static_cast<uint32_t>(k));
            const ImVec2 q = ImGui::GetCursorScreenPos();
            char lab[64];
            std::snprintf(lab, sizeof lab, "%s%lld conn %lld%s", o.object == 0 ? "html " : "obj ",
                          static_cast<long long>(o.object), static_cast<long long>(o.conn),
                          o.reused ? "" : " new");
            dl->AddText(ImVec2(q.x + 4, q.y), colours::kDimText.abgr(), lab);
            if (o.t_request > now) {  // not requested yet at the cursor
                ImGui::Dummy(ImVec2(width, row_h));
                continue;
            }
            const bool known = o.t_end <= now;  // its outcome has happened
            const float a = std::floor(x_of(o.t_request));
            const float z = std::max(a + 2, std::floor(x_of(std::min(o.t_end, now))));
            Rgb c = o.reused ? colours::kObjectReused : colours::kObjectOk;
            if (known && o.status == ObjectStatus::Failed) c = colours::kObjectFailed;
            else if (known && o.status == ObjectStatus::Aborted) c = colours::kObjectAborted;
            dl->AddRectFilled(ImVec2(a, q.y + 2), ImVec2(z, q.y + row_h - 2),
                              known ? c.abgr() : faded(c).abgr());
            std::string note;
            if (!known) note = "waiting";
            else if (o.status == ObjectStatus::Failed) note = "FAILED: " + std::string(run_.model.str(o.why));
            else if (o.status == ObjectStatus::Aborted) note = "aborted by the next load";
            else if (o.status == ObjectStatus::Pending) note = "pending at the end of the run";
            if (o.retries > 0 && known) note += (note.empty() ? "" : ", ") + std::string("retried");
            if (!note.empty()) {
                // Inside a long bar, else after it.
                const float tw = ImGui::CalcTextSize(note.c_str()).x;
                if (z - a > tw + 8)
                    dl->AddText(ImVec2(a + 4, q.y), colours::kBackground.abgr(), note.c_str());
                else
                    dl->AddText(
                        ImVec2(z + 4, q.y),
                        (!known || o.status == ObjectStatus::Ok ? colours::kDimText : colours::kFail).abgr(),
                        note.c_str());
            }
            ImGui::Dummy(ImVec2(width, row_h));
        }
    }
    if (st.cursor.t >= page.t0 && st.cursor.t <= page.t0 + span) {
        const float cx = std::floor(x_of(st.cursor.t)) + 0.5f;
        dl->AddLine(ImVec2(cx, origin.y), ImVec2(cx, ImGui::GetCursorScreenPos().y), colours::kCursor.abgr());
    }
    ImGui::EndChild();
}

}  // namespace lvs::viz
