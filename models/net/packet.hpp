// A simulated packet: a 32-byte value, never a byte buffer.
//
// Data moves as *trains*: one Packet stands for `segs` back-to-back MSS-sized segments (what
// a sender emits in one go under its congestion window), delivered when the last of them
// arrives. A pure ACK packet acknowledges a whole train, as Linux's stretch ACKs under GRO do.
// The pcap writer expands trains back into individual segments with their own timestamps.
#pragma once

#include <cstdint>

#include "models/net/address.hpp"

namespace lvs::net {

namespace tcpflag {
constexpr uint8_t kFin = 0x01;
constexpr uint8_t kSyn = 0x02;
constexpr uint8_t kRst = 0x04;
constexpr uint8_t kPsh = 0x08;
constexpr uint8_t kAck = 0x10;
}  // namespace tcpflag

enum class Proto : uint8_t { Tcp = 6, Icmp = 1 };

// ICMP "destination unreachable, port unreachable" is carried as a Packet with proto Icmp whose
// addresses/ports are those of the offending TCP segment (what the ICMP payload quotes).
struct Packet {
    uint32_t saddr = 0;
    uint32_t daddr = 0;
    uint16_t sport = 0;
    uint16_t dport = 0;
    uint32_t seq = 0;
    uint32_t ack = 0;
    uint32_t len : 24 = 0;  // payload bytes of the whole train
    uint32_t flags : 8 = 0;
    uint32_t msg = 0;   // id of the application message whose last byte this train carries
    uint16_t segs = 1;  // segments in the train (1 for control packets)
    Proto proto = Proto::Tcp;
    // ICMP: the flags of the quoted segment. TCP: kLeadAck when a pure ACK went out just before
    // this segment, at the same instant (one more frame of the train: counted, captured and
    // serialised, but no event of its own, since its ACK number is the segment's).
    uint8_t aux = 0;

    Ipv4 src() const { return Ipv4(saddr); }
    Ipv4 dst() const { return Ipv4(daddr); }
    Endpoint src_ep() const { return {Ipv4(saddr), sport}; }
    Endpoint dst_ep() const { return {Ipv4(daddr), dport}; }
    bool has(uint8_t f) const { return (flags & f) != 0; }
    bool syn() const { return has(tcpflag::kSyn); }
    bool fin() const { return has(tcpflag::kFin); }
    bool rst() const { return has(tcpflag::kRst); }
    bool ackf() const { return has(tcpflag::kAck); }
    bool is_icmp() const { return proto == Proto::Icmp; }
    static constexpr uint8_t kLeadAck = 1;
    bool lead_ack() const { return !is_icmp() && (aux & kLeadAck) != 0; }
    uint32_t frames() const { return segs + (lead_ack() ? 1u : 0u); }  // frames on the wire
    // Sequence space the train occupies (SYN and FIN count one each).
    uint32_t seq_len() const { return len + (syn() ? 1u : 0u) + (fin() ? 1u : 0u); }
};
static_assert(sizeof(Packet) == 32, "a packet must stay a small value");

// "SA", "FA", "R", ".": tcpdump-style flag letters for traces.
const char* flag_letters(uint8_t flags);

}  // namespace lvs::net
