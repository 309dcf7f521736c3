#include "models/net/pcap.hpp"

#include <algorithm>
#include <stdexcept>

namespace lvs::net {

namespace {

void put16(std::vector<uint8_t>& b, uint16_t v) {
    b.push_back(static_cast<uint8_t>(v >> 8));
    b.push_back(static_cast<uint8_t>(v));
}
void put32(std::vector<uint8_t>& b, uint32_t v) {
    put16(b, static_cast<uint16_t>(v >> 16));
    put16(b, static_cast<uint16_t>(v));
}
template <class T>
void write_le(std::ofstream& out, T v) {
    for (size_t i = 0; i < sizeof(T); ++i)
        out.put(static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xFF));
}

// RFC 1071 one's-complement sum.
uint32_t sum16(const uint8_t* data, size_t n, uint32_t acc = 0) {
    for (size_t i = 0; i + 1 < n; i += 2) acc += (uint32_t{data[i]} << 8) | data[i + 1];
    if (n % 2 == 1) acc += uint32_t{data[n - 1]} << 8;
    return acc;
}
uint16_t fold(uint32_t acc) {
    while (acc >> 16) acc = (acc & 0xFFFF) + (acc >> 16);
    return static_cast<uint16_t>(~acc);
}

void mac_of(std::vector<uint8_t>& b, NodeId n) {
    const uint8_t mac[6] = {0x02,
                            0x00,
                            0x00,
                            static_cast<uint8_t>(n >> 16),
                            static_cast<uint8_t>(n >> 8),
                            static_cast<uint8_t>(n)};
    b.insert(b.end(), mac, mac + 6);
}

// What a datagram's payload looks like to Wireshark: a DNS message for port 53 (RFC 1035: the
// ID from the packet's message id, a question for www.example.com A, and an A record in an
// answer, as far as the datagram's size allows), a syslog line for port 514 (RFC 5424), and
// zeros otherwise. lvsim's datagrams carry sizes, not bytes; this is for reading captures.
void fill_payload(uint8_t* d, uint32_t len, const Packet& p) {
    if (p.sport == 53 || p.dport == 53) {
        if (len < 12) return;
        const bool answer = p.sport == 53;
        const uint8_t header[12] = {static_cast<uint8_t>(p.msg >> 8),
                                    static_cast<uint8_t>(p.msg),
                                    static_cast<uint8_t>(answer ? 0x81 : 0x01),
                                    static_cast<uint8_t>(answer ? 0x80 : 0x00),
                                    0,
                                    static_cast<uint8_t>(len >= 33 ? 1 : 0),
                                    0,
                                    static_cast<uint8_t>(answer && len >= 49 ? 1 : 0),
                                    0,
                                    0,
                                    0,
                                    0};
        std::copy(header, header + 12, d);
        static const uint8_t question[21] = {3,   'w', 'w', 'w', 7,   'e', 'x', 'a', 'm', 'p', 'l',
                                             'e', 3,   'c', 'o', 'm', 0,   0,   1,   0,   1};
        if (len >= 33) std::copy(question, question + 21, d + 12);
        // The answer: a pointer to the question's name, A, IN, TTL 30 s, 4 bytes: 192.0.2.1.
        static const uint8_t record[16] = {0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 192, 0, 2, 1};
        if (answer && len >= 49) std::copy(record, record + 16, d + 33);
        return;
    }
    if (p.sport == 514 || p.dport == 514) {
        static const char line[] = "<14>1 - lvsim - - - - message";
        const uint32_t n = std::min<uint32_t>(len, sizeof line - 1);
        std::copy(line, line + n, d);
        std::fill(d + n, d + len, static_cast<uint8_t>('.'));
    }
}

}  // namespace

PcapWriter::PcapWriter(Network& net, const std::string& path) : net_(net), out_(path, std::ios::binary) {
    if (!out_) throw std::runtime_error("cannot create pcap file " + path);
    write_le<uint32_t>(out_, 0xA1B23C4Du);  // nanosecond-resolution pcap
    write_le<uint16_t>(out_, 2);
    write_le<uint16_t>(out_, 4);
    write_le<int32_t>(out_, 0);
    write_le<uint32_t>(out_, 0);
    write_le<uint32_t>(out_, 262144);  // snaplen
    write_le<uint32_t>(out_, 1);       // LINKTYPE_ETHERNET
    net_.add_tap(this);
}

