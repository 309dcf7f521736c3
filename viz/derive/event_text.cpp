#include "viz/derive/event_text.hpp"

#include <cstdio>

namespace lvs::viz {

std::string format_seconds(int64_t ns, int decimals) {
    char buf[48];
    const bool neg = ns < 0;
    const uint64_t a = static_cast<uint64_t>(neg ? -ns : ns);
    uint64_t frac = a % 1'000'000'000ull;
    for (int d = decimals; d < 9; ++d) frac /= 10;
    if (decimals <= 0)
        std::snprintf(buf, sizeof buf, "%s%llu s", neg ? "-" : "",
                      static_cast<unsigned long long>(a / 1'000'000'000ull));
    else
        std::snprintf(buf, sizeof buf, "%s%llu.%0*llu s", neg ? "-" : "",
                      static_cast<unsigned long long>(a / 1'000'000'000ull), decimals,
                      static_cast<unsigned long long>(frac));
    return buf;
}

namespace {

std::string ms_text(int64_t ns) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(ns) / 1e6);
    return buf;
}

}  // namespace

std::string event_fields(const TraceModel& m, const Record& r) {
    std::string out;
    auto [b, e] = m.fields(r);
    for (const Field* f = b; f != e; ++f) {
        if (!out.empty()) out += ' ';
        out += m.str(f->key);
        out += '=';
        out += m.format_value(*f);
    }
    return out;
}

std::string event_summary(const TraceModel& m, const Record& r) {
    const auto& K = m.keys();
    const auto& k = m.kinds();
    const auto t = [&](StrId key) { return std::string(m.get_text(r, key)); };
    const auto i = [&](StrId key) { return std::to_string(m.get_int(r, key)); };
    if (r.kind == k.tcp_state)
        return t(K.from) + " -> " + t(K.to) + " (" + t(K.event) + ")  conn " + i(K.conn) + " " + t(K.local) +
               " > " + t(K.remote);
    if (r.kind == k.ipvs_state)
        return "IPVS " + t(K.from) + " -> " + t(K.to) + " (" + t(K.dir) + " " + t(K.event) + ")  entry " +
               i(K.conn) + " " + t(K.client) + " > " + t(K.dest) + ", " + t(K.dest) + " A=" + i(K.active) +
               " I=" + i(K.inactive);
    if (r.kind == k.ipvs_sched) return t(K.scheduler) + " chose " + t(K.chosen) + " for " + t(K.client);
    if (r.kind == k.ipvs_conn_new) return "new entry " + i(K.conn) + " " + t(K.client) + " -> " + t(K.dest);
    if (r.kind == k.ipvs_conn_expire)
        return "entry " + i(K.conn) + " " + t(K.client) + " -> " + t(K.dest) + " expired in " + t(K.state);
    if (r.kind == k.net_packet) {
        const int64_t arrive = m.get_int(r, K.arrive, r.t);
        return t(K.src) + " -> " + t(K.dst) + " [" + t(K.flags) + "] len " + i(K.len) + " to " + t(K.to) +
               ", arrives +" + ms_text(arrive - r.t);
    }
    if (r.kind == k.listing) return "ipvsadm -Ln changed";
    if (r.kind == k.connections) return "ipvsadm -Lnc listing";
    if (r.kind == k.snapshot) return "snapshot '" + t(K.label) + "'";
    if (r.kind == k.expectation)
        return std::string(m.get_int(r, K.passed) != 0 ? "PASS " : "FAIL ") + t(K.that) + "  [" +
               t(K.observed) + "]";
    if (r.kind == k.warning) return "warning (scenario line " + i(K.line) + "): " + t(K.text);
    if (r.kind == k.timeline_ipvsadm) return "ipvsadm " + t(K.command) + " : " + t(K.result);
    if (r.kind == k.timeline_sysctl) return "sysctl " + t(K.setting) + " : " + t(K.result);
    if (r.kind == k.page_start) return "page " + i(K.page) + " starts";
    if (r.kind == k.page_done)
        return "page " + i(K.page) + " done in " +
               std::to_string(static_cast<int64_t>(m.get_real(r, K.load_ms))) + " ms, " + i(K.failed) +
               " failed";
    if (r.kind == k.request)
        return "GET object " + i(K.object) + " of page " + i(K.page) + " on conn " + i(K.conn) +
               (m.get_int(r, K.reused) != 0 ? " (reused)" : " (new)");
    if (r.kind == k.ipvs_admin) {
        const bool ok = m.get_int(r, K.ok) != 0;
        return t(K.op) + (ok ? " : ok" : " : " + t(K.error));
    }
    return std::string(m.str(r.kind)) + "  " + event_fields(m, r);
}

std::string event_reason(const TraceModel& m, const Record& r) {
    const auto& K = m.keys();
    const auto& k = m.kinds();
    if (r.kind == k.ipvs_sched) return std::string(m.get_text(r, K.candidates));
    std::string out;
    const std::string_view rule = m.get_text(r, K.rule);
    const std::string_view text = m.get_text(r, K.text);
    if (!rule.empty()) out += rule;
    if (!text.empty()) out += (out.empty() ? "" : ": ") + std::string(text);
    if (!out.empty()) return out;
    if (const std::string_view why = m.get_text(r, K.why); !why.empty()) return std::string(why);
    if (const std::string_view reason = m.get_text(r, K.reason); !reason.empty()) return std::string(reason);
    if (const std::string_view err = m.get_text(r, K.error); !err.empty()) return std::string(err);
    return {};
}

int64_t cause_record(const TraceModel& m, uint32_t record) {
    const Record& r = m.at(record);
    if (r.cause == 0 && r.seq == 0) return -1;
    const auto [lo, hi] = m.event_records(r.cause);
    if (lo == hi) return -1;
    const auto& order = m.seq_order();
    const StrId packet = m.kinds().net_packet;
    const StrId arrive = m.keys().arrive;
    for (uint32_t p = lo; p < hi; ++p) {
        const Record& c = m.at(order[p]);
        if (c.kind == packet && m.get_int(c, arrive, -1) == r.t) return order[p];
    }
    return order[lo] == record ? -1 : order[lo];
}

}  // namespace lvs::viz
