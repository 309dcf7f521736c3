// The future event set: a two-tier queue built for integer time that only moves forward.
//
// Far tier: a monotone radix heap (base 256). Simulated time never moves backwards, so this
// tier only orders keys >= a reference time `last_`. An entry lives in the bucket named by the
// highest byte in which its time differs from `last_` (the level, 0..7) and by that byte's
// value (the digit). Buckets are unordered chunk chains filled by sequential appends; the
// lowest non-empty bucket always holds the earliest far events.
//
// Near tier ("front"): every event earlier than `front_limit_`. When the front runs dry, the
// lowest far bucket is split one level down until it holds at most kFrontBatch entries, which
// are then sorted once and consumed in order. Events scheduled closer than `front_limit_`
// (short timers, zero-delay events) go to a small side heap that is merged on the fly.
//
// Why this shape: on the machines this runs on, a random memory access beyond the 1 MiB L2
// cache costs 150-190 ns (measured), more than everything else an event does. Every entry is
// written once by a sequential append, moved by a sequential split or two, and read once when
// its small batch is sorted; nothing chases pointers into a large structure. Entries carry
// their callables inline (64 bytes, trivially copyable; larger or non-trivial captures are
// boxed on the heap, the rare slow path).
//
// Ordering: the front orders by (time, priority, seq), the kernel's total order, so runs are
// deterministic.
//
// Cancellation: only events scheduled as cancellable get a slot in a side table (sequence
// number and cause) and a bit in a "cancelled" bitmap; events nobody can cancel (packet
// arrivals) skip that bookkeeping, which would otherwise cost a cache miss per event.
// Cancelling sets the bit; the entry becomes a tombstone dropped when it surfaces. When
// tombstones outnumber live entries the queue is compacted, so cancel/re-arm cycles never grow
// memory without bound.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/time.hpp"

namespace lvs::sim {

// Lower value runs first among events at the same time.
enum class Priority : uint8_t {
    Timeline = 16,  // scenario timeline actions: take effect before model events at the same T
    Control = 64,   // run control (stop requests, snapshots taken after actions at T)
    Normal = 128,   // model events
    Late = 200,     // observers that must see the state after all model events at T
};

struct EventId {
    uint32_t slot = 0;
    uint64_t seq = 0;  // 0 = invalid
    constexpr bool valid() const { return seq != 0; }
    constexpr bool operator==(const EventId&) const = default;
};

class EventQueue {
public:
    static constexpr size_t kInlineBytes = 40;

    EventQueue();
    ~EventQueue();
    EventQueue(const EventQueue&) = delete;
    EventQueue& operator=(const EventQueue&) = delete;

    // Inserts an event. `time` must be >= the time of the last event removed (the simulator
    // checks). Returns the event's id (valid only when `cancellable`); its seq is the global
    // order number.
    template <class F>
    EventId push(Time time, Priority priority, uint64_t cause, bool cancellable, F&& fn) {
        using Fn = std::decay_t<F>;
        const uint64_t seq = ++next_seq_;
        const uint32_t slot = cancellable ? alloc_slot(seq) : kNoSlot;
        // Constructed where it will wait (a far bucket's chunk or the front's late store), so
        // the 64-byte entry is written exactly once.
        Entry& e = place(time.ns());
        e.time = time.ns();
        e.key = (static_cast<uint64_t>(priority) << 56) | seq;
        const uint64_t delta = seq - cause;
        e.cause_delta = cause == 0 || delta > UINT32_MAX ? 0 : static_cast<uint32_t>(delta);
        e.slot = slot;
        if constexpr (sizeof(Fn) <= kInlineBytes && alignof(Fn) <= 8 && std::is_trivially_copyable_v<Fn>) {
            ::new (static_cast<void*>(e.storage)) Fn(std::forward<F>(fn));
            e.ops = &inline_ops<Fn>;
        } else {
            auto* boxed = new Fn(std::forward<F>(fn));
            ::new (static_cast<void*>(e.storage)) Fn*(boxed);
            e.ops = &boxed_ops<Fn>;
        }
        if (e.time < front_limit_) front_link_late(e);
        ++live_;
        return cancellable ? EventId{slot, seq} : EventId{};
    }