PcapWriter::~PcapWriter() {
    net_.remove_tap(this);
    flush_all();
}

std::vector<uint8_t> PcapWriter::frame(const Packet& p, NodeId from, NodeId to, uint32_t seq, uint32_t len,
                                       uint8_t flags) {
    std::vector<uint8_t> b;
    const bool icmp = p.is_icmp();
    // TCP options as Linux writes them without timestamps (tcp_options_write()): on a SYN the
    // MSS, SACK-permitted and the window scale; on others the SACK blocks, D-SACK first.
    std::vector<uint8_t> opt;
    if (!icmp && (flags & tcpflag::kSyn)) {
        const SynOptions o = SynOptions::unpack(p.msg);
        opt = {2, 4, static_cast<uint8_t>(o.mss >> 8), static_cast<uint8_t>(o.mss)};
        if (o.sack_ok) opt.insert(opt.end(), {1, 1, 4, 2});
        if (o.has_wscale) opt.insert(opt.end(), {1, 3, 3, o.wscale});
    } else if (!icmp && p.has_sack()) {
        const SackInfo& sack = net_.sacks().get(p.msg);
        opt = {1, 1, 5, static_cast<uint8_t>(2 + 8 * sack.count)};
        for (uint8_t k = 0; k < sack.count; ++k) {
            for (const uint32_t v : {sack.blocks[k].start, sack.blocks[k].end}) {
                opt.push_back(static_cast<uint8_t>(v >> 24));
                opt.push_back(static_cast<uint8_t>(v >> 16));
                opt.push_back(static_cast<uint8_t>(v >> 8));
                opt.push_back(static_cast<uint8_t>(v));
            }
        }
    }
    const bool udp = p.is_udp();
    const uint32_t th = udp ? 8 : 20 + static_cast<uint32_t>(opt.size());
    const size_t l4 = icmp ? 8 + 20 + 8 : th + len;
    b.reserve(14 + 20 + l4);
    mac_of(b, to);
    mac_of(b, from);
    put16(b, 0x0800);
    const size_t ip = b.size();
    b.push_back(0x45);
    b.push_back(0);
    put16(b, static_cast<uint16_t>(20 + l4));
    put16(b, ++ip_id_);
    put16(b, 0x4000);  // don't fragment
    b.push_back(64);
    b.push_back(icmp ? 1 : (udp ? 17 : 6));
    put16(b, 0);
    put32(b, p.saddr);
    put32(b, p.daddr);
    const uint16_t ip_sum = fold(sum16(&b[ip], 20));
    b[ip + 10] = static_cast<uint8_t>(ip_sum >> 8);
    b[ip + 11] = static_cast<uint8_t>(ip_sum);
    const size_t t = b.size();
    if (icmp) {
        // Destination unreachable / port unreachable, quoting the offending segment's IP
        // header and first 8 bytes (ports and sequence number).
        b.push_back(3);
        b.push_back(3);
        put16(b, 0);
        put32(b, 0);
        const size_t q = b.size();
        b.push_back(0x45);
        b.push_back(0);
        put16(b, p.quotes_udp() ? 28 : 40);
        put16(b, 0);
        put16(b, 0x4000);
        b.push_back(64);
        b.push_back(p.quotes_udp() ? 17 : 6);
        put16(b, 0);
        put32(b, p.daddr);  // the quoted segment went from the ICMP's destination ...
        put32(b, p.saddr);  // ... to its sender
        const uint16_t qsum = fold(sum16(&b[q], 20));
        b[q + 10] = static_cast<uint8_t>(qsum >> 8);
        b[q + 11] = static_cast<uint8_t>(qsum);
        put16(b, p.sport);
        put16(b, p.dport);
        // The quoted header's next four bytes: TCP's sequence number, or UDP's length (kept in
        // the ICMP packet's `ack`) and checksum (not kept: zero, "none").
        put32(b, p.quotes_udp() ? (p.ack & 0xFFFF) << 16 : p.seq);
        const uint16_t isum = fold(sum16(&b[t], b.size() - t));
        b[t + 2] = static_cast<uint8_t>(isum >> 8);
        b[t + 3] = static_cast<uint8_t>(isum);
        return b;
    }
    uint8_t pseudo[12];
    for (int i = 0; i < 4; ++i) {
        pseudo[i] = static_cast<uint8_t>(p.saddr >> (24 - 8 * i));
        pseudo[4 + i] = static_cast<uint8_t>(p.daddr >> (24 - 8 * i));
    }
    pseudo[8] = 0;
    pseudo[9] = udp ? 17 : 6;
    pseudo[10] = static_cast<uint8_t>((th + len) >> 8);
    pseudo[11] = static_cast<uint8_t>(th + len);
    if (udp) {
        // RFC 768: ports, length, checksum over the pseudo-header (payload bytes are zeros).
        put16(b, p.sport);
        put16(b, p.dport);
        put16(b, static_cast<uint16_t>(8 + len));
        put16(b, 0);
        b.resize(b.size() + len, 0);
        fill_payload(&b[t + 8], len, p);
        uint16_t usum = fold(sum16(&b[t], 8 + len, sum16(pseudo, 12)));
        if (usum == 0) usum = 0xFFFF;  // zero means "no checksum"
        b[t + 6] = static_cast<uint8_t>(usum >> 8);
        b[t + 7] = static_cast<uint8_t>(usum);
        return b;
    }
    put16(b, p.sport);
    put16(b, p.dport);
    put32(b, seq);
    put32(b, (flags & tcpflag::kAck) ? p.ack : 0);
    b.push_back(static_cast<uint8_t>((th / 4) << 4));
    b.push_back(flags);
    put16(b, p.win);
    put16(b, 0);
    put16(b, 0);
    b.insert(b.end(), opt.begin(), opt.end());
    b.resize(b.size() + len, 0);
    // Checksum over the pseudo-header and the segment.
    const uint16_t tsum = fold(sum16(&b[t], th + len, sum16(pseudo, 12)));
    b[t + 16] = static_cast<uint8_t>(tsum >> 8);
    b[t + 17] = static_cast<uint8_t>(tsum);
    return b;
}

