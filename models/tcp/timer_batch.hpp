// The timer changes of one segment's, one write's or one expiry's processing, applied to the
// connection's simulator timer once, at the end. A send arms the RTO and then the loss probe in
// its place; an ACK clears the retransmit slot and re-arms it: armed one by one, each change
// would queue a simulator event and the next would cancel it (measured: 914,000 cancellations
// in the 1,000-browser farm's minute, 131,000 with the batch). Only the simulator timer waits:
// rtx_at_ and delack_at_, which the models read, change at once, so every segment and every
// expiry is the same; timers due at one instant may run in another order among themselves.
// Nested batches apply at the outermost end.
#pragma once

#include "models/tcp/tcp_conn.hpp"

namespace lvs::tcp {

class TimerBatch {
public:
    explicit TimerBatch(TcpConn& c) : c_(c) { ++c_.timer_batch_; }
    ~TimerBatch() {
        if (--c_.timer_batch_ == 0 && c_.timer_dirty_) c_.apply_timer();
    }
    TimerBatch(const TimerBatch&) = delete;
    TimerBatch& operator=(const TimerBatch&) = delete;

private:
    TcpConn& c_;
};

}  // namespace lvs::tcp
