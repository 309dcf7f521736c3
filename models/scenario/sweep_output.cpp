// A sweep's result for people and for tools: the aligned table with its legend, the CSV of
// means and half-widths, and the JSON of every run (lvsim-sweep/1). Same text on every machine.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "models/scenario/sweep.hpp"
#include "sim/trace.hpp"

namespace lvs::scenario {

namespace {

// Short column labels for the usual metrics (the table's legend names them in full).
std::string label_of(const std::string& m) {
    const auto ends = [&](const std::string& tail) {
        return m.size() > tail.size() && m.compare(m.size() - tail.size(), tail.size(), tail) == 0;
    };
    const std::string head = m.substr(0, m.find('.'));
    if (ends(".page_load_p50")) return (head == "clients" ? std::string("page") : head) + " p50 ms";
    if (ends(".page_load_p95")) return (head == "clients" ? std::string("page") : head) + " p95 ms";
    if (ends(".page_load_p99")) return (head == "clients" ? std::string("page") : head) + " p99 ms";
    if (m == "clients.objects_failed") return "failed objects";
    if (m == "peak.servers.time_wait") return "peak TIME_WAIT";
    if (m == "mean.servers.workers_busy") return "workers busy";
    if (m == "mean.servers.workers_idle_keepalive") return "workers idle-KA";
    if (head == "drain" && ends(".no_active_s")) return m.substr(6, m.size() - 6 - 12) + " ActiveConn 0 s";
    if (head == "drain" && ends(".no_entries_s")) return m.substr(6, m.size() - 6 - 13) + " no entries s";
    return m;
}

std::string cell_number(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

void json_str(std::ostream& o, const std::string& s) { sim::write_json_string(o, s); }

// Full precision, the same text on every machine.
std::string exact(double v) {
    if (std::isnan(v)) return "";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

std::vector<double> column(const SweepResult& r, size_t point, size_t metric) {
    std::vector<double> xs;
    const uint32_t reps = r.plan->replications;
    for (uint32_t k = 0; k < reps; ++k) xs.push_back(r.jobs[point * reps + k].values[metric]);
    return xs;
}

// Which metrics the table shows: all requested ones, except default drain columns no run filled.
std::vector<size_t> shown_metrics(const SweepResult& r) {
    std::vector<size_t> out;
    for (size_t m = 0; m < r.plan->metrics.size(); ++m) {
        bool any = !r.plan->default_metrics || !metric_may_be_missing(r.plan->metrics[m]);
        for (size_t j = 0; j < r.jobs.size() && !any; ++j) any = !std::isnan(r.jobs[j].values[m]);
        if (any) out.push_back(m);
    }
    return out;
}

}  // namespace

void write_sweep_table(std::ostream& o, const SweepResult& r) {
    const SweepPlan& p = *r.plan;
    o << "Sweep of " << p.scenario << " (" << p.file << "): " << p.points.size() << " point"
      << (p.points.size() == 1 ? "" : "s") << " x " << p.replications << " replication"
      << (p.replications == 1 ? "" : "s") << " = " << p.jobs.size() << " run"
      << (p.jobs.size() == 1 ? "" : "s") << "\n";
    for (const std::string& s : p.base_sets) o << "  --set " << s << "\n";
    o << "  seeds, the same at every point:";
    for (uint32_t k = 0; k < p.replications && k < p.jobs.size(); ++k)
        o << (k ? ", " : " ") << p.jobs[k].seed;
    o << "\n";
    if (p.replications > 1)
        o << "  cells: mean ± half-width of the 95% confidence interval (Student's t, " << p.replications - 1
          << (p.replications == 2 ? " degree" : " degrees") << " of freedom)\n";
    else o << "  cells: the value of one run (no confidence interval; use --replications R for one)\n";
    const std::vector<size_t> shown = shown_metrics(r);
    std::vector<std::string> header;
    for (const Axis& a : p.axes) header.push_back(a.key);
    for (size_t m : shown) header.push_back(label_of(p.metrics[m]));
    header.push_back("expectations");
    std::vector<std::vector<std::string>> rows;
    // Decimals per column, from the largest mean in it.
    std::vector<int> decimals(p.metrics.size(), 0);
    for (size_t m : shown) {
        double biggest = 0;
        bool integral = true;
        for (size_t i = 0; i < p.points.size(); ++i) {
            const Estimate e = estimate(column(r, i, m));
            biggest = std::max(biggest, std::abs(e.mean));
            for (double x : column(r, i, m)) integral = integral && (std::isnan(x) || x == std::floor(x));
        }
        decimals[m] = biggest >= 100 ? 0 : biggest >= 10 ? 1 : biggest >= 1 ? 2 : 3;
        if (integral) decimals[m] = p.replications == 1 || biggest == 0 ? 0 : std::min(decimals[m], 1);
    }
    for (size_t i = 0; i < p.points.size(); ++i) {
        std::vector<std::string> row = p.points[i];
        for (size_t m : shown) {
            const Estimate e = estimate(column(r, i, m));
            std::string cell;
            if (e.n == 0) {
                cell = "-";
            } else {
                cell = cell_number(e.mean, decimals[m]);
                if (e.n > 1) cell += " ± " + cell_number(e.half_width, decimals[m]);
                if (e.missing != 0)
                    cell += " (" + std::to_string(e.n) + "/" + std::to_string(e.n + e.missing) + ")";
            }
            row.push_back(cell);
        }
        uint32_t hold = 0;
        for (uint32_t k = 0; k < p.replications; ++k)
            hold += r.jobs[i * p.replications + k].expectations_hold ? 1 : 0;
        row.push_back(std::to_string(hold) + "/" + std::to_string(p.replications) + " hold");
        rows.push_back(std::move(row));
    }
    // UTF-8 "±" is two bytes but one column.
    const auto width = [](const std::string& s) {
        size_t w = 0;
        for (unsigned char c : s) w += (c & 0xC0) != 0x80 ? 1 : 0;
        return w;
    };
    std::vector<size_t> w(header.size(), 0);
    for (size_t k = 0; k < header.size(); ++k) w[k] = width(header[k]);
    for (const auto& row : rows)
        for (size_t k = 0; k < row.size(); ++k) w[k] = std::max(w[k], width(row[k]));
    const auto line = [&](const std::vector<std::string>& cells) {
        o << " ";
        for (size_t k = 0; k < cells.size(); ++k) {
            // Axis values to the left, figures to the right.
            const size_t pad = w[k] - width(cells[k]);
            o << " ";
            if (k < p.axes.size()) o << cells[k] << std::string(pad, ' ');
            else o << std::string(pad, ' ') << cells[k];
            if (k + 1 < cells.size()) o << " ";
        }
        o << "\n";
    };
    o << "\n";
    line(header);
    for (const auto& row : rows) line(row);
    o << "\n";
    for (size_t m : shown)
        if (label_of(p.metrics[m]) != p.metrics[m])
            o << "  " << label_of(p.metrics[m]) << ": " << p.metrics[m] << "\n";
    bool partial = false;
    for (size_t m : shown)
        for (size_t i = 0; i < p.points.size(); ++i)
            partial = partial || estimate(column(r, i, m)).missing != 0;
    if (partial)
        o << "  (k/R): only k of R runs reached that point within the run; the figure is over those.\n";
}

void write_sweep_csv(std::ostream& o, const SweepResult& r) {
    const SweepPlan& p = *r.plan;
    for (const Axis& a : p.axes) o << a.key << ",";
    for (const std::string& m : p.metrics) o << m << "_mean," << m << "_ci95," << m << "_n,";
    o << "runs,expectations_hold\n";
    for (size_t i = 0; i < p.points.size(); ++i) {
        for (const std::string& v : p.points[i]) o << v << ",";
        for (size_t m = 0; m < p.metrics.size(); ++m) {
            const Estimate e = estimate(column(r, i, m));
            o << (e.n ? exact(e.mean) : "") << "," << (e.n > 1 ? exact(e.half_width) : "") << "," << e.n
              << ",";
        }
        uint32_t hold = 0;
        for (uint32_t k = 0; k < p.replications; ++k)
            hold += r.jobs[i * p.replications + k].expectations_hold ? 1 : 0;
        o << p.replications << "," << hold << "\n";
    }
}

void write_sweep_json(std::ostream& o, const SweepResult& r) {
    const SweepPlan& p = *r.plan;
    o << "{\n  \"format\": \"lvsim-sweep/1\",\n  \"scenario\": ";
    json_str(o, p.scenario);
    o << ",\n  \"file\": ";
    json_str(o, p.file);
    o << ",\n  \"sets\": [";
    for (size_t i = 0; i < p.base_sets.size(); ++i) {
        o << (i ? ", " : "");
        json_str(o, p.base_sets[i]);
    }
    o << "],\n  \"vary\": [";
    for (size_t i = 0; i < p.axes.size(); ++i) {
        o << (i ? ", " : "");
        json_str(o, p.axes[i].key);
    }
    o << "],\n  \"replications\": " << p.replications << ",\n  \"metrics\": [";
    for (size_t i = 0; i < p.metrics.size(); ++i) {
        o << (i ? ", " : "");
        json_str(o, p.metrics[i]);
    }
    o << "],\n  \"points\": [";
    const auto num = [](double v) { return std::isnan(v) ? std::string("null") : exact(v); };
    for (size_t i = 0; i < p.points.size(); ++i) {
        o << (i ? ",\n    " : "\n    ") << "{\"values\": [";
        for (size_t k = 0; k < p.points[i].size(); ++k) {
            o << (k ? ", " : "");
            json_str(o, p.points[i][k]);
        }
        o << "],\n     \"mean\": [";
        for (size_t m = 0; m < p.metrics.size(); ++m) {
            const Estimate e = estimate(column(r, i, m));
            o << (m ? ", " : "") << (e.n ? num(e.mean) : "null");
        }
        o << "],\n     \"ci95\": [";
        for (size_t m = 0; m < p.metrics.size(); ++m) {
            const Estimate e = estimate(column(r, i, m));
            o << (m ? ", " : "") << (e.n > 1 ? num(e.half_width) : "null");
        }
        o << "],\n     \"runs\": [";
        for (uint32_t k = 0; k < p.replications; ++k) {
            const JobResult& j = r.jobs[i * p.replications + k];
            o << (k ? ",\n       " : "\n       ") << "{\"seed\": " << p.jobs[i * p.replications + k].seed
              << ", \"expectations_hold\": " << (j.expectations_hold ? "true" : "false") << ", \"values\": [";
            for (size_t m = 0; m < j.values.size(); ++m) o << (m ? ", " : "") << num(j.values[m]);
            o << "]}";
        }
        o << "]}";
    }
    o << "]\n}\n";
}

}  // namespace lvs::scenario
