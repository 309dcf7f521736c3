#include "models/tcp/tcp_profile.hpp"

#include <array>
#include <charconv>

namespace lvs::tcp {

namespace {

TcpProfile make_linux6() {
    TcpProfile p;
    p.name = "linux-6";
    return p;  // the defaults are Linux 6.18's (linux-tcp-observed.md)
}

TcpProfile make_classic() {
    TcpProfile p;
    p.name = "linux-classic";
    // Before tcp_syn_linear_timeouts (Linux 6.6): SYNs at 1, 3, 7, 15, 31, 63 s, ETIMEDOUT ~127 s.
    p.sysctl.tcp_syn_linear_timeouts = 0;
    p.sysctl.tcp_congestion_control = CongestionControl::Cubic;
    return p;
}

using U = SysctlUnit;
using S = TcpSysctls;

// Ranges from net/ipv4/sysctl_net_ipv4.c (extra1/extra2 of each entry) and include/net/tcp.h.
constexpr std::array<TcpSysctlDef, 35> kTable{{
    {"tcp_syn_retries", U::Count, 1, 127, &S::tcp_syn_retries,
     "SYN retransmissions before connect() fails (MAX_TCP_SYNCNT 127)"},
    {"tcp_synack_retries", U::Count, 0, 255, &S::tcp_synack_retries,
     "SYN+ACK retransmissions of a half-open request"},
    {"tcp_syn_linear_timeouts", U::Count, 0, 127, &S::tcp_syn_linear_timeouts,
     "SYN retransmissions at a fixed 1 s before the exponential backoff (Linux 6.6+)"},
    {"tcp_retries1", U::Count, 0, 255, &S::tcp_retries1,
     "retransmissions before the route is re-validated (no effect in lvsim)"},
    {"tcp_retries2", U::Count, 0, 255, &S::tcp_retries2,
     "retransmissions (as a time, tcp_model_timeout) before ETIMEDOUT"},
    {"tcp_orphan_retries", U::Count, 0, 255, &S::tcp_orphan_retries,
     "retransmissions of a connection its application closed (0: 8, fewer once the RTO is maximal)"},
    {"tcp_fin_timeout", U::Seconds, 1, 86400, &S::tcp_fin_timeout,
     "how long an orphaned connection stays in FIN_WAIT_2"},
    {"tcp_slow_start_after_idle", U::Flag, 0, 1, &S::tcp_slow_start_after_idle,
     "restart the congestion window after an idle RTO (not for bbr)"},
    {"tcp_tw_reuse", U::Count, 0, 2, &S::tcp_tw_reuse,
     "1: connect() may reuse a TIME_WAIT tuple after 1 s; 2: loopback only"},
    {"tcp_max_tw_buckets", U::Count, 0, 1 << 30, &S::tcp_max_tw_buckets,
     "TIME_WAIT sockets at most; beyond it a close skips TIME_WAIT"},
    {"tcp_keepalive_time", U::Seconds, 1, 32767, &S::tcp_keepalive_time,
     "idle time before the first keep-alive probe (SO_KEEPALIVE)"},
    {"tcp_keepalive_intvl", U::Seconds, 1, 32767, &S::tcp_keepalive_intvl, "time between keep-alive probes"},
    {"tcp_keepalive_probes", U::Count, 1, 127, &S::tcp_keepalive_probes,
     "unanswered probes before the connection is dropped"},
    {"tcp_rto_min_us", U::Microseconds, 1000, 120'000'000, &S::tcp_rto_min_us,
     "the RTO's lower bound (TCP_RTO_MIN)"},
    {"tcp_rto_max_ms", U::Milliseconds, 1000, 120000, &S::tcp_rto_max_ms,
     "the RTO's upper bound (TCP_RTO_MAX)"},
    {"tcp_early_retrans", U::Count, 0, 4, &S::tcp_early_retrans, "3 or 4: tail-loss probes before the RTO"},
    {"tcp_abort_on_overflow", U::Flag, 0, 1, &S::tcp_abort_on_overflow,
     "1: reset a connection the full accept queue cannot take"},
    {"somaxconn", U::Count, 1, 65535, &S::somaxconn, "net.core.somaxconn: the accept-queue limit"},
    {"tcp_sack", U::Flag, 0, 1, &S::tcp_sack, "offer and use selective acknowledgements (RFC 2018)"},
    {"tcp_dsack", U::Flag, 0, 1, &S::tcp_dsack, "report duplicate segments with D-SACK (RFC 2883)"},
    {"tcp_recovery", U::Count, 0, 7, &S::tcp_recovery,
     "RACK flags: 1 loss detection, 2 static reordering window, 4 no DUPTHRESH shortcut"},
    {"tcp_reordering", U::Count, 1, 300, &S::tcp_reordering,
     "initial reordering degree: SACKed segments that prove a loss (the 3 duplicate ACKs)"},
    {"tcp_max_reordering", U::Count, 1, 1000, &S::tcp_max_reordering, "upper bound of the reordering degree"},
    {"tcp_comp_sack_nr", U::Count, 0, 255, &S::tcp_comp_sack_nr,
     "ACKs for out-of-order data that may be compressed into one"},
    {"tcp_min_rtt_wlen", U::Seconds, 0, 86400, &S::tcp_min_rtt_wlen, "window of the minimum-RTT filter"},
    {"tcp_frto", U::Count, 0, 2, &S::tcp_frto, "F-RTO spurious-timeout detection (no effect in lvsim)"},
    {"tcp_window_scaling", U::Flag, 0, 1, &S::tcp_window_scaling, "offer window scaling (RFC 7323)"},
    {"tcp_moderate_rcvbuf", U::Flag, 0, 1, &S::tcp_moderate_rcvbuf, "receive-buffer autotuning"},
    {"tcp_app_win", U::Count, 0, 31, &S::tcp_app_win,
     "reserve 1/2^tcp_app_win of the window for the application"},
    {"tcp_rmem", U::Bytes3, 0, 1 << 30, nullptr, "receive buffer: MIN DEFAULT MAX (bytes)", &S::tcp_rmem},
    {"tcp_wmem", U::Bytes3, 0, 1 << 30, nullptr, "send buffer: MIN DEFAULT MAX (bytes)", &S::tcp_wmem},
    {"rmem_max", U::Count, 0, 1 << 30, &S::rmem_max, "net.core.rmem_max: SO_RCVBUF's limit"},
    {"wmem_max", U::Count, 0, 1 << 30, &S::wmem_max, "net.core.wmem_max: SO_SNDBUF's limit"},
    {"ip_local_port_range", U::Ports, 1, 65535, nullptr, "ephemeral ports for connect(): LOW HIGH"},
    {"tcp_congestion_control", U::Choice, 0, 0, nullptr,
     "reno, cubic (the default) or bbr (models the path, paces, skips the idle restart)"},
}};

bool parse_int(std::string_view t, int64_t* v) {
    const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), *v);
    return ec == std::errc() && p == t.data() + t.size() && !t.empty();
}

