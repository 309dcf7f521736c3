#include "viz/derive/series.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <sstream>

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

namespace {

std::vector<std::string_view> words(std::string_view line) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && line[i] == ' ') ++i;
        size_t j = i;
        while (j < line.size() && line[j] != ' ') ++j;
        if (j > i) out.push_back(line.substr(i, j - i));
        i = j;
    }
    return out;
}

int64_t to_int(std::string_view s) {
    int64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}

std::string ip_of(std::string_view addr_port) {
    const size_t colon = addr_port.rfind(':');
    return std::string(colon == std::string_view::npos ? addr_port : addr_port.substr(0, colon));
}

}  // namespace

std::vector<ListedService> parse_ipvsadm_ln(std::string_view text) {
    std::vector<ListedService> out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        const std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        const auto w = words(line);
        if (w.empty()) continue;
        if ((w[0] == "TCP" || w[0] == "UDP" || w[0] == "FWM") && w.size() >= 2) {
            ListedService s;
            s.line = std::string(line);
            s.address = std::string(w[1]);
            out.push_back(std::move(s));
        } else if (w[0] == "->" && w.size() >= 6 && w[1] != "RemoteAddress:Port" && !out.empty()) {
            ListedDest d;
            d.address = std::string(w[1]);
            d.forward = std::string(w[2]);
            d.weight = to_int(w[3]);
            d.active = to_int(w[4]);
            d.inactive = to_int(w[5]);
            out.back().dests.push_back(std::move(d));
        }
    }
    return out;
}

std::vector<RealServerSeries> build_realserver_series(const TraceModel& m,
                                                      const std::vector<RealServerHint>& hints) {
    const auto& K = m.keys();
    const auto& kinds = m.kinds();
    std::vector<RealServerSeries> out;
    std::map<std::string, size_t> by_ip;    // "192.168.10.11" -> series
    std::map<std::string, size_t> by_name;  // "rs1" -> series
    const auto add = [&](const std::string& name, const std::string& ip) -> size_t {
        out.push_back(RealServerSeries{});
        out.back().name = name;
        if (!ip.empty()) by_ip[ip] = out.size() - 1;
        if (!name.empty()) by_name[name] = out.size() - 1;
        return out.size() - 1;
    };
    for (const RealServerHint& h : hints) add(h.name, h.ip);

    // Every listing, parsed once.
    struct Listing {
        int64_t t;
        std::vector<ListedService> services;
    };
    std::vector<Listing> listings;
    for (uint32_t ri : m.of_kind(kinds.listing))
        listings.push_back({m.at(ri).t, parse_ipvsadm_ln(m.get_text(m.at(ri), K.ipvsadm_ln))});
    std::set<std::string> vips;
    for (const Listing& l : listings)
        for (const ListedService& s : l.services) vips.insert(ip_of(s.address));

    // The names the runtime recorded with their addresses (`director.realserver`).
    for (uint32_t ri : m.of_kind(kinds.realserver)) {
        const Record& r = m.at(ri);
        const std::string name(m.get_text(r, K.name));
        const std::string ip = ip_of(m.get_text(r, K.address));
        if (!name.empty() && !ip.empty() && by_name.count(name) == 0 && by_ip.count(ip) == 0) add(name, ip);
    }

    // Traces written before that record: realserver hosts are those with a listening socket.
    // In NAT their address is the local address of their connections; with direct routing that
    // is the VIP, and the address is found by matching the counters an ipvs.state record gives
    // for the realserver's name against the listing written at the same instant.
    const StrId listen = m.find_str("LISTEN");
    std::vector<StrId> rs_hosts;
    for (uint32_t ri : m.of_kind(kinds.tcp_state)) {
        const Record& r = m.at(ri);
        if (m.get_text_id(r, K.to) == listen &&
            std::find(rs_hosts.begin(), rs_hosts.end(), r.entity) == rs_hosts.end())
            rs_hosts.push_back(r.entity);
    }
    std::sort(rs_hosts.begin(), rs_hosts.end(), [&](StrId a, StrId b) { return m.str(a) < m.str(b); });
    std::vector<std::string> unplaced;
    for (StrId h : rs_hosts) {
        const std::string name(m.str(h));
        if (by_name.count(name) != 0) continue;
        std::string ip;
        for (uint32_t ri : m.of_entity(h)) {
            const Record& r = m.at(ri);
            if (r.kind != kinds.tcp_state) continue;
            const std::string local = ip_of(m.get_text(r, K.local));
            if (!local.empty() && local != "0.0.0.0" && vips.count(local) == 0) {
                ip = local;
                break;
            }
        }
        if (ip.empty()) unplaced.push_back(name);
        else if (by_ip.count(ip) != 0) out[by_ip[ip]].name = name, by_name[name] = by_ip[ip];
        else add(name, ip);
    }
    if (!unplaced.empty()) {
        std::map<std::string, std::map<std::string, int>> votes;
        for (uint32_t ri : m.of_kind(kinds.ipvs_state)) {
            const Record& r = m.at(ri);
            const std::string dest(m.get_text(r, K.dest));
            if (std::find(unplaced.begin(), unplaced.end(), dest) == unplaced.end()) continue;
            const auto it = std::lower_bound(listings.begin(), listings.end(), r.t,
                                             [](const Listing& l, int64_t t) { return l.t < t; });
            if (it == listings.end() || it->t != r.t) continue;
            const int64_t a = m.get_int(r, K.active), i = m.get_int(r, K.inactive);
            std::string match;
            int matches = 0;
            for (const ListedService& s : it->services)
                for (const ListedDest& d : s.dests)
                    if (d.active == a && d.inactive == i) match = ip_of(d.address), ++matches;
            if (matches == 1) ++votes[dest][match];
        }
        for (const std::string& name : unplaced) {
            std::string best;
            int best_votes = 0;
            for (const auto& [ip, n] : votes[name])
                if (n > best_votes && by_ip.count(ip) == 0) best = ip, best_votes = n;
            add(name, best);
        }
    }

    // Weight, ActiveConn and InActConn as listed: a -Ln record is written whenever the listing
    // changes, so this is the exact step function the director would have printed.
    for (const Listing& l : listings) {
        std::set<size_t> seen;
        for (const ListedService& s : l.services) {
            for (const ListedDest& d : s.dests) {
                const std::string ip = ip_of(d.address);
                size_t idx;
                if (by_ip.count(ip) != 0) idx = by_ip[ip];
                else idx = add(d.address, ip);  // unknown name: label it by its address
                RealServerSeries& rs = out[idx];
                rs.address = d.address;
                if (seen.insert(idx).second) {
                    rs.weight.push(l.t, static_cast<double>(d.weight));
                    rs.active.push(l.t, static_cast<double>(d.active));
                    rs.inactive.push(l.t, static_cast<double>(d.inactive));
                } else {  // the same realserver in a second service: counters add up
                    rs.active.push(l.t, rs.active.values().back() + static_cast<double>(d.active));
                    rs.inactive.push(l.t, rs.inactive.values().back() + static_cast<double>(d.inactive));
                }
            }
        }
        for (size_t i = 0; i < out.size(); ++i) {
            if (seen.count(i) != 0 || out[i].weight.empty()) continue;
            const double gap = std::nan("");  // deleted from the service
            out[i].weight.push(l.t, gap);
            out[i].active.push(l.t, gap);
            out[i].inactive.push(l.t, gap);
        }
    }

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

}  // namespace lvs::viz
