#include "viz/web/run_json.hpp"

#include <algorithm>
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

const char* event_kind(DirectorEvent::Kind k) {
    switch (k) {
        case DirectorEvent::Kind::Vrrp: return "vrrp";
        case DirectorEvent::Kind::Crash: return "crash";
        case DirectorEvent::Kind::Stop: return "stop";
        case DirectorEvent::Kind::Start: return "start";
        case DirectorEvent::Kind::Partition: return "cut";
        case DirectorEvent::Kind::Heal: return "heal";
        case DirectorEvent::Kind::Leave: return "leave";
        case DirectorEvent::Kind::Join: return "join";
    }
    return "?";
}

// A director's states over time, [[t, state, why(, colour)], ...]: a pair's VRRP states (with
// why a STOPPED one stopped); a fleet member's place in the router's group and its crashes,
// as the viewer's title says it ("ECMP out", "DOWN (crashed), ECMP in"), in the title's colour.
std::string director_states(const TraceModel& m, const DirectorSet& ds, size_t d) {
    const DirectorTrack& track = ds.directors()[d];
    std::string o = "[";
    if (!ds.fleet()) {
        for (size_t i = 0; i < track.states.size(); ++i)
            o += (i ? "," : "") + std::string("[") + std::to_string(track.states[i].t) + "," +
                 json_text(vrrp_state_name(track.states[i].state)) + "," +
                 json_text(ds.down_why(d, track.states[i].t)) + "]";
        return o + "]";
    }
    std::vector<int64_t> times;
    for (const auto& x : track.membership) times.push_back(x.t);
    for (const DirectorEvent& e : ds.events())
        if (e.director == static_cast<int32_t>(d)) times.push_back(m.at(e.record).t);
    std::sort(times.begin(), times.end());
    std::string last;
    for (int64_t t : times) {
        const std::string item =
            json_text(ds.status_at(d, t)) + ",\"\",\"" + colour_text(ds.colour_at(d, t)) + "\"";
        if (item == last) continue;
        o += (last.empty() ? "" : ",") + std::string("[") + std::to_string(t) + "," + item + "]";
        last = item;
    }
    return o + "]";
}

// Several directors (viz/derive/directors): each director's name, colour, states and, past the
// first (whose listings are the run's "ln"/"lnc"), its own -Ln and -Lnc; the band (who owns
// the VIPs, or the router's ECMP group) and its legend; the directors' events for the markers.
std::string directors_json(const RunData& run) {
    const TraceModel& m = run.model;
    const DirectorSet& ds = run.directors;
    std::string o = "{\"fleet\":" + std::string(ds.fleet() ? "true" : "false") +
                    ",\"title\":" + json_text(ds.band_title()) + ",\"verb\":" + json_text(ds.band_verb()) +
                    ",\"directors\":[";
    for (size_t d = 0; d < ds.directors().size(); ++d) {
        const DirectorTrack& track = ds.directors()[d];
        o += (d ? "," : "") + std::string("{\"name\":") + json_text(track.name) + ",\"colour\":\"" +
             colour_text(colours::of_director(static_cast<int32_t>(d))) +
             "\",\"states\":" + director_states(m, ds, d);
        if (d > 0)
            o += ",\"ln\":" + texts(m, track.listings, m.keys().ipvsadm_ln) +
                 ",\"lnc\":" + texts(m, track.connections, m.keys().ipvsadm_lnc);
        o += "}";
    }
    o += "],\"none\":\"" + colour_text(colours::of_director(-1)) + "\",\"fail\":\"" +
         colour_text(colours::kFail) + "\",\"legend\":[";
    if (ds.fleet())
        o += "[\"" + colour_text(colours::kPass) + "\",\"all next hops\"],[\"" +
             colour_text(colours::kMarkerAdmin) + "\",\"fewer\"],[\"" + colour_text(colours::kFail) +
             "\",\"none, or a crashed one in it\"]";
    else
        for (size_t d = 0; d < ds.directors().size(); ++d)
            o += (d ? "," : "") + std::string("[\"") +
                 colour_text(colours::of_director(static_cast<int32_t>(d))) + "\"," +
                 json_text(ds.directors()[d].name) + "]";
    o += "],\"band\":[";
    for (size_t i = 0; i < ds.band().size(); ++i) {
        const BandSpan& b = ds.band()[i];
        o += (i ? "," : "") + std::string("[") + std::to_string(b.t) + "," + json_text(b.label) + ",\"" +
             colour_text(b.colour) + "\"," + json_text(b.why) + "]";
    }
    o += "],\"events\":[";
    for (size_t i = 0; i < ds.events().size(); ++i) {
        const DirectorEvent& e = ds.events()[i];
        const Record& r = m.at(e.record);
        const bool vrrp = e.kind == DirectorEvent::Kind::Vrrp,
                   group = e.kind == DirectorEvent::Kind::Leave || e.kind == DirectorEvent::Kind::Join;
        const std::string why = vrrp || group ? std::string(m.get_text(r, m.keys().why)) : "";
        // What the script says before the cursor gets there (a leave's consequences wait).
        const std::string script = group ? ds.directors()[static_cast<size_t>(e.director)].name +
                                               (e.kind == DirectorEvent::Kind::Leave ? " leaves" : " joins")
                                         : ds.event_label(e);
        o += (i ? "," : "") + std::string("[") + std::to_string(e.t) + ",\"" + event_kind(e.kind) + "\"," +
             std::to_string(e.director) + "," + json_text(vrrp_state_name(e.state)) + "," + json_text(why) +
             "," + json_text(ds.event_label(e)) + "," + json_text(script) + "]";
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
    // A single director's page has none.
    if (run.directors.present()) o += ",\"directors\":" + directors_json(run);
    return o + "}";
}

}  // namespace lvs::viz