    // Cancels a pending event; false if it already ran, is running, or was cancelled.
    bool cancel(EventId id);
    // Cancels an event the caller knows to be pending (a timer tracks its own wakeup): skips
    // the check against the slot table, a cache miss per cancel with many timers.
    void cancel_pending(EventId id) {
        cancelled_[id.slot >> 6] |= uint64_t{1} << (id.slot & 63);
        --live_;
        ++dead_;
        maybe_compact();
    }
    bool is_pending(EventId id) const;

    struct Popped {
        Time time;
        uint64_t seq = 0;
        uint64_t cause = 0;
    };
    // Takes the earliest live event whose time is <= limit (tombstones met on the way are
    // discarded); false when there is none. run_popped() must follow a successful pop.
    bool pop_until(Time limit, Popped& out) {
        // Fast path: the next event is the head of the sorted batch and nothing arrived late.
        while (front_pos_ < front_sorted_.size() && late_.empty()) [[likely]] {
                const FrontItem& item = front_sorted_[front_pos_];
                if (item.time > limit.ns()) return false;
                ++front_pos_;
                Entry& e = chunk(item.where >> 4).entries[item.where & 15];
                if (e.slot != kNoSlot) {
                    if (dead_ != 0 && is_cancelled(e.slot)) {
                        bury(e);
                        continue;
                    }
                    meta_[e.slot].seq = 0;
                }
                --live_;
                running_ = item.where;
                const uint64_t seq = e.key & kSeqMask;
                out.time = Time::from_ns(e.time);
                out.seq = seq;
                out.cause = e.cause_delta == 0 ? 0 : seq - e.cause_delta;
                return true;
            }
        return pop_slow(limit, out);
    }
    // Runs the callable of the event just popped, in place, and releases it. Chunks and the
    // late store never move, and the running batch's chunks are not freed before the next
    // refill, so the callable runs in place even if it schedules events.
    void run_popped() {
        const uint32_t where = running_;
        Entry& e = entry_at(where);
        e.ops(Op::Invoke, e);
        if (e.slot != kNoSlot) free_slots_.push_back(e.slot);
        running_ = kNil;
        if ((where & kLateBit) != 0 || retired_chain_ != kNil) [[unlikely]]
            after_run(where);
    }
    // Time of the earliest pending live event, or Time::max() when empty.
    Time peek_time();

    size_t pending() const { return live_; }
    size_t tombstones() const { return dead_; }
    uint64_t scheduled_total() const { return next_seq_; }
    uint64_t compactions() const { return compactions_; }
    // Memory held by the queue, for the benchmark's bytes_per_pending.
    size_t memory_bytes() const;

private:
    static constexpr uint32_t kNoSlot = UINT32_MAX;
    static constexpr uint64_t kSeqMask = (uint64_t{1} << 56) - 1;
    bool pop_slow(Time limit, Popped& out);
    void after_run(uint32_t where);
    static constexpr uint32_t kNil = UINT32_MAX;

    // Invoke runs the callable once and releases what it owns (boxed captures); Destroy only
    // releases (a cancelled or never-run event). Inline captures are trivially destructible.
    enum class Op : uint8_t { Invoke, Destroy };
    struct Entry {
        int64_t time;
        uint64_t key;  // priority << 56 | seq: the order among equal times
        void (*ops)(Op, Entry&);
        alignas(8) unsigned char storage[kInlineBytes];
        uint32_t slot;         // kNoSlot: not cancellable
        uint32_t cause_delta;  // seq - cause (0: unknown), for trace records
    };
    static_assert(sizeof(Entry) == 72);
    static_assert(std::is_trivially_copyable_v<Entry>);

    template <class Fn>
    static void inline_ops(Op op, Entry& e) {
        if (op == Op::Invoke) (*std::launder(reinterpret_cast<Fn*>(e.storage)))();
    }
    template <class Fn>
    static void boxed_ops(Op op, Entry& e) {
        Fn* fn = *std::launder(reinterpret_cast<Fn**>(e.storage));
        if (op == Op::Invoke) {
            struct Deleter {
                Fn* p;
                ~Deleter() { delete p; }
            } owner{fn};
            (*fn)();
        } else {
            delete fn;
        }
    }

