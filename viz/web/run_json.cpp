#include "viz/web/run_json.hpp"

#include <cmath>
#include <cstdio>

#include "viz/derive/event_text.hpp"
#include "viz/theme.hpp"

namespace lvs::viz {

std::string json_text(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '<': out += "\\u003c"; break;  // never "</script>" inside the page's script
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

namespace {

std::string num(double v) {
    if (std::isnan(v)) return "null";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

// A page is read on a projector and opened on a student's laptop: a listing longer than a
// screen, or a log of millions of events, makes it unusable (a busy farm's -Lnc every second
// came to half a gigabyte). Past these bounds the page shows the head of each listing and
// thins the log; the viewer keeps everything.
constexpr size_t kListingLines = 200;
constexpr size_t kEventsPerSecond = 150;
// -Ln is traced at every change: past this many, only the last listing of each 100 ms stays.
constexpr size_t kListings = 3000;
constexpr int64_t kListingBucketNs = 100'000'000;

// [[t, "text"], ...] for each of `records` (in time order), its `key` field.
std::string texts(const TraceModel& m, const std::vector<uint32_t>& records, StrId key) {
    std::string out = "[";
    const bool thin = records.size() > kListings;
    for (size_t k = 0; k < records.size(); ++k) {
        const Record& r = m.at(records[k]);
        if (thin && k + 1 < records.size() &&
            m.at(records[k + 1]).t / kListingBucketNs == r.t / kListingBucketNs)
            continue;
        out += (out.size() > 1 ? "," : "") + std::string("[") + std::to_string(r.t) + "," +
               json_text(listing_head(m.get_text(r, key))) + "]";
    }
    return out + "]";
}

std::string series(const StepSeries& s) {
    std::string t = "[", v = "[";
    for (size_t i = 0; i < s.times().size(); ++i) {
        t += (i ? "," : "") + std::to_string(s.times()[i]);
        v += (i ? "," : "") + num(s.values()[i]);
    }
    return "{\"t\":" + t + "],\"v\":" + v + "]}";
}

std::string lanes(const RunData& run) {
    const ConnectionSet& cs = run.conns;
    const TraceModel& m = run.model;
    std::string out = "[";
    for (size_t ci = 0; ci < cs.connections().size(); ++ci) {
        const Connection& c = cs.connections()[ci];
        std::string label = std::string(m.str(c.client_host));
        const std::string_view addr = m.str(c.client_addr);
        label += " :" + std::string(addr.substr(addr.rfind(':') + 1)) + " > " + std::string(m.str(c.server));
        out += (ci ? "," : "") + std::string("{\"label\":") + json_text(label) +
               ",\"t0\":" + std::to_string(c.t0) + ",\"t1\":" + std::to_string(c.t1) + ",\"sides\":[";
        for (int s = 0; s < kSideCount; ++s) {
            out += s ? ",[" : "[";
            if (c.side[static_cast<size_t>(s)] >= 0) {
                const Endpoint& e = cs.endpoint(c.side[static_cast<size_t>(s)]);
                bool first = true;
                for (const StateSpan* sp = cs.spans_begin(e); sp != cs.spans_end(e); ++sp, first = false)
                    out += (first ? "" : ",") + std::string("[") + std::to_string(sp->t0) + "," +
                           std::to_string(sp->t1) + "," + std::to_string(static_cast<int>(sp->state)) + "]";
            }
            out += "]";
        }
        out += "]}";
    }
    return out + "]";
}

// The event log: what the viewer's log shows by default (packets, listings and the TCP
// windows' bookkeeping are left out: they are most of the records and say little here).
// Past kEventsPerSecond in one simulated second, only admin operations, faults and checks are
// kept (the log shows the 150 events before the cursor: each second keeps its first ones).
std::string events(const TraceModel& m) {
    std::string out = "[";
    bool first = true;
    int64_t second = -1;
    size_t in_second = 0;
    for (uint32_t i = 0; i < m.size(); ++i) {
        const Record& r = m.at(i);
        const std::string_view kind = m.str(r.kind);
        namespace k = trace::kind;
        if ((r.category & (kCatPacket | kCatListing)) != 0 || kind == k::tcp_cwnd || kind == k::tcp_rwnd ||
            kind == k::tcp_rto || kind == k::http_server_workers || kind == k::director_dest ||
            kind == k::lesson_step || kind == k::tcp_bbr || kind == k::net_queue)
            continue;
        if (r.t / 1'000'000'000 != second) {
            second = r.t / 1'000'000'000;
            in_second = 0;
        }
        if (++in_second > kEventsPerSecond && (r.category & (kCatAdmin | kCatFault | kCatCheck)) == 0)
            continue;
        out += (first ? "" : ",") + std::string("[") + std::to_string(r.t) + "," +
               json_text(m.str(r.entity)) + "," + json_text(event_summary(m, r)) + "," +
               json_text(event_reason(m, r)) + "," + std::to_string(r.category) + "]";
        first = false;
    }
    return out + "]";
}

std::string colour_text(Rgb c) {
    char colour[16];
    std::snprintf(colour, sizeof colour, "#%02x%02x%02x", c.r, c.g, c.b);
    return colour;
}

const char* ha_event_kind(HaEvent::Kind k) {
    switch (k) {
        case HaEvent::Kind::Vrrp: return "vrrp";
        case HaEvent::Kind::Crash: return "crash";
        case HaEvent::Kind::Stop: return "stop";
        case HaEvent::Kind::Start: return "start";
        case HaEvent::Kind::Partition: return "cut";
        case HaEvent::Kind::Heal: return "heal";
    }
    return "?";
}

// The director pair (viz/derive/ha): each director's name, colour, VRRP states (with why a
// STOPPED one stopped) and, past the first (whose listings are the run's "ln"/"lnc"), its own
// -Ln and -Lnc; who owns the VIPs over time; the pair's events for the timeline's markers.
std::string ha_json(const RunData& run) {
    const TraceModel& m = run.model;
    const HaPair& ha = run.ha;
    std::string o = "{\"directors\":[";
    for (size_t d = 0; d < ha.directors().size(); ++d) {
        const HaDirector& hd = ha.directors()[d];
        o += (d ? "," : "") + std::string("{\"name\":") + json_text(hd.name) + ",\"colour\":\"" +
             colour_text(colours::ha_director(static_cast<int32_t>(d))) + "\",\"states\":[";
        for (size_t i = 0; i < hd.states.size(); ++i)
            o += (i ? "," : "") + std::string("[") + std::to_string(hd.states[i].t) + "," +
                 json_text(vrrp_state_name(hd.states[i].state)) + "," +
                 json_text(ha.stopped_why(d, hd.states[i].t)) + "]";
        o += "]";
        if (d > 0)
            o += ",\"ln\":" + texts(m, hd.listings, m.keys().ipvsadm_ln) +
                 ",\"lnc\":" + texts(m, hd.connections, m.keys().ipvsadm_lnc);
        o += "}";
    }
    o += "],\"none\":\"" + colour_text(colours::ha_director(-1)) + "\",\"fail\":\"" +
         colour_text(colours::kFail) + "\",\"vip\":[";
    for (size_t i = 0; i < ha.vip().size(); ++i)
        o += (i ? "," : "") + std::string("[") + std::to_string(ha.vip()[i].t) + "," +
             std::to_string(ha.vip()[i].owner) + "," +
             json_text(m.get_text(m.at(ha.vip()[i].record), m.keys().text)) + "]";
    o += "],\"events\":[";
    for (size_t i = 0; i < ha.events().size(); ++i) {
        const HaEvent& e = ha.events()[i];
        const Record& r = m.at(e.record);
        const std::string why = e.kind == HaEvent::Kind::Vrrp ? std::string(m.get_text(r, m.keys().why)) : "";
        o += (i ? "," : "") + std::string("[") + std::to_string(e.t) + ",\"" + ha_event_kind(e.kind) + "\"," +
             std::to_string(e.director) + "," + json_text(vrrp_state_name(e.state)) + "," + json_text(why) +
             "]";
    }
    return o + "]}";
}

}  // namespace

std::string listing_head(std::string_view text) {
    size_t at = 0;
    for (size_t n = 0; n < kListingLines; ++n) {
        at = text.find('\n', at);
        if (at == std::string_view::npos) return std::string(text);
        ++at;
    }
    size_t more = 0;
    for (size_t k = at; k < text.size(); ++k) more += text[k] == '\n' ? 1 : 0;
    if (!text.empty() && text.back() != '\n') ++more;
    if (more == 0) return std::string(text);
    return std::string(text.substr(0, at)) + "... and " + std::to_string(more) +
           " more lines (lvsim-view lists them all)\n";
}

std::string run_json(const RunData& run) {
    const TraceModel& m = run.model;
    const auto& K = m.keys();
    std::string o = "{";
    o += "\"title\":" + json_text(run.title) + ",\"lesson\":" + json_text(run.lesson);
    o += ",\"end\":" + std::to_string(m.end_time());
    o += ",\"ln\":" + texts(m, m.of_kind(m.kinds().listing), K.ipvsadm_ln);
    o += ",\"lnc\":" + texts(m, m.of_kind(m.kinds().connections), K.ipvsadm_lnc);
    o += ",\"servers\":[";
    for (size_t i = 0; i < run.series.size(); ++i) {
        const RealServerSeries& s = run.series[i];
        o += (i ? "," : "") + std::string("{\"name\":") + json_text(s.name) +
             ",\"address\":" + json_text(s.address) + ",\"weight\":" + series(s.weight) +
             ",\"active\":" + series(s.active) + ",\"inactive\":" + series(s.inactive) + "}";
    }
    o += "],\"states\":[";
    for (int s = 0; s < kStateCount; ++s) {
        const StateInfo& info = state_info(static_cast<ConnState>(s));
        o += (s ? "," : "") + std::string("[") + json_text(info.name) + ",\"" + colour_text(info.colour) +
             "\"]";
    }
    o += "],\"conns\":" + lanes(run);
    o += ",\"events\":" + events(m);
    o += ",\"steps\":[";
    for (size_t i = 0; i < run.steps.size(); ++i) {
        const LessonStepView& s = run.steps[i];
        o += (i ? "," : "") + std::string("{\"t\":") + std::to_string(s.t) +
             ",\"caption\":" + json_text(s.caption) + ",\"question\":" + json_text(s.question) +
             ",\"highlight\":" + json_text(s.highlight) + ",\"reveal\":" + json_text(s.reveal) + "}";
    }
    o += "],\"expect\":[";
    bool first = true;
    for (uint32_t ri : m.of_kind(m.kinds().expectation)) {
        const Record& r = m.at(ri);
        o += (first ? "" : ",") + std::string("[") + std::to_string(r.t) + "," +
             (m.get_int(r, K.passed) != 0 ? "true" : "false") + "," + json_text(m.get_text(r, K.that)) + "," +
             json_text(m.get_text(r, K.observed)) + "]";
        first = false;
    }
    o += "],\"moments\":[";
    for (size_t i = 0; i < run.moments.size(); ++i)
        o += (i ? "," : "") + std::string("[") + std::to_string(run.moments[i].t) + "," +
             json_text(run.moments[i].label) + "]";
    o += "]";
    if (run.ha.present()) o += ",\"ha\":" + ha_json(run);  // a single director's page has none
    return o + "}";
}

}  // namespace lvs::viz
