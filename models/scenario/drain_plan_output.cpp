// The drain planner's table and JSON (drain_plan.hpp).
#include <cmath>
#include <iomanip>
#include <sstream>

#include "models/scenario/drain_plan.hpp"
#include "sim/trace.hpp"

namespace lvs::scenario {

namespace {

std::string cell(const Estimate& e, int decimals) {
    if (e.n == 0) return "never";  // not within the run, in any replication
    std::ostringstream o;
    o << std::fixed << std::setprecision(decimals) << e.mean;
    if (e.half_width > 0) o << " ± " << std::setprecision(decimals) << e.half_width;
    if (e.missing > 0) o << " (" << e.missing << " never)";
    return o.str();
}

std::string json_number(double v) {
    if (!std::isfinite(v)) return "null";
    std::ostringstream o;
    o << std::setprecision(10) << v;
    return o.str();
}

// A JSON string, escaped as every lvsim JSON writer escapes it.
std::string json_text(const std::string& s) {
    std::ostringstream o;
    sim::write_json_string(o, s);
    return o.str();
}

void json_estimate(std::ostream& o, const char* name, const Estimate& e) {
    o << ",\"" << name << "\":{\"mean\":" << (e.n > 0 ? json_number(e.mean) : "null")
      << ",\"ci95\":" << (e.n > 1 ? json_number(e.half_width) : "null") << ",\"n\":" << e.n
      << ",\"never\":" << e.missing << "}";
}

// Left-aligned in `width` columns, counting characters, not bytes ("±" is two bytes).
std::string pad(const std::string& s, size_t width) {
    size_t chars = 0;
    for (const char c : s) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return s + std::string(width > chars ? width - chars : 1, ' ');
}

}  // namespace

void write_drain_table(std::ostream& out, const DrainPlan& p) {
    out << "drain-plan: " << p.realserver << " of " << p.scenario << " (" << p.file << "), drained at "
        << sim::format_time(p.at) << ", " << p.replications << " replication"
        << (p.replications == 1 ? "" : "s") << " (mean ± 95% CI; times from the drain)\n";
    for (const std::string& r : p.removed) out << "  replaced the scenario's own drain: " << r << "\n";
    out << "\n";
    out << pad("method", 15) << pad("no active (s)", 20) << pad("no entries (s)", 20)
        << pad("failed objs", 14) << pad("aborted objs", 14) << pad("stalls>=1s", 14) << pad("resets", 12)
        << (p.udp ? pad("longest stall (s)", 19) + pad("failed lookups", 16) + "lost syslog"
                  : "longest stall (s)")
        << "\n";
    for (const DrainOutcome& m : p.methods) {
        out << pad(std::string(kDrainMethodNames[static_cast<size_t>(m.method)]), 15);
        if (!m.unavailable.empty()) {
            out << "not available: " << m.unavailable << "\n";
            continue;
        }
        out << pad(cell(m.no_active_s, 1), 20) << pad(cell(m.no_entries_s, 1), 20)
            << pad(cell(m.objects_failed, 1), 14) << pad(cell(m.objects_aborted, 1), 14)
            << pad(cell(m.stalls, 1), 14) << pad(cell(m.resets, 1), 12);
        if (p.udp)
            out << pad(cell(m.longest_stall_s, 2), 19) << pad(cell(m.lookups_failed, 1), 16)
                << cell(m.syslog_lost, 1);
        else out << cell(m.longest_stall_s, 2);
        out << "\n";
    }
    out << "\nmethods:\n";
    for (const DrainOutcome& m : p.methods)
        out << "  " << pad(std::string(kDrainMethodNames[static_cast<size_t>(m.method)]), 15) << m.how
            << "\n";
}

void write_drain_json(std::ostream& out, const DrainPlan& p) {
    out << "{\"scenario\":" << json_text(p.scenario) << ",\"file\":" << json_text(p.file)
        << ",\"realserver\":" << json_text(p.realserver) << ",\"at_s\":" << json_number(p.at.seconds())
        << ",\"replications\":" << p.replications << ",\"replaced\":[";
    for (size_t i = 0; i < p.removed.size(); ++i) out << (i ? "," : "") << json_text(p.removed[i]);
    out << "],\"methods\":[";
    for (size_t i = 0; i < p.methods.size(); ++i) {
        const DrainOutcome& m = p.methods[i];
        out << (i ? "," : "")
            << "{\"method\":" << json_text(std::string(kDrainMethodNames[static_cast<size_t>(m.method)]))
            << ",\"how\":" << json_text(m.how)
            << ",\"available\":" << (m.unavailable.empty() ? "true" : "false");
        if (!m.unavailable.empty()) {
            out << ",\"unavailable\":" << json_text(m.unavailable) << "}";
            continue;
        }
        json_estimate(out, "no_active_s", m.no_active_s);
        json_estimate(out, "no_entries_s", m.no_entries_s);
        json_estimate(out, "objects_failed", m.objects_failed);
        json_estimate(out, "objects_aborted", m.objects_aborted);
        json_estimate(out, "stalls", m.stalls);
        json_estimate(out, "resets", m.resets);
        json_estimate(out, "longest_stall_s", m.longest_stall_s);
        if (p.udp) {
            json_estimate(out, "lookups_failed", m.lookups_failed);
            json_estimate(out, "syslog_lost", m.syslog_lost);
        }
        out << "}";
    }
    out << "]}\n";
}

}  // namespace lvs::scenario
