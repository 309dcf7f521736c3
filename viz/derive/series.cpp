#include "viz/derive/series.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace lvs::viz {

void StepSeries::push(int64_t t, double v) {
    if (!t_.empty() && t_.back() == t) {
        v_.back() = v;  // the last value at an instant wins
        if (v_.size() >= 2 && (v_[v_.size() - 2] == v || (std::isnan(v) && std::isnan(v_[v_.size() - 2])))) {
            t_.pop_back();
            v_.pop_back();
        }
    } else {
        if (!v_.empty() && (v_.back() == v || (std::isnan(v) && std::isnan(v_.back())))) return;
        t_.push_back(t);
        v_.push_back(v);
    }
    if (!std::isnan(v)) max_ = std::max(max_, v);
}

int64_t StepSeries::index_at(int64_t time) const {
    return static_cast<int64_t>(std::upper_bound(t_.begin(), t_.end(), time) - t_.begin()) - 1;
}

double StepSeries::at(int64_t time, double before) const {
    const int64_t i = index_at(time);
    return i < 0 ? before : v_[static_cast<size_t>(i)];
}

std::vector<RealServerSeries> build_realserver_series(const TraceModel& m,
                                                      const std::vector<RealServerHint>& hints) {
    const auto& K = m.keys();
    const auto& kinds = m.kinds();
    std::vector<RealServerSeries> out;
    std::map<std::string, size_t> by_name;  // "rs1" -> series
    const auto series_of = [&](const std::string& name) -> size_t {
        const auto it = by_name.find(name);
        if (it != by_name.end()) return it->second;
        out.push_back(RealServerSeries{});
        out.back().name = name;
        return by_name[name] = out.size() - 1;
    };
    // The scenario's order first (the hints, or the `director.realserver` records of a trace).
    for (const RealServerHint& h : hints) series_of(h.name);
    for (uint32_t ri : m.of_kind(kinds.realserver)) series_of(std::string(m.get_text(m.at(ri), K.name)));

    // Weight, ActiveConn and InActConn from the director's `director.dest` records: one per
    // -Ln row that changed, written with the listing, so the steps are exactly what ipvsadm
    // would have printed. A realserver in two services shows the sum of its rows' counters
    // and its first row's weight; with no row left it is deleted (a gap).
    struct Row {
        size_t series;
        double weight, active, inactive;
        bool listed;
    };
    std::map<std::pair<StrId, StrId>, Row> rows;  // (service, address)
    const std::vector<uint32_t>& dest_records = m.of_kind(kinds.director_dest);
    for (size_t i = 0; i < dest_records.size();) {
        const int64_t t = m.at(dest_records[i]).t;
        for (; i < dest_records.size() && m.at(dest_records[i]).t == t; ++i) {
            const Record& r = m.at(dest_records[i]);
            const size_t idx = series_of(std::string(m.get_text(r, K.name)));
            out[idx].address = std::string(m.get_text(r, K.address));
            rows[{m.get_text_id(r, K.service), m.get_text_id(r, K.address)}] =
                Row{idx, m.get_real(r, K.weight), m.get_real(r, K.active), m.get_real(r, K.inactive),
                    m.get_int(r, K.listed) != 0};
        }
        std::vector<bool> listed(out.size(), false), seen(out.size(), false);
        std::vector<double> weight(out.size(), 0), active(out.size(), 0), inactive(out.size(), 0);
        for (const auto& [key, row] : rows) {
            seen[row.series] = true;
            if (!row.listed) continue;
            if (!listed[row.series]) weight[row.series] = row.weight;
            listed[row.series] = true;
            active[row.series] += row.active;
            inactive[row.series] += row.inactive;
        }
        for (size_t k = 0; k < out.size(); ++k) {
            if (!seen[k]) continue;
            const double gap = std::nan("");
            out[k].weight.push(t, listed[k] ? weight[k] : gap);
            out[k].active.push(t, listed[k] ? active[k] : gap);
            out[k].inactive.push(t, listed[k] ? inactive[k] : gap);
        }
    }
    for (RealServerSeries& rs : out)
        if (rs.address.empty())
            for (const RealServerHint& h : hints)
                if (h.name == rs.name) rs.address = h.ip;

    // The server's TIME_WAIT sockets.
    const StrId time_wait = m.find_str("TIME_WAIT");
    for (RealServerSeries& rs : out) {
        const StrId host = m.find_str(rs.name);
        double n = 0;
        rs.time_wait.push(m.begin_time(), 0);
        if (host == kNoStr) continue;
        for (uint32_t ri : m.of_entity(host)) {
            const Record& r = m.at(ri);
            if (r.kind != kinds.tcp_state) continue;
            if (m.get_text_id(r, K.to) == time_wait) n += 1;
            if (m.get_text_id(r, K.from) == time_wait) n -= 1;
            rs.time_wait.push(r.t, n);
        }
    }

    // Worker occupancy, step by step: the web server ("rs1:http") records every change.
    std::map<StrId, size_t> server_of;  // web server entity -> series (out.size(): none)
    for (uint32_t ri : m.of_kind(kinds.server_workers)) {
        const Record& r = m.at(ri);
        auto it = server_of.find(r.entity);
        if (it == server_of.end()) {
            const std::string_view entity = m.str(r.entity);
            const auto host = by_name.find(std::string(entity.substr(0, entity.rfind(':'))));
            it = server_of.emplace(r.entity, host == by_name.end() ? out.size() : host->second).first;
        }
        if (it->second == out.size()) continue;
        RealServerSeries& rs = out[it->second];
        rs.has_workers = true;
        rs.workers_busy.push(r.t, m.get_real(r, K.busy));
        rs.workers_idle.push(r.t, m.get_real(r, K.idle_keepalive));
    }
    return out;
}