    // ---- far tier storage: chains of chunks from a shared free list ----
    static constexpr uint32_t kChunkEntries = 14;
    // The header comes first so that prefetching a chunk's first line also brings the link
    // to the chunk after it.
    struct Chunk {
        uint32_t next;
        uint32_t count;
        unsigned char pad_[8];
        Entry entries[kChunkEntries];
    };
    void prefetch_chunk(uint32_t c) {
        const char* p = reinterpret_cast<const char*>(&chunk(c));
        for (size_t off = 0; off < sizeof(Chunk); off += 64) __builtin_prefetch(p + off);
    }
    static_assert(sizeof(Chunk) == 1024);
    struct Bucket {
        uint32_t head = kNil;
        uint32_t tail = kNil;
    };
    // Chunks come in 2 MiB blocks aligned for transparent huge pages: bucket chains are
    // scattered, and on virtual machines a TLB miss costs as much as the cache miss.
    static constexpr uint32_t kChunkBlockBits = 11;
    static constexpr size_t kChunkBlockBytes = sizeof(Chunk) << kChunkBlockBits;
    struct FreeBlock {
        void operator()(void* p) const { std::free(p); }
    };
    Chunk& chunk(uint32_t i) {
        return chunk_blocks_[i >> kChunkBlockBits].get()[i & ((1u << kChunkBlockBits) - 1)];
    }
    uint32_t alloc_chunk() {
        uint32_t c = free_chunk_;
        if (c != kNil) [[likely]]
            free_chunk_ = chunk(c).next;
        else c = new_chunk();
        chunk(c).next = kNil;
        chunk(c).count = 0;
        ++chunks_in_use_;
        return c;
    }
    uint32_t new_chunk();
    void free_chain(uint32_t head);
    Entry& append_slot(Bucket& b) {
        if (b.tail == kNil || chunk(b.tail).count == kChunkEntries) {
            const uint32_t c = alloc_chunk();
            if (b.tail == kNil) b.head = c;
            else chunk(b.tail).next = c;
            b.tail = c;
        }
        Chunk& t = chunk(b.tail);
        return t.entries[t.count++];
    }
    void append(Bucket& b, const Entry& e) { append_slot(b) = e; }

    static constexpr unsigned kLevels = 8;
    static constexpr unsigned kDigits = 256;
    static constexpr unsigned kBuckets = kLevels * kDigits;
    unsigned bucket_of(int64_t time) const {
        const uint64_t diff = static_cast<uint64_t>(time) ^ static_cast<uint64_t>(last_);
        const unsigned level = diff == 0 ? 0u : static_cast<unsigned>(63 - std::countl_zero(diff)) >> 3;
        return level * kDigits + static_cast<unsigned>((static_cast<uint64_t>(time) >> (8 * level)) & 0xFF);
    }
    // Two-level occupancy bitmap: the lowest non-empty bucket is two bit scans away.
    void mark(unsigned b) {
        occupied_[b >> 6] |= uint64_t{1} << (b & 63);
        summary_ |= 1u << (b >> 6);
    }
    void unmark(unsigned b) {
        occupied_[b >> 6] &= ~(uint64_t{1} << (b & 63));
        if (occupied_[b >> 6] == 0) summary_ &= ~(1u << (b >> 6));
    }
    unsigned lowest_bucket() const {
        if (summary_ == 0) return kBuckets;
        const unsigned w = static_cast<unsigned>(std::countr_zero(summary_));
        return w * 64 + static_cast<unsigned>(std::countr_zero(occupied_[w]));
    }
    Entry& far_slot(int64_t time) {
        const unsigned b = bucket_of(time);
        if (bucket_size_[b]++ == 0) mark(b);
        return append_slot(buckets_[b]);
    }
    void far_insert(const Entry& e) { far_slot(e.time) = e; }
    // Where a new entry with this time waits: the late store when it falls inside the front's
    // range (the caller then links it into the late heap), else a far bucket.
    Entry& place(int64_t time) {
        if (time < front_limit_) return front_entry(late_store_index());
        return far_slot(time);
    }

