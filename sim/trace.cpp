#include "sim/trace.hpp"

#include <algorithm>
#include <cstdio>

#include "sim/rng.hpp"
#include "sim/simulator.hpp"

namespace lvs::sim {

const std::string& TraceField::as_text() const {
    static const std::string empty;
    return is_text() ? std::get<2>(value) : empty;
}

const TraceField* TraceRecord::find(std::string_view key) const {
    for (const TraceField& f : fields)
        if (f.key == key) return &f;
    return nullptr;
}

int64_t TraceRecord::get_int(std::string_view key, int64_t fallback) const {
    const TraceField* f = find(key);
    return f != nullptr && f->is_int() ? f->as_int() : fallback;
}

std::string_view TraceRecord::get_text(std::string_view key) const {
    const TraceField* f = find(key);
    return f != nullptr && f->is_text() ? std::string_view(f->as_text()) : std::string_view();
}

void TraceBus::subscribe(TraceSink& sink) { sinks_.push_back(&sink); }

void TraceBus::unsubscribe(TraceSink& sink) {
    sinks_.erase(std::remove(sinks_.begin(), sinks_.end(), &sink), sinks_.end());
}

void TraceBus::publish(const TraceRecord& record) {
    for (TraceSink* s : sinks_) s->on_record(record);
}

TraceBuilder::TraceBuilder(Simulator& sim, EntityId entity, std::string_view kind) : bus_(sim.trace()) {
    rec_.seq = sim.current_seq();
    rec_.cause = sim.current_cause();
    rec_.time = sim.now();
    rec_.entity = entity;
    rec_.entity_name = sim.entity_name(entity);
    rec_.kind = kind;
    rec_.fields.reserve(6);
}

TraceBuilder::~TraceBuilder() { bus_.publish(rec_); }

void write_json_string(std::ostream& out, std::string_view s) {
    out.put('"');
    for (char c : s) {
        switch (c) {
            case '"': out << "\\\""; break;
            case '\\': out << "\\\\"; break;
            case '\n': out << "\\n"; break;
            case '\t': out << "\\t"; break;
            case '\r': out << "\\r"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x",
                                  static_cast<unsigned>(static_cast<unsigned char>(c)));
                    out << buf;
                } else {
                    out.put(c);
                }
        }
    }
    out.put('"');
}

std::string format_field_value(const TraceField& f) {
    if (f.is_int()) return std::to_string(f.as_int());
    if (f.is_real()) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.9g", std::get<1>(f.value));
        return buf;
    }
    return f.as_text();
}

void JsonLinesSink::on_record(const TraceRecord& r) {
    out_ << "{\"seq\":" << r.seq << ",\"t\":" << r.time.ns() << ",\"cause\":" << r.cause << ",\"entity\":";
    write_json_string(out_, r.entity_name);
    out_ << ",\"kind\":";
    write_json_string(out_, r.kind);
    for (const TraceField& f : r.fields) {
        out_ << ',';
        write_json_string(out_, f.key);
        out_ << ':';
        if (f.is_text()) write_json_string(out_, f.as_text());
        else out_ << format_field_value(f);
    }
    out_ << "}\n";
}

void TextSink::on_record(const TraceRecord& r) {
    out_ << '[' << format_clock(r.time) << "] " << r.entity_name << ": " << r.kind;
    for (const TraceField& f : r.fields) out_ << ' ' << f.key << '=' << format_field_value(f);
    out_ << '\n';
}

uint64_t CounterSink::count(std::string_view kind) const {
    const auto it = counts_.find(std::string(kind));
    return it == counts_.end() ? 0 : it->second;
}

void FingerprintSink::on_record(const TraceRecord& r) {
    const auto mix = [this](uint64_t v) {
        for (int i = 0; i < 8; ++i) {
            hash_ ^= (v >> (8 * i)) & 0xFF;
            hash_ *= 0x100000001B3ull;
        }
    };
    mix(r.seq);
    mix(static_cast<uint64_t>(r.time.ns()));
    mix(r.entity);
    mix(fnv1a64(r.kind));
    // The fields as a trace file shows them: a change of vocabulary or of any value shows.
    for (const TraceField& f : r.fields) {
        mix(fnv1a64(f.key));
        mix(fnv1a64(format_field_value(f)));
    }
}

}  // namespace lvs::sim