std::vector<QueueSeries> build_queue_series(const TraceModel& m) {
    const auto& K = m.keys();
    std::vector<QueueSeries> out;
    std::map<std::pair<StrId, StrId>, size_t> index;  // (link, dir) -> series
    for (uint32_t ri : m.of_kind(m.kinds().net_queue)) {
        const Record& r = m.at(ri);
        const auto key = std::pair{m.get_text_id(r, K.link), m.get_text_id(r, K.dir)};
        auto it = index.find(key);
        if (it == index.end()) {
            out.push_back(QueueSeries{std::string(m.str(key.first)),
                                      std::string(m.str(key.second)),
                                      std::string(m.get_text(r, K.to)),
                                      {}});
            it = index.emplace(key, out.size() - 1).first;
        }
        QueueSeries& q = out[it->second];
        q.packets.push(r.t, m.get_real(r, K.packets));
    }
    out.erase(
        std::remove_if(out.begin(), out.end(), [](const QueueSeries& q) { return q.packets.max() == 0; }),
        out.end());
    return out;
}

std::vector<LookupSeries> build_lookup_series(const TraceModel& m) {
    std::vector<LookupSeries> out;
    std::map<StrId, size_t> group_of;  // host entity -> series
    std::map<std::string, size_t> by_group;
    const StrId outcome = m.find_str("outcome");
    for (uint32_t ri : m.of_kind(trace::kind::dns_lookup)) {
        const Record& r = m.at(ri);
        auto it = group_of.find(r.entity);
        if (it == group_of.end()) {
            // Hosts of a group of several are "NAME.1", "NAME.2", ...: the group is the name.
            const std::string_view host = m.str(r.entity);
            const size_t dot = host.rfind('.');
            const bool numbered = dot != std::string_view::npos && dot + 1 < host.size() &&
                                  host.find_first_not_of("0123456789", dot + 1) == std::string_view::npos;
            const std::string group(numbered ? host.substr(0, dot) : host);
            auto [g, fresh] = by_group.emplace(group, out.size());
            if (fresh) out.push_back(LookupSeries{group, {}, {}});
            it = group_of.emplace(r.entity, g->second).first;
        }
        LookupSeries& s = out[it->second];
        const bool answered = m.get_text(r, outcome) == "answered";
        StepSeries& series = answered ? s.answered : s.failed;
        series.push(r.t, (series.empty() ? 0.0 : series.values().back()) + 1.0);
    }
    return out;
}

}  // namespace lvs::viz
