// The trace bus: models publish structured records, sinks subscribe.
//
// A record is {seq, time, cause, entity, kind, fields}. `seq` is the number of the event that
// was running when the record was made and `cause` the event that scheduled it, so a reader can
// walk back from any record to what triggered it. Models build records through LVS_TRACE, which
// tests one flag first: with no sink subscribed nothing is formatted or allocated.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/time.hpp"

namespace lvs::sim {

class Simulator;
using EntityId = uint32_t;
constexpr EntityId kNoEntity = 0;

struct TraceField {
    std::string_view key;  // a string literal at the emitting site (or interned by a reader)
    std::variant<int64_t, double, std::string> value;

    bool is_int() const { return value.index() == 0; }
    bool is_real() const { return value.index() == 1; }
    bool is_text() const { return value.index() == 2; }
    int64_t as_int() const { return is_int() ? std::get<0>(value) : 0; }
    double as_real() const { return is_real() ? std::get<1>(value) : static_cast<double>(as_int()); }
    const std::string& as_text() const;
};

struct TraceRecord {
    uint64_t seq = 0;
    Time time;
    uint64_t cause = 0;
    EntityId entity = kNoEntity;
    std::string_view entity_name;
    std::string_view kind;
    std::vector<TraceField> fields;

    const TraceField* find(std::string_view key) const;
    int64_t get_int(std::string_view key, int64_t fallback = 0) const;
    std::string_view get_text(std::string_view key) const;
};

class TraceSink {
public:
    virtual ~TraceSink() = default;
    virtual void on_record(const TraceRecord& record) = 0;
};

class TraceBus {
public:
    bool enabled() const { return !sinks_.empty(); }
    void subscribe(TraceSink& sink);
    void unsubscribe(TraceSink& sink);
    void publish(const TraceRecord& record);

private:
    std::vector<TraceSink*> sinks_;
};

// Collects fields and publishes on destruction (end of the full expression).
class TraceBuilder {
public:
    TraceBuilder(Simulator& sim, EntityId entity, std::string_view kind);
    ~TraceBuilder();
    TraceBuilder(const TraceBuilder&) = delete;
    TraceBuilder& operator=(const TraceBuilder&) = delete;

    TraceBuilder& f(std::string_view key, int64_t v) {
        rec_.fields.push_back({key, v});
        return *this;
    }
    TraceBuilder& f(std::string_view key, int v) { return f(key, static_cast<int64_t>(v)); }
    TraceBuilder& f(std::string_view key, unsigned v) { return f(key, static_cast<int64_t>(v)); }
    TraceBuilder& f(std::string_view key, uint64_t v) { return f(key, static_cast<int64_t>(v)); }
    TraceBuilder& f(std::string_view key, long long v) { return f(key, static_cast<int64_t>(v)); }
    TraceBuilder& f(std::string_view key, bool v) { return f(key, static_cast<int64_t>(v ? 1 : 0)); }
    TraceBuilder& f(std::string_view key, double v) {
        rec_.fields.push_back({key, v});
        return *this;
    }
    TraceBuilder& f(std::string_view key, std::string_view v) {
        rec_.fields.push_back({key, std::string(v)});
        return *this;
    }
    TraceBuilder& f(std::string_view key, const char* v) { return f(key, std::string_view(v)); }
    TraceBuilder& f(std::string_view key, const std::string& v) { return f(key, std::string_view(v)); }
    TraceBuilder& f(std::string_view key, Duration d) { return f(key, d.ns()); }
    TraceBuilder& f(std::string_view key, Time t) { return f(key, t.ns()); }

private:
    TraceBus& bus_;
    TraceRecord rec_;
};

// Usage: LVS_TRACE(sim_, id_, "tcp.state").f("from", a).f("to", b);
#define LVS_TRACE(simref, entity, kind) \
    if (!(simref).tracing()) {          \
    } else ::lvs::sim::TraceBuilder((simref), (entity), (kind))

// ---- sinks ---------------------------------------------------------------------------------

// One JSON object per line; times are integer nanoseconds (byte-identical across machines).
class JsonLinesSink final : public TraceSink {
public:
    explicit JsonLinesSink(std::ostream& out) : out_(out) {}
    void on_record(const TraceRecord& r) override;

private:
    std::ostream& out_;
};

// Human-readable lines: "[    12.000345] director: ipvs.state from=SYN_RECV to=ESTABLISHED".
class TextSink final : public TraceSink {
public:
    explicit TextSink(std::ostream& out) : out_(out) {}
    void on_record(const TraceRecord& r) override;

private:
    std::ostream& out_;
};

class CounterSink final : public TraceSink {
public:
    void on_record(const TraceRecord& r) override {
        ++counts_[std::string(r.kind)];
        ++total_;
    }
    uint64_t count(std::string_view kind) const;
    uint64_t total() const { return total_; }
    const std::map<std::string, uint64_t>& counts() const { return counts_; }

private:
    std::map<std::string, uint64_t> counts_;
    uint64_t total_ = 0;
};

// Keeps every record in memory (the viewer's and the tests' source).
class RecorderSink final : public TraceSink {
public:
    void on_record(const TraceRecord& r) override { records_.push_back(r); }
    const std::vector<TraceRecord>& records() const { return records_; }
    std::vector<TraceRecord>& records() { return records_; }

private:
    std::vector<TraceRecord> records_;
};

// A running hash over every record (seq, time, entity, kind and the fields as the JSON Lines
// trace prints them) that summarises a run for regression checks, as OMNeT++'s fingerprints.
class FingerprintSink final : public TraceSink {
public:
    void on_record(const TraceRecord& r) override;
    uint64_t value() const { return hash_; }

private:
    uint64_t hash_ = 0xCBF29CE484222325ull;
};

std::string format_field_value(const TraceField& f);
void write_json_string(std::ostream& out, std::string_view s);

}  // namespace lvs::sim
