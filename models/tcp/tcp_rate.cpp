// The delivery-rate sampler (net/ipv4/tcp_rate.c) and pacing by departure time (tcp_wstamp_ns,
// as the fq qdisc releases segments): what BBR (tcp_bbr.cpp) feeds on. Separate because these
// are per-segment bookkeeping in the send and ACK paths, not BBR's model of the path.
#include <algorithm>

#include "models/tcp/seq.hpp"
#include "models/tcp/tcp_conn.hpp"
#include "models/tcp/tcp_stack.hpp"

namespace lvs::tcp {

void TcpConn::rate_skb_sent(SentChunk& c, sim::Time depart) {
    // tcp_rate_skb_sent().
    BbrState& b = bbr();
    const auto t = static_cast<uint32_t>(depart.ns() / 1000);
    if (packets_out_ == 0) b.first_tx_mstamp = b.delivered_mstamp = t;
    c.tx_first_tx_mstamp = b.first_tx_mstamp;
    c.tx_delivered_mstamp = b.delivered_mstamp;
    c.tx_delivered = b.delivered;
    c.tx_app_limited = b.app_limited != 0;
}

void TcpConn::rate_skb_delivered(SentChunk& c, RateSample& rs) {
    // tcp_rate_skb_delivered(): keep the most recently sent of what this ACK delivered.
    if (c.tx_delivered_mstamp == 0) return;
    BbrState& b = bbr();
    const auto tx = static_cast<uint32_t>(c.xmit.ns() / 1000);
    if (!rs.has_prior || seq_gt(tx, b.first_tx_mstamp) ||
        (tx == b.first_tx_mstamp && static_cast<int32_t>(c.end - rs.last_end_seq) > 0)) {
        rs.has_prior = true;
        rs.prior_delivered = c.tx_delivered;
        rs.prior_mstamp = c.tx_delivered_mstamp;
        rs.is_app_limited = c.tx_app_limited;
        rs.last_end_seq = c.end;
        b.first_tx_mstamp = tx;
        rs.interval_us = static_cast<int32_t>(tx - c.tx_first_tx_mstamp);
    }
    if (c.tags & tag::kSacked) c.tx_delivered_mstamp = 0;
}

void TcpConn::rate_gen(uint32_t delivered, uint32_t lost, RateSample& rs) {
    // tcp_rate_gen().
    BbrState& b = bbr();
    b.delivered += delivered;
    b.lost += lost;
    if (b.app_limited != 0 && seq_gt(b.delivered, b.app_limited)) b.app_limited = 0;
    if (delivered != 0) b.delivered_mstamp = now_us32();
    rs.acked_sacked = delivered;
    rs.losses = lost;
    if (!rs.has_prior) {
        rs.delivered = -1;
        rs.interval_us = -1;
        return;
    }
    rs.delivered = static_cast<int64_t>(b.delivered - rs.prior_delivered);
    const int64_t snd_us = rs.interval_us;
    const auto ack_us = static_cast<int64_t>(static_cast<int32_t>(now_us32() - rs.prior_mstamp));
    rs.interval_us = std::max(snd_us, ack_us);
    if (min_rtt_us_ != UINT32_MAX && rs.interval_us < static_cast<int64_t>(min_rtt_us_)) rs.interval_us = -1;
}

void TcpConn::rate_check_app_limited() {
    // tcp_rate_check_app_limited(), when the application writes.
    if (cc_ == 0 || !uses(CongestionControl::Bbr)) return;
    if (app_end_ - snd_nxt_ < net::kMss && packets_in_flight() < cwnd_ && lost_out_ <= retrans_out_)
        bbr().app_limited = std::max<uint32_t>(bbr().delivered + packets_in_flight(), 1);
}

sim::Time TcpConn::pace(uint32_t bytes) {
    // __tcp_transmit_skb() / tcp_update_skb_after_send(): the departure of this burst, and the
    // next one's; the first ten segments are not paced.
    BbrState& b = bbr();
    const sim::Time now = stack_.sim().now();
    const sim::Time prior = b.wstamp;
    b.wstamp = std::max(b.wstamp, now);
    const sim::Time depart = b.wstamp;
    if (b.pacing_rate != 0 && b.segs_out >= 10) {
        int64_t len_ns = static_cast<int64_t>(uint64_t{bytes} * 1'000'000'000ull / b.pacing_rate);
        const int64_t credit = (b.wstamp - prior).ns();
        len_ns -= std::min(len_ns / 2, credit);
        b.wstamp += sim::ns(len_ns);
    }
    b.segs_out += (bytes + net::kMss - 1) / net::kMss;
    return depart;
}

}  // namespace lvs::tcp
