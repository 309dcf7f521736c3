// The viewer's trace model: every record of one run, compact and indexed by kind, entity and
// time, whatever the source (a scenario simulated in-process or a recorded JSON Lines trace).
//
// Strings (entity names, kinds, field keys and text values) are interned once, so a record is
// a few integers and the -Lnc listings repeated every second share storage while they do not
// change. Records keep the simulator's order, which is time order; every "what was true at t"
// question is a lower_bound on a sorted vector, so moving the cursor backward costs the same as
// moving it forward.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "models/trace/vocabulary.hpp"

namespace lvs::viz {

using StrId = uint32_t;
constexpr StrId kNoStr = 0;  // the empty string

class StringPool {
public:
    StringPool();
    StrId intern(std::string_view s);
    // kNoStr when `s` was never interned (lookups must not grow the pool).
    StrId find(std::string_view s) const;
    std::string_view view(StrId id) const { return items_[id]; }
    size_t size() const { return items_.size(); }

private:
    std::deque<std::string> items_;  // a deque keeps every string (and view) in place
    std::unordered_map<std::string_view, StrId> index_;
};

enum class FieldType : uint8_t { Int, Real, Text };

struct Field {
    StrId key = kNoStr;
    FieldType type = FieldType::Int;
    union {
        int64_t i;
        double d;
        StrId s;
    };
    Field() : i(0) {}
};

// Groups of record kinds the playback can jump between: the vocabulary's groups
// (models/trace/vocabulary.hpp), plus TIME_WAIT's end and received resets (categorize()).
enum Category : uint16_t {
    kCatAdmin = trace::kGroupAdmin,
    kCatSched = trace::kGroupSched,
    kCatState = trace::kGroupState,
    kCatFault = trace::kGroupFault,
    kCatTimer = trace::kGroupTimer,
    kCatPacket = trace::kGroupPacket,
    kCatListing = trace::kGroupListing,
    kCatHttp = trace::kGroupHttp,
    kCatCheck = trace::kGroupCheck,
};
constexpr int kJumpCategoryCount = 5;  // the first five are the playback's jump targets

struct Record {
    int64_t t = 0;  // ns
    uint64_t seq = 0;
    uint64_t cause = 0;
    StrId entity = kNoStr;
    StrId kind = kNoStr;
    uint32_t first_field = 0;
    uint16_t field_count = 0;
    uint16_t category = 0;
};

class TraceModel;

// Fills a TraceModel record by record; `finish()` builds the indexes.
class TraceModelBuilder {
public:
    explicit TraceModelBuilder(TraceModel& model) : m_(model) {}
    void begin(int64_t t, uint64_t seq, uint64_t cause, std::string_view entity, std::string_view kind);
    void add_int(std::string_view key, int64_t v);
    void add_real(std::string_view key, double v);
    void add_text(std::string_view key, std::string_view v);
    void end();
    void finish();

private:
    TraceModel& m_;
    Record cur_;
};

class TraceModel {
public:
    const std::vector<Record>& records() const { return records_; }
    size_t size() const { return records_.size(); }
    const Record& at(size_t i) const { return records_[i]; }
    StringPool& strings() { return strings_; }
    const StringPool& strings() const { return strings_; }
    std::string_view str(StrId id) const { return strings_.view(id); }
    StrId find_str(std::string_view s) const { return strings_.find(s); }

    // Field access (fallbacks when missing; ints read as reals and the other way round).
    const Field* field(const Record& r, StrId key) const;
    const Field* field(const Record& r, std::string_view key) const { return field(r, strings_.find(key)); }
    int64_t get_int(const Record& r, StrId key, int64_t fallback = 0) const;
    double get_real(const Record& r, StrId key, double fallback = 0) const;
    std::string_view get_text(const Record& r, StrId key) const;
    StrId get_text_id(const Record& r, StrId key) const;
    std::pair<const Field*, const Field*> fields(const Record& r) const {
        return {fields_.data() + r.first_field, fields_.data() + r.first_field + r.field_count};
    }
    // A field's value as the trace writers print it.
    std::string format_value(const Field& f) const;

    // Indexes: record numbers in time order.
    const std::vector<uint32_t>& of_kind(StrId kind) const;
    const std::vector<uint32_t>& of_kind(std::string_view kind) const { return of_kind(strings_.find(kind)); }
    const std::vector<uint32_t>& of_entity(StrId entity) const;
    const std::vector<uint32_t>& of_category(int bit_index) const { return by_category_[bit_index]; }
    // Records whose `seq` (the running event) is `seq`, for cause chains: positions [first,
    // second) in seq_order().
    std::pair<uint32_t, uint32_t> event_records(uint64_t seq) const;
    const std::vector<uint32_t>& seq_order() const { return by_seq_; }

    // First record at or after t / last record at or before t (size() / -1 when none).
    size_t first_at_or_after(int64_t t) const;
    int64_t last_at_or_before(int64_t t) const;
    // The same over an index of record numbers: position in `idx`.
    size_t lower_bound(const std::vector<uint32_t>& idx, int64_t t) const;
    // Last entry of `idx` at or before t, as a record number (-1 when none).
    int64_t latest(const std::vector<uint32_t>& idx, int64_t t) const;

    int64_t begin_time() const { return begin_; }
    int64_t end_time() const { return end_; }
    void set_end_time(int64_t t) { end_ = std::max(end_, t); }

    // Interned ids of the keys and kinds the viewer reads (kNoStr when absent from the run).
    struct Keys {
        StrId conn, local, remote, from, to, event, client, dest, dir, active, inactive, chosen, candidates,
            scheduler, service, rule, text, reason, flags, src, dst, arrive, len, page, object, reused,
            load_ms, failed, why, command, result, setting, label, ipvsadm_ln, ipvsadm_lnc, that, passed,
            observed, op, ok, error, server, action, state, aborted, seq, ack, segs, method, bytes, name,
            value, busy, idle_keepalive, address, line, host, ss, link, packets, weight, forward, listed, n,
            at, caption, question, highlight, reveal;
    };
    // Each key and its name; every name is a field of the trace vocabulary (a test checks).
    static const std::vector<std::pair<StrId Keys::*, std::string_view>>& key_names();
    struct Kinds {
        StrId tcp_state, ipvs_state, ipvs_sched, ipvs_conn_new, ipvs_conn_expire, net_packet, net_drop,
            listing, connections, director_dest, snapshot, expectation, page_start, page_done, page_abort,
            request, response, object_failed, retry, timeline_ipvsadm, timeline_sysctl, timeline_server,
            ipvs_admin, server_workers, realserver, warning, host_sockets, net_queue, lesson_step, idle_close,
            keepalive_close;
    };
    const Keys& keys() const { return keys_; }
    const Kinds& kinds() const { return kinds_; }

private:
    friend class TraceModelBuilder;
    void build_indexes();

    StringPool strings_;
    std::vector<Record> records_;
    std::vector<Field> fields_;
    std::unordered_map<StrId, std::vector<uint32_t>> by_kind_;
    std::unordered_map<StrId, std::vector<uint32_t>> by_entity_;
    std::vector<std::vector<uint32_t>> by_category_;
    std::vector<uint32_t> by_seq_;  // record numbers sorted by (seq, record number)
    std::vector<int64_t> times_;    // records_[i].t, contiguous for fast searches
    int64_t begin_ = 0;
    int64_t end_ = 0;
    Keys keys_{};
    Kinds kinds_{};
};

// The category bits of a record kind (and, for tcp.state, its event).
uint16_t categorize(std::string_view kind, std::string_view event, std::string_view to_state);

}  // namespace lvs::viz
