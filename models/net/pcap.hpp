// Writes the simulated packets as a standard pcap file (nanosecond timestamps, Ethernet link
// type) that Wireshark and tshark read. Trains are expanded into their segments, each with its
// own timestamp (back to back at the first link's rate); headers are synthesised with valid
// checksums and payload bytes are zeros. Every transmission leg is written (a NAT connection
// appears twice: client-director and director-realserver), as when capturing on all
// interfaces.
#pragma once

#include <cstdint>
#include <fstream>
#include <queue>
#include <string>
#include <vector>

#include "models/net/network.hpp"

namespace lvs::net {

class PcapWriter final : public PacketTap {
public:
    // Throws std::runtime_error when the file cannot be created.
    PcapWriter(Network& net, const std::string& path);
    ~PcapWriter() override;
    void on_transmit(const Packet& p, NodeId from, NodeId to, sim::Time first_bit, sim::Duration seg_gap,
                     sim::Time arrival) override;
    void flush_all();
    uint64_t packets_written() const { return written_; }

private:
    struct Record {
        int64_t ts;
        uint64_t order;
        std::vector<uint8_t> bytes;
        bool operator>(const Record& o) const { return ts != o.ts ? ts > o.ts : order > o.order; }
    };
    void add(int64_t ts, std::vector<uint8_t> bytes);
    void flush_until(int64_t ts);
    std::vector<uint8_t> frame(const Packet& p, NodeId from, NodeId to, uint32_t seq, uint32_t len,
                               uint8_t flags);

    Network& net_;
    std::ofstream out_;
    std::priority_queue<Record, std::vector<Record>, std::greater<>> pending_;
    uint64_t order_ = 0;
    uint64_t written_ = 0;
    uint16_t ip_id_ = 0;
};

}  // namespace lvs::net