void PcapWriter::on_transmit(const Packet& p, NodeId from, NodeId to, sim::Time first_bit,
                             sim::Duration seg_gap, sim::Time) {
    // Later transmissions never start before now, so everything stamped up to now is final.
    flush_until(net_.simulator().now().ns());
    if (p.is_udp()) {
        add(first_bit.ns(), frame(p, from, to, 0, p.len, 0));
        return;
    }
    if (p.is_icmp() || p.len == 0) {
        add(first_bit.ns(), frame(p, from, to, p.seq, 0, static_cast<uint8_t>(p.flags)));
        return;
    }
    if (p.lead_ack()) {
        // The pure ACK that went just before: its own frame, ahead of the train.
        add(first_bit.ns(), frame(p, from, to, p.seq, 0, tcpflag::kAck));
        first_bit += seg_gap * (kHeaderBytes) / (kMss + kHeaderBytes);
    }
    uint32_t left = p.len;
    uint32_t seq = p.seq;
    for (uint16_t i = 0; left > 0; ++i) {
        const uint32_t len = left < kMss ? left : kMss;
        left -= len;
        uint8_t flags = static_cast<uint8_t>(p.flags);
        if (left > 0) flags &= static_cast<uint8_t>(~(tcpflag::kFin | tcpflag::kPsh));  // FIN/PSH on the last
        add((first_bit + seg_gap * i).ns(), frame(p, from, to, seq, len, flags));
        seq += len;
    }
}

void PcapWriter::add(int64_t ts, std::vector<uint8_t> bytes) {
    pending_.push(Record{ts, order_++, std::move(bytes)});
}

void PcapWriter::flush_until(int64_t ts) {
    while (!pending_.empty() && pending_.top().ts <= ts) {
        const Record& r = pending_.top();
        write_le<uint32_t>(out_, static_cast<uint32_t>(r.ts / 1'000'000'000));
        write_le<uint32_t>(out_, static_cast<uint32_t>(r.ts % 1'000'000'000));
        write_le<uint32_t>(out_, static_cast<uint32_t>(r.bytes.size()));
        write_le<uint32_t>(out_, static_cast<uint32_t>(r.bytes.size()));
        out_.write(reinterpret_cast<const char*>(r.bytes.data()),
                   static_cast<std::streamsize>(r.bytes.size()));
        ++written_;
        pending_.pop();
    }
}

void PcapWriter::flush_all() {
    flush_until(INT64_MAX);
    out_.flush();
}

}  // namespace lvs::net
