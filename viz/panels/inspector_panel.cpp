#include "viz/panels/inspector_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "viz/derive/event_text.hpp"
#include "viz/panels/panel_util.hpp"

namespace lvs::viz {

namespace {

const char* kSideNames[kSideCount] = {"client TCP", "IPVS entry", "server TCP"};

}  // namespace

void InspectorPanel::gather(int32_t conn) {
    gathered_ = conn;
    const TraceModel& m = run_.model;
    const auto& K = m.keys();
    const ConnectionSet& cs = run_.conns;
    const Connection& c = cs.connections()[static_cast<size_t>(conn)];
    const std::string client(m.str(c.client_addr));
    title_ = std::string(m.str(c.client_host)) + " " + client + "  ->  " +
             (c.server != kNoStr ? std::string(m.str(c.server)) : std::string("(no realserver)"));
    // Why there: the scheduling decision for this client address when its entry was made.
    why_.clear();
    scheduler_.clear();
    if (c.side[1] >= 0) {
        const Endpoint& e = cs.endpoint(c.side[1]);
        for (uint32_t ri : m.of_kind(m.kinds().ipvs_sched)) {
            const Record& r = m.at(ri);
            if (r.t > e.t0) break;
            if (r.t == e.t0 && m.get_text(r, K.client) == client) {
                scheduler_ = std::string(m.get_text(r, K.scheduler)) + " chose " +
                             std::string(m.get_text(r, K.chosen));
                why_ = std::string(m.get_text(r, K.candidates));
            }
        }
        if (scheduler_.empty())
            scheduler_ = "not scheduled in this run's trace (an existing entry or template)";
    }
    // Each side's states: "0.000 SYN_SENT, 0.020 ESTABLISHED, ...".
    history_.clear();
    for (int s = 0; s < kSideCount; ++s) {
        if (c.side[static_cast<size_t>(s)] < 0) continue;
        const Endpoint& e = cs.endpoint(c.side[static_cast<size_t>(s)]);
        SideHistory h{std::string(kSideNames[s]) + " (" + std::string(m.str(e.host)) + "):", {}};
        for (const StateSpan* sp = cs.spans_begin(e); sp != cs.spans_end(e); ++sp)
            h.states.emplace_back(sp->t0, std::string(state_info(sp->state).name));
        if (!e.open_at_end) h.states.emplace_back(e.t1, "CLOSED");
        history_.push_back(std::move(h));
    }
    // Its packets: every leg carries the client's address:port (NAT rewrites the destination only).
    packets_.clear();
    for (uint32_t ri : m.of_kind(m.kinds().net_packet)) {
        const Record& r = m.at(ri);
        if (r.t < c.t0 - 1 || r.t > c.t1) continue;
        if (m.get_text_id(r, K.src) == c.client_addr || m.get_text_id(r, K.dst) == c.client_addr)
            packets_.push_back(ri);
    }
    // The client side's windows (tcp.cwnd and tcp.rwnd records of its host and conn id).
    windows_.clear();
    if (c.side[0] >= 0) {
        const Endpoint& e = cs.endpoint(c.side[0]);
        for (uint32_t ri : m.of_entity(e.host)) {
            const Record& r = m.at(ri);
            const std::string_view kind = m.str(r.kind);
            if ((kind == trace::kind::tcp_cwnd || kind == trace::kind::tcp_rwnd) &&
                m.get_int(r, K.conn) == e.id)
                windows_.push_back(ri);
        }
    }
}

void InspectorPanel::draw(ViewerState& st) {
    if (st.selected_run != &run_ || st.selected_conn < 0 ||
        st.selected_conn >= static_cast<int32_t>(run_.conns.connections().size()))
        return;
    if (gathered_ != st.selected_conn) gather(st.selected_conn);
    const TraceModel& m = run_.model;
    const ImGuiIO& io = ImGui::GetIO();
    const float fs = ImGui::GetFontSize();
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x - 12, fs * 6), ImGuiCond_Appearing, ImVec2(1, 0));
    ImGui::SetNextWindowSize(
        ImVec2(std::min(io.DisplaySize.x * 0.5f, fs * 48), std::min(io.DisplaySize.y * 0.6f, fs * 30)),
        ImGuiCond_Appearing);
    bool open = true;
    ImGui::PushStyleColor(ImGuiCol_WindowBg, to_vec4(colours::kPanel, 0.98f));
    if (ImGui::Begin("Connection", &open, ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse)) {
        ImGui::TextColored(to_vec4(colours::kDirector), "%s", title_.c_str());
        ImGui::PushTextWrapPos(0);
        if (!scheduler_.empty()) {
            ImGui::TextColored(to_vec4(colours::kText), "Why there: %s", scheduler_.c_str());
            if (!why_.empty()) ImGui::TextColored(to_vec4(colours::kDimText), "  %s", why_.c_str());
        }
        // Each side's states up to the cursor; what follows only while the future is shown.
        for (const SideHistory& h : history_) {
            std::string known = h.name, later;
            for (const auto& [t, name] : h.states)
                (t <= st.cursor.t ? known : later) += "  " + format_seconds(t, 3) + " " + name;
            ImGui::TextUnformatted(known.c_str());
            if (st.show_future && !later.empty())
                ImGui::TextColored(to_vec4(colours::kDimText), "    later:%s", later.c_str());
        }
        // The client's last windows at the cursor.
        const Record* cwnd = nullptr;
        const Record* rwnd = nullptr;
        for (uint32_t ri : windows_) {
            const Record& r = m.at(ri);
            if (r.t > st.cursor.t) break;
            (m.str(r.kind) == trace::kind::tcp_cwnd ? cwnd : rwnd) = &r;
        }
        std::string windows;
        if (const Field* f = cwnd != nullptr ? m.field(*cwnd, std::string_view("cwnd")) : nullptr)
            windows += "cwnd " + m.format_value(*f) + " packets  ";
        if (const Field* f = rwnd != nullptr ? m.field(*rwnd, std::string_view("rcv_wnd")) : nullptr)
            windows += "rcv_wnd " + m.format_value(*f) + " bytes";
        if (!windows.empty())
            ImGui::TextColored(to_vec4(colours::kDimText), "client at the cursor: %s", windows.c_str());
        ImGui::PopTextWrapPos();
        // Packets up to the cursor, newest last.
        size_t known = 0;
        while (known < packets_.size() && m.at(packets_[known]).t <= st.cursor.t) ++known;
        ImGui::Separator();
        ImGui::TextColored(to_vec4(colours::kText), "Packets: %zu by the cursor (of %zu)", known,
                           packets_.size());
        ImGui::BeginChild("##packets", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
        ImGuiListClipper clip;
        clip.Begin(static_cast<int>(known));
        while (clip.Step())
            for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
                const uint32_t ri = packets_[static_cast<size_t>(i)];
                const Record& r = m.at(ri);
                const std::string line =
                    format_seconds(r.t, 6) + "  " + std::string(m.str(r.entity)) + "  " + event_summary(m, r);
                if (ImGui::Selectable(line.c_str(), false)) st.cursor.t = r.t;
            }
        ImGui::EndChild();
    }
    ImGui::End();
    ImGui::PopStyleColor();
    if (!open) st.selected_conn = -1;
}

}  // namespace lvs::viz
