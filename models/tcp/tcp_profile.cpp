#include "models/tcp/tcp_profile.hpp"

namespace lvs::tcp {

namespace {

TcpProfile make_linux6() {
    TcpProfile p;
    p.name = "linux-6";
    using sim::s;
    p.syn_gaps = {s(1), s(1), s(1), s(1), s(1), s(2), s(4), s(8), s(16), s(32)};
    p.syn_fail_gap = s(64);
    p.synack_gaps = {s(1), s(2), s(4), s(8), s(16)};
    p.synack_fail_gap = s(32);
    p.restart_after_idle = false;
    p.congestion_control = "bbr";
    return p;
}

TcpProfile make_classic() {
    TcpProfile p;
    p.name = "linux-classic";
    using sim::s;
    p.syn_gaps = {s(1), s(2), s(4), s(8), s(16), s(32)};
    p.syn_fail_gap = s(64);
    p.synack_gaps = {s(1), s(2), s(4), s(8), s(16)};
    p.synack_fail_gap = s(32);
    p.restart_after_idle = true;
    p.congestion_control = "cubic";
    return p;
}

}  // namespace

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

sim::Duration retransmission_give_up(const TcpProfile& p) {
    const int64_t base = p.rto_min.ns();
    int linear = 0;  // ilog2(TCP_RTO_MAX / rto_base)
    for (int64_t v = p.rto_max.ns() / base; v > 1; v >>= 1) ++linear;
    const int boundary = p.retries2;
    if (boundary <= linear) return sim::ns(((int64_t{2} << boundary) - 1) * base);
    return sim::ns(((int64_t{2} << linear) - 1) * base + (boundary - linear) * p.rto_max.ns());
}

}  // namespace lvs::tcp
