#include "viz/derive/lesson.hpp"

#include <algorithm>
#include <map>

namespace lvs::viz {

std::vector<LessonStepView> lesson_steps(const TraceModel& m) {
    const auto& K = m.keys();
    std::vector<LessonStepView> out;
    for (uint32_t ri : m.of_kind(m.kinds().lesson_step)) {
        const Record& r = m.at(ri);
        out.push_back({m.get_int(r, K.at), std::string(m.get_text(r, K.caption)),
                       std::string(m.get_text(r, K.question)), std::string(m.get_text(r, K.highlight)),
                       std::string(m.get_text(r, K.reveal))});
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const LessonStepView& a, const LessonStepView& b) { return a.t < b.t; });
    return out;
}

namespace {

// The realserver a timeline command drains ("-e ... -r ADDR ... -w 0" or "-d ... -r ADDR"):
// its address, or "" for any other command.
std::string drained_address(std::string_view command) {
    const bool del = command.find("-d ") != std::string_view::npos ||
                     command.find("--delete-server") != std::string_view::npos;
    const bool zero =
        command.find("-w 0") != std::string_view::npos &&
        (command.size() == command.find("-w 0") + 4 || command[command.find("-w 0") + 4] == ' ');
    if (!del && !zero) return {};
    const size_t r = command.find("-r ");
    if (r == std::string_view::npos) return {};
    const size_t a = r + 3, e = command.find(' ', a);
    return std::string(command.substr(a, e == std::string_view::npos ? std::string_view::npos : e - a));
}

}  // namespace

std::vector<KeyMoment> key_moments(const TraceModel& m, const ConnectionSet& conns) {
    const auto& K = m.keys();
    const auto& k = m.kinds();
    std::vector<KeyMoment> out;
    // The last reload of each browser, and the first idle close after it: the keep-alive
    // timeout the client (or the server) applies to the connections left open.
    std::map<StrId, int64_t> last_page;
    for (uint32_t ri : m.of_kind(k.page_start)) last_page[m.at(ri).entity] = m.at(ri).t;
    for (const auto& [browser, t] : last_page) {
        const std::string_view name = m.str(browser);
        const std::string host(name.substr(0, name.rfind(':')));
        out.push_back({t, "last reload (" + host + ")"});
        for (uint32_t ri : m.of_kind(k.idle_close))
            if (m.at(ri).t > t && m.str(m.at(ri).entity).substr(0, host.size()) == host) {
                out.push_back({m.at(ri).t, host + " closes its idle connections (keep-alive timeout)"});
                break;
            }
        int64_t server_close = -1;
        for (uint32_t ri : m.of_kind(k.keepalive_close))
            if (m.at(ri).t > t) {
                server_close = m.at(ri).t;
                break;
            }
        if (server_close >= 0)
            out.push_back({server_close, "a server closes idle connections (keep-alive timeout)"});
    }
    // Drains: after `-w 0` the first instant the realserver lists no ActiveConn; after `-w 0`
    // or `-d`, when its last IPVS entry ends.
    std::map<std::string, std::string> name_of;  // "192.168.10.11:80" -> "rs1"
    for (uint32_t ri : m.of_kind(k.director_dest))
        name_of[std::string(m.get_text(m.at(ri), K.address))] = std::string(m.get_text(m.at(ri), K.name));
    for (uint32_t ri : m.of_kind(k.timeline_ipvsadm)) {
        const Record& cmd = m.at(ri);
        const std::string addr = drained_address(m.get_text(cmd, K.command));
        if (addr.empty() || name_of.count(addr) == 0) continue;
        const std::string& name = name_of[addr];
        for (uint32_t di : m.of_kind(k.director_dest)) {
            const Record& r = m.at(di);
            if (r.t < cmd.t || m.get_text(r, K.address) != addr || m.get_int(r, K.listed) == 0) continue;
            if (m.get_int(r, K.active) == 0) {
                out.push_back({r.t, name + ": no ActiveConn"});
                break;
            }
        }
        const StrId host = m.find_str(name);
        int64_t last_end = -1;
        bool open_at_end = false;  // still draining when the run ends: no moment to mark
        for (const Endpoint& e : conns.endpoints())
            if (e.side == Side::Director && e.host == host && e.t0 <= cmd.t && e.t1 > cmd.t)
                last_end = std::max(last_end, e.t1), open_at_end = open_at_end || e.open_at_end;
        if (last_end >= 0 && !open_at_end)
            out.push_back({last_end, name + ": last IPVS entry gone (drain over)"});
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const KeyMoment& a, const KeyMoment& b) { return a.t < b.t; });
    return out;
}

}  // namespace lvs::viz
