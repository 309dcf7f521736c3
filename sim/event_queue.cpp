#include "sim/event_queue.hpp"

#include <algorithm>
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace lvs::sim {

EventQueue::EventQueue() {
    front_sorted_.reserve(kFrontBatch);
    late_.reserve(64);
}

EventQueue::~EventQueue() {
    // Boxed callables own heap memory; inline ones are trivially destructible.
    for (const Bucket& b : buckets_)
        for (uint32_t c = b.head; c != kNil; c = chunk(c).next)
            for (uint32_t k = 0; k < chunk(c).count; ++k)
                chunk(c).entries[k].ops(Op::Destroy, chunk(c).entries[k]);
    for (size_t i = front_pos_; i < front_sorted_.size(); ++i)
        entry_at(front_sorted_[i].where).ops(Op::Destroy, entry_at(front_sorted_[i].where));
    for (const FrontItem& f : late_) entry_at(f.where).ops(Op::Destroy, entry_at(f.where));
}

// ---- storage -------------------------------------------------------------------------------

uint32_t EventQueue::new_chunk() {
    if ((chunks_total_ & ((1u << kChunkBlockBits) - 1)) == 0) {
        void* mem = std::aligned_alloc(kChunkBlockBytes, kChunkBlockBytes);
        if (mem == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        madvise(mem, kChunkBlockBytes, MADV_HUGEPAGE);
#endif
        chunk_blocks_.emplace_back(static_cast<Chunk*>(mem));
    }
    return chunks_total_++;
}

void EventQueue::free_chain(uint32_t head) {
    while (head != kNil) {
        const uint32_t next = chunk(head).next;
        chunk(head).next = free_chunk_;
        free_chunk_ = head;
        --chunks_in_use_;
        head = next;
    }
}

void EventQueue::grow_late() {
    const auto base = static_cast<uint32_t>(late_blocks_.size() << kFrontBlockBits);
    late_blocks_.emplace_back(new Entry[size_t{1} << kFrontBlockBits]);
    for (uint32_t i = 1u << kFrontBlockBits; i-- > 0;) late_free_.push_back(base + i);
}

void EventQueue::grow_slots() {
    // Slots are handed out LIFO, so the most recently freed (cache-hot) slot is reused first.
    const auto base = static_cast<uint32_t>(meta_.size());
    const uint32_t add = std::max<uint32_t>(64, base / 2);
    meta_.resize(base + add, SlotMeta{0});
    cancelled_.resize((meta_.size() + 63) / 64, 0);
    for (uint32_t i = add; i-- > 0;) free_slots_.push_back(base + i);
}

// ---- cancellation ----------------------------------------------------------------------------

bool EventQueue::is_pending(EventId id) const {
    return id.valid() && id.slot < meta_.size() && meta_[id.slot].seq == id.seq && !is_cancelled(id.slot);
}

bool EventQueue::cancel(EventId id) {
    if (!is_pending(id)) return false;
    cancelled_[id.slot >> 6] |= uint64_t{1} << (id.slot & 63);
    --live_;
    ++dead_;
    maybe_compact();
    return true;
}

void EventQueue::bury(Entry& e) {
    e.ops(Op::Destroy, e);
    cancelled_[e.slot >> 6] &= ~(uint64_t{1} << (e.slot & 63));
    release_slot(e.slot);
    --dead_;
}

void EventQueue::maybe_compact() {
    if (dead_ < 1024 || dead_ <= live_) return;
    ++compactions_;
    for (unsigned b = 0; b < kBuckets; ++b) {
        Bucket& bucket = buckets_[b];
        if (bucket.head == kNil) continue;
        const uint32_t head = bucket.head;
        bucket = Bucket{};
        bucket_size_[b] = 0;
        // Live entries go to a fresh chain; the old chain is freed afterwards (the fresh
        // chain's chunks come from the free list, never from the chain being read).
        for (uint32_t c = head; c != kNil; c = chunk(c).next)
            for (uint32_t k = 0; k < chunk(c).count; ++k) {
                Entry& e = chunk(c).entries[k];
                if (is_cancelled(e.slot)) {
                    bury(e);
                } else {
                    append(bucket, e);
                    ++bucket_size_[b];
                }
            }
        free_chain(head);
        if (bucket.head == kNil) unmark(b);
    }
    // The front: keep the sorted batch's order, rebuild the late heap.
    const auto sweep = [this](std::vector<FrontItem>& items, size_t from) {
        size_t keep = from;
        for (size_t i = from; i < items.size(); ++i) {
            Entry& e = entry_at(items[i].where);
            if (is_cancelled(e.slot)) {
                bury(e);
                release_where(items[i].where);
            } else {
                items[keep++] = items[i];
            }
        }
        items.resize(keep);
    };
    sweep(front_sorted_, front_pos_);
    sweep(late_, 0);
    std::make_heap(late_.begin(), late_.end(), Later{});
}

// ---- the two tiers ---------------------------------------------------------------------------

void EventQueue::front_link_late(const Entry& e) {
    late_.push_back(FrontItem{e.time, e.key, kLateBit | pending_late_});
    std::push_heap(late_.begin(), late_.end(), Later{});
}

uint32_t EventQueue::front_take() {
    const FrontItem* top = front_top();
    const uint32_t where = top->where;
    if (late_.empty() || top != &late_.front()) {
        ++front_pos_;
    } else {
        std::pop_heap(late_.begin(), late_.end(), Later{});
        late_.pop_back();
    }
    return where;
}

void EventQueue::sort_batch(uint32_t head) {
    for (uint32_t c = head; c != kNil; c = chunk(c).next) {
        const Chunk& ch = chunk(c);
        if (ch.next != kNil) prefetch_chunk(ch.next);
        for (uint32_t k = 0; k < ch.count; ++k)
            front_sorted_.push_back(FrontItem{ch.entries[k].time, ch.entries[k].key, c * 16 + k});
    }
    auto& v = front_sorted_;
    if (v.size() > 24) {
        std::sort(v.begin(), v.end(), [](const FrontItem& x, const FrontItem& y) { return Later{}(y, x); });
        return;
    }
    // Small batches: insertion sort beats std::sort's set-up.
    for (size_t i = 1; i < v.size(); ++i) {
        const FrontItem x = v[i];
        size_t j = i;
        while (j > 0 && Later{}(v[j - 1], x)) {
            v[j] = v[j - 1];
            --j;
        }
        v[j] = x;
    }
}

bool EventQueue::refill() {
    if (front_pos_ == front_sorted_.size() && batch_chain_ != kNil) {
        // The sorted batch is consumed: its chunks go back, unless the event running now
        // (peek_time() called from a handler) still lives in one of them.
        if (running_ == kNil || (running_ & kLateBit) != 0) free_chain(batch_chain_);
        else retired_chain_ = batch_chain_;
        batch_chain_ = kNil;
    }
    while (front_empty()) {
        front_sorted_.clear();
        front_pos_ = 0;
        const unsigned b = lowest_bucket();
        if (b == kBuckets) return false;
        const unsigned level = b / kDigits;
        const uint32_t head = buckets_[b].head;
        // Every entry of bucket (level, digit) shares all bytes from `level` up; `lo` is the
        // start of the bucket's time range. Using it as the new reference keeps every other
        // bucket valid (they differ from it in the same byte as before).
        const int shift = 8 * static_cast<int>(level);
        const uint64_t t0 = static_cast<uint64_t>(chunk(head).entries[0].time);
        const uint64_t lo = (t0 >> shift) << shift;
        const uint32_t n = bucket_size_[b];
        buckets_[b] = Bucket{};
        bucket_size_[b] = 0;
        unmark(b);
        last_ = static_cast<int64_t>(lo);
        if (n <= kFrontBatch || level == 0) {
            front_limit_ = static_cast<int64_t>(lo + (uint64_t{1} << shift));
            sort_batch(head);
            batch_chain_ = head;  // freed once the batch is consumed
            continue;
        } else {
            // Too many to sort at once: split one level down (each entry lands lower).
            // Streamed: the whole next chunk is requested while this one is distributed.
            for (uint32_t c = head; c != kNil; c = chunk(c).next) {
                Chunk& ch = chunk(c);
                if (ch.next != kNil) prefetch_chunk(ch.next);
                for (uint32_t k = 0; k < ch.count; ++k) far_insert(ch.entries[k]);
            }
        }
        free_chain(head);
    }
    return true;
}

bool EventQueue::pop_slow(Time limit, Popped& out) {
    for (;;) {
        if (!refill()) return false;
        if (front_top()->time > limit.ns()) return false;
        const uint32_t where = front_take();
        Entry& e = entry_at(where);
        if (e.slot != kNoSlot) {
            if (dead_ != 0 && is_cancelled(e.slot)) {
                bury(e);
                release_where(where);
                continue;
            }
            meta_[e.slot].seq = 0;  // running: no longer cancellable through its id
        }
        --live_;
        const uint64_t seq = e.key & ((uint64_t{1} << 56) - 1);
        out = Popped{Time::from_ns(e.time), seq, e.cause_delta == 0 ? 0 : seq - e.cause_delta};
        running_ = where;
        return true;
    }
}

void EventQueue::after_run(uint32_t where) {
    release_where(where);
    if (retired_chain_ != kNil) {
        free_chain(retired_chain_);
        retired_chain_ = kNil;
    }
}

Time EventQueue::peek_time() {
    for (;;) {
        if (!refill()) return Time::max();
        const FrontItem* top = front_top();
        const Entry& e = entry_at(top->where);
        if (dead_ == 0 || !is_cancelled(e.slot)) return Time::from_ns(top->time);
        const uint32_t where = front_take();
        bury(entry_at(where));
        release_where(where);
    }
}

size_t EventQueue::memory_bytes() const {
    return size_t{chunks_in_use_} * sizeof(Chunk) +
           (front_sorted_.capacity() + late_.capacity()) * sizeof(FrontItem) +
           (late_blocks_.size() << kFrontBlockBits) * sizeof(Entry) +
           late_free_.capacity() * sizeof(uint32_t) + meta_.capacity() * sizeof(SlotMeta) +
           free_slots_.capacity() * sizeof(uint32_t) + cancelled_.capacity() * sizeof(uint64_t) +
           sizeof(*this);
}

}  // namespace lvs::sim