// A time in the sysctl's unit, from a plain number or a duration with a unit.
std::optional<int64_t> time_value(std::string_view text, SysctlUnit unit) {
    int64_t v = 0;
    if (parse_int(text, &v)) return v;
    try {
        const int64_t ns = sim::parse_duration(std::string(text)).ns();
        const int64_t per = unit == U::Seconds ? 1'000'000'000 : unit == U::Milliseconds ? 1'000'000 : 1000;
        if (ns % per != 0) return std::nullopt;
        return ns / per;
    } catch (const sim::TimeParseError&) {
        return std::nullopt;
    }
}

std::string_view unit_word(SysctlUnit u) {
    switch (u) {
        case U::Seconds: return " (seconds)";
        case U::Milliseconds: return " (milliseconds)";
        case U::Microseconds: return " (microseconds)";
        default: return "";
    }
}

}  // namespace

std::string_view to_string(CongestionControl c) {
    switch (c) {
        case CongestionControl::Reno: return "reno";
        case CongestionControl::Cubic: return "cubic";
        case CongestionControl::Bbr: return "bbr";
    }
    return "?";
}

const TcpProfile& linux6_profile() {
    static const TcpProfile p = make_linux6();
    return p;
}

const TcpProfile& linux_classic_profile() {
    static const TcpProfile p = make_classic();
    return p;
}

const TcpProfile* find_tcp_profile(std::string_view name) {
    if (name == "linux-6") return &linux6_profile();
    if (name == "linux-classic") return &linux_classic_profile();
    return nullptr;
}

std::vector<std::string_view> tcp_profile_names() { return {"linux-6", "linux-classic"}; }

std::span<const TcpSysctlDef> tcp_sysctl_table() { return kTable; }

const TcpSysctlDef* find_tcp_sysctl(std::string_view name) {
    for (std::string_view prefix : {"net.ipv4.", "net.core."})
        if (name.substr(0, prefix.size()) == prefix) name.remove_prefix(prefix.size());
    for (const TcpSysctlDef& d : kTable)
        if (d.name == name) return &d;
    return nullptr;
}

