// The messages a connection has sent and not yet had acknowledged: where each ends in the
// sequence space and its id in the network's message table (released once acknowledged).
// HTTP/1.1 never has more than a few, so the first four live in a ring inside the connection;
// an HTTP/2 connection's further streams spill into a vector, allocated once and kept.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace lvs::tcp {

struct SentMessage {
    uint32_t end;  // the sequence number just past its last byte
    uint32_t id;
};

class SentMessages {
public:
    size_t size() const { return count_ + (more_.size() - more_head_); }
    bool empty() const { return count_ == 0; }
    const SentMessage& front() const { return ring_[head_]; }
    const SentMessage& at(size_t i) const {
        return i < count_ ? ring_[(head_ + i) % kRing] : more_[more_head_ + (i - count_)];
    }
    void push(SentMessage m) {
        if (count_ < kRing && more_head_ == more_.size()) {
            ring_[(head_ + count_) % kRing] = m;
            ++count_;
        } else {
            more_.push_back(m);
        }
    }
    void pop() {
        head_ = static_cast<uint8_t>((head_ + 1) % kRing);
        --count_;
        if (more_head_ == more_.size()) return;
        // The ring has room again: the oldest spilled message moves in, keeping the order.
        ring_[(head_ + count_) % kRing] = more_[more_head_++];
        ++count_;
        if (more_head_ == more_.size()) {
            more_.clear();
            more_head_ = 0;
        }
    }

private:
    static constexpr size_t kRing = 4;
    std::array<SentMessage, kRing> ring_{};
    uint8_t head_ = 0;
    uint8_t count_ = 0;
    uint32_t more_head_ = 0;
    std::vector<SentMessage> more_;
};

}  // namespace lvs::tcp
