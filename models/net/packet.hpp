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

enum class Proto : uint8_t { Tcp = 0, Icmp = 1, Udp = 2 };

// TCP options that travel with a SYN or SYN+ACK (RFC 7323 window scale, RFC 2018 SACK-permitted,
// the MSS), packed into the `msg` word, which a SYN never needs for a message.
struct SynOptions {
    uint16_t mss = 1460;
    uint8_t wscale = 0;  // meaningful only with has_wscale
    bool has_wscale = false;
    bool sack_ok = false;
    uint32_t pack() const {
        return uint32_t{mss} | (uint32_t{wscale} << 16) | (has_wscale ? 1u << 24 : 0u) |
               (sack_ok ? 1u << 25 : 0u);
    }
    static SynOptions unpack(uint32_t v) {
        SynOptions o;
        o.mss = static_cast<uint16_t>(v & 0xFFFF);
        o.wscale = static_cast<uint8_t>((v >> 16) & 0xFF);
        o.has_wscale = (v >> 24) & 1;
        o.sack_ok = (v >> 25) & 1;
        return o;
    }
};

// ICMP "destination unreachable, port unreachable" is carried as a Packet with proto Icmp whose
// addresses/ports are those of the offending segment or datagram (what the ICMP payload quotes:
// the ICMP's sender is the address the offender was sent to) and whose `flags` are the quoted
// segment's; kQuotedUdp says the offender was a UDP datagram.
//
// A UDP datagram (proto Udp) is one frame: `len` is its payload, `msg` the application's message
// id (a DNS query's ID), flags and sequence numbers unused. lvsim's datagrams stay under the MTU,
// so none is fragmented.
struct Packet {
    uint32_t saddr = 0;
    uint32_t daddr = 0;
    uint16_t sport = 0;
    uint16_t dport = 0;
    uint32_t seq = 0;
    uint32_t ack = 0;
    uint32_t len : 24 = 0;  // payload bytes of the whole train
    uint32_t flags : 8 = 0;
    // Data: id of the application message whose last byte this train carries (0: none). With
    // kSack: id of a SackTable entry, which holds the message id as well. SYN: SynOptions.
    uint32_t msg = 0;
    uint16_t win = 0;  // the window field as sent (the sender's receive window >> its wscale)
    uint8_t segs = 1;  // segments in the train (1 for control packets; at most kMaxTrainSegs)
    uint8_t aux = 0;   // bits 0-1: Proto; kLeadAck, kSack

    // kLeadAck: a pure ACK went out just before this segment, at the same instant (one more
    // frame of the train: counted, captured and serialised, but no event of its own, since
    // its ACK number is the segment's).
    static constexpr uint8_t kLeadAck = 4;
    // kSack: SACK blocks ride on this segment (in the network's SackTable, under `msg`).
    static constexpr uint8_t kSack = 8;
    // kQuotedUdp (ICMP only): the datagram the ICMP quotes was UDP.
    static constexpr uint8_t kQuotedUdp = 16;

    Proto proto() const { return static_cast<Proto>(aux & 3); }
    void set_proto(Proto p) { aux = static_cast<uint8_t>((aux & ~3) | static_cast<uint8_t>(p)); }
    Ipv4 src() const { return Ipv4(saddr); }
    Ipv4 dst() const { return Ipv4(daddr); }
    Endpoint src_ep() const { return {Ipv4(saddr), sport}; }
    Endpoint dst_ep() const { return {Ipv4(daddr), dport}; }
    bool has(uint8_t f) const { return (flags & f) != 0; }
    bool syn() const { return has(tcpflag::kSyn); }
    bool fin() const { return has(tcpflag::kFin); }
    bool rst() const { return has(tcpflag::kRst); }
    bool ackf() const { return has(tcpflag::kAck); }
    bool is_icmp() const { return proto() == Proto::Icmp; }
    bool is_udp() const { return proto() == Proto::Udp; }
    bool is_tcp() const { return proto() == Proto::Tcp; }
    bool quotes_udp() const { return is_icmp() && (aux & kQuotedUdp) != 0; }
    bool lead_ack() const { return is_tcp() && (aux & kLeadAck) != 0; }
    bool has_sack() const { return is_tcp() && (aux & kSack) != 0; }
    uint32_t frames() const { return segs + (lead_ack() ? 1u : 0u); }  // frames on the wire
    // Sequence space the train occupies (SYN and FIN count one each).
    uint32_t seq_len() const { return len + (syn() ? 1u : 0u) + (fin() ? 1u : 0u); }
};
static_assert(sizeof(Packet) == 32, "a packet must stay a small value");

// A train never holds more segments than this (a TSO/GSO burst is at most 64 KB, 44 segments;
// a train may be longer, but its count must fit `segs`).
constexpr uint32_t kMaxTrainSegs = 255;

// "SA", "FA", "R", ".": tcpdump-style flag letters for traces.
const char* flag_letters(uint8_t flags);
// What a trace shows in a packet's flags field: the TCP letters, "UDP" or "ICMP".
const char* packet_label(const Packet& p);
// Ethernet, IP and TCP or UDP headers of one frame (a UDP frame's are 42 bytes, a TCP one's 54).
inline uint32_t header_bytes(const Packet& p) { return p.is_udp() ? 42u : 54u; }

}  // namespace lvs::net
