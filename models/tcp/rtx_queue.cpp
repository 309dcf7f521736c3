#include "models/tcp/rtx_queue.hpp"

#include <algorithm>

namespace lvs::tcp {

uint16_t segments_in(uint32_t start, uint32_t end, uint32_t mss) {
    const uint32_t len = end - start;
    return static_cast<uint16_t>(std::max<uint32_t>(1, (len + mss - 1) / mss));
}

uint32_t rtx_append(ChunkPool& pool, RtxQueue& q, uint32_t start, uint32_t end, uint16_t segs,
                    sim::Time xmit) {
    const uint32_t i = pool.allocate();
    SentChunk& c = pool[i];
    c.start = start;
    c.end = end;
    c.segs = segs;
    c.xmit = xmit;
    if (q.tail != 0) pool[q.tail].next = i;
    else q.head = i;
    q.tail = i;
    return i;
}

uint32_t rtx_split(ChunkPool& pool, RtxQueue& q, uint32_t i, uint32_t at, uint32_t mss) {
    const uint32_t j = pool.allocate();
    SentChunk& front = pool[i];
    SentChunk& back = pool[j];
    back = front;
    const uint16_t front_segs =
        std::min<uint16_t>(static_cast<uint16_t>(front.segs - 1), segments_in(front.start, at, mss));
    back.start = at;
    back.segs = static_cast<uint16_t>(front.segs - front_segs);
    front.end = at;
    front.segs = front_segs;
    front.next = j;
    if (q.tail == i) q.tail = j;
    return j;
}

void rtx_clear(ChunkPool& pool, RtxQueue& q) {
    for (uint32_t i = q.head; i != 0;) {
        const uint32_t next = pool[i].next;
        pool.free(i);
        i = next;
    }
    q = RtxQueue{};
}

}  // namespace lvs::tcp