std::string set_tcp_sysctl(TcpSysctls& s, const TcpSysctlDef& def, std::string_view text) {
    const std::string name(def.name);
    if (def.unit == U::Choice) {
        for (CongestionControl c :
             {CongestionControl::Reno, CongestionControl::Cubic, CongestionControl::Bbr})
            if (text == to_string(c)) {
                s.tcp_congestion_control = c;
                return {};
            }
        return name + " is reno, cubic or bbr, not '" + std::string(text) + "'";
    }
    if (def.unit == U::Ports) {
        const size_t sep = text.find_first_of(" -\t");
        int64_t lo = 0, hi = 0;
        // "32768-" has nothing after its separator: an empty HIGH, not a read past the end.
        const size_t high = sep == std::string_view::npos ? sep : text.find_first_not_of(" -\t", sep);
        const std::string_view rest = high == std::string_view::npos ? std::string_view() : text.substr(high);
        if (sep == std::string_view::npos || !parse_int(text.substr(0, sep), &lo) || !parse_int(rest, &hi) ||
            lo < 1 || hi > 65535 || hi < lo)
            return name + " is two ports LOW HIGH within 1-65535 (e.g. 32768 60999), not '" +
                   std::string(text) + "'";
        s.ip_local_port_range = {static_cast<uint16_t>(lo), static_cast<uint16_t>(hi)};
        return {};
    }
    if (def.unit == U::Bytes3) {
        std::array<int64_t, 3> v{};
        size_t at = 0;
        for (int64_t& x : v) {
            const size_t from = text.find_first_not_of(" \t", at);
            const size_t to = from == std::string_view::npos ? from : text.find_first_of(" \t", from);
            if (from == std::string_view::npos ||
                !parse_int(text.substr(from, to == std::string_view::npos ? text.size() - from : to - from),
                           &x))
                return name + " is three byte counts MIN DEFAULT MAX (e.g. 4096 131072 6291456), not '" +
                       std::string(text) + "'";
            at = to == std::string_view::npos ? text.size() : to;
        }
        if (text.find_first_not_of(" \t", at) != std::string_view::npos || v[0] < 0 || v[0] > v[1] ||
            v[1] > v[2] || v[2] > def.max)
            return name + " needs 0 <= MIN <= DEFAULT <= MAX <= " + std::to_string(def.max) + ", not '" +
                   std::string(text) + "'";
        s.*(def.triple) = v;
        return {};
    }
    std::optional<int64_t> v;
    int64_t plain = 0;
    if (def.unit == U::Seconds || def.unit == U::Milliseconds || def.unit == U::Microseconds)
        v = time_value(text, def.unit);
    else if (parse_int(text, &plain)) v = plain;
    if (!v)
        return name + " takes a whole number" + std::string(unit_word(def.unit)) + ", not '" +
               std::string(text) + "'";
    if (*v < def.min || *v > def.max)
        return name + " = " + std::to_string(*v) + " is out of range (" + std::to_string(def.min) + " to " +
               std::to_string(def.max) + std::string(unit_word(def.unit)) + ")";
    s.*(def.field) = *v;
    return {};
}

std::string format_tcp_sysctl(const TcpSysctls& s, const TcpSysctlDef& def) {
    if (def.unit == U::Choice) return std::string(to_string(s.tcp_congestion_control));
    if (def.unit == U::Ports)
        return std::to_string(s.ip_local_port_range.low) + " " + std::to_string(s.ip_local_port_range.high);
    if (def.unit == U::Bytes3) {
        const auto& v = s.*(def.triple);
        return std::to_string(v[0]) + " " + std::to_string(v[1]) + " " + std::to_string(v[2]);
    }
    return std::to_string(s.*(def.field));
}

namespace {
// tcp_model_timeout() with rto_base = TCP_RTO_MIN (200 ms) and TCP_RTO_MAX (120 s): how long
// `boundary` retransmissions with exponential backoff last. The kernel uses the constants
// here, not the per-host sysctls.
sim::Duration model_timeout_from_rto_min(int64_t boundary) {
    const int64_t base = sim::ms(200).ns(), max = sim::s(120).ns();
    int linear = 0;  // ilog2(TCP_RTO_MAX / rto_base)
    for (int64_t v = max / base; v > 1; v >>= 1) ++linear;
    if (boundary <= linear) return sim::ns(((int64_t{2} << boundary) - 1) * base);
    return sim::ns(((int64_t{2} << linear) - 1) * base + (boundary - linear) * max);
}
}  // namespace

sim::Duration retransmission_give_up(const TcpProfile& p) {
    return model_timeout_from_rto_min(p.sysctl.tcp_retries2);
}

sim::Duration orphan_give_up(const TcpProfile& p, bool alive) {
    // tcp_write_timeout() on a SOCK_DEAD socket: tcp_orphan_retries(), where the default 0
    // means 8 while the RTO is below TCP_RTO_MAX (102.2 s of retransmissions) and 0 after.
    int64_t retries = p.sysctl.tcp_orphan_retries;
    if (retries == 0 && alive) retries = 8;
    return model_timeout_from_rto_min(retries);
}

}  // namespace lvs::tcp