    // ---- near tier: a sorted batch (consumed from front_pos_) plus a heap of late arrivals.
    // Batch entries stay in their chunks (the batch's chain is kept until it is consumed);
    // late arrivals live in a stable store. A FrontItem's `where` tells which. ----
    static constexpr uint32_t kFrontBatch = 256;
    static constexpr uint32_t kLateBit = 0x8000'0000u;
    struct FrontItem {
        int64_t time;
        uint64_t key;
        uint32_t where;  // kLateBit | late index, or chunk * 16 + position
    };
    struct Later {
        bool operator()(const FrontItem& a, const FrontItem& b) const {
            return a.time != b.time ? a.time > b.time : a.key > b.key;
        }
    };
    static constexpr uint32_t kFrontBlockBits = 8;
    Entry& front_entry(uint32_t i) {
        return late_blocks_[i >> kFrontBlockBits][i & ((1u << kFrontBlockBits) - 1)];
    }
    Entry& entry_at(uint32_t where) {
        if (where & kLateBit) return front_entry(where & ~kLateBit);
        return chunk(where >> 4).entries[where & 15];
    }
    uint32_t late_store_index() {
        if (late_free_.empty()) [[unlikely]]
            grow_late();
        pending_late_ = late_free_.back();
        late_free_.pop_back();
        return pending_late_;
    }
    void release_where(uint32_t where) {
        if (where & kLateBit) late_free_.push_back(where & ~kLateBit);
    }
    void grow_late();
    void front_link_late(const Entry& e);
    const FrontItem* front_top() const {
        const FrontItem* a = front_pos_ < front_sorted_.size() ? &front_sorted_[front_pos_] : nullptr;
        if (late_.empty()) return a;
        const FrontItem* b = &late_.front();
        return a == nullptr || Later{}(*a, *b) ? b : a;
    }
    // Removes the front's minimum item (the front must not be empty); returns where it is.
    uint32_t front_take();
    bool front_empty() const { return front_pos_ == front_sorted_.size() && late_.empty(); }
    // Refills the front from the far tier; false when both are empty.
    bool refill();
    void sort_batch(uint32_t head);

    // ---- slots of cancellable events ----
    struct SlotMeta {
        uint64_t seq;  // 0: free, or popped and running
    };
    uint32_t alloc_slot(uint64_t seq) {
        if (free_slots_.empty()) [[unlikely]]
            grow_slots();
        const uint32_t s = free_slots_.back();
        free_slots_.pop_back();
        meta_[s].seq = seq;
        return s;
    }
    void grow_slots();
    void release_slot(uint32_t slot) {
        meta_[slot].seq = 0;
        free_slots_.push_back(slot);
    }
    bool is_cancelled(uint32_t slot) const {
        return slot != kNoSlot && ((cancelled_[slot >> 6] >> (slot & 63)) & 1) != 0;
    }
    // Disposes of a tombstone.
    void bury(Entry& e);
    void maybe_compact();

    std::array<Bucket, kBuckets> buckets_{};
    std::array<uint32_t, kBuckets> bucket_size_{};
    std::array<uint64_t, kBuckets / 64> occupied_{};
    uint32_t summary_ = 0;
    static_assert(kBuckets / 64 == 32);
    int64_t last_ = 0;
    std::vector<std::unique_ptr<Chunk, FreeBlock>> chunk_blocks_;
    uint32_t chunks_total_ = 0;
    uint32_t free_chunk_ = kNil;
    uint32_t chunks_in_use_ = 0;

    std::vector<FrontItem> front_sorted_;
    size_t front_pos_ = 0;
    uint32_t batch_chain_ = kNil;    // chunks holding the sorted batch's entries
    uint32_t retired_chain_ = kNil;  // a consumed batch still holding the running event
    std::vector<FrontItem> late_;
    std::vector<std::unique_ptr<Entry[]>> late_blocks_;
    std::vector<uint32_t> late_free_;
    uint32_t pending_late_ = 0;
    int64_t front_limit_ = 0;  // every event earlier than this is in the front
    uint32_t running_ = kNil;  // where the popped event is

    std::vector<SlotMeta> meta_;
    std::vector<uint32_t> free_slots_;
    std::vector<uint64_t> cancelled_;

    uint64_t next_seq_ = 0;
    size_t live_ = 0;
    size_t dead_ = 0;
    uint64_t compactions_ = 0;
};

}  // namespace lvs::sim
