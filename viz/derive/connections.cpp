#include "viz/derive/connections.hpp"

#include <algorithm>
#include <unordered_map>

namespace lvs::viz {

std::array<int32_t, kStateCount> StateCounts::at(int64_t time) const {
    const auto it = std::upper_bound(t.begin(), t.end(), time);
    if (it == t.begin()) return {};
    return counts[static_cast<size_t>(it - t.begin() - 1)];
}

ConnState ConnectionSet::state_at(const Endpoint& e, int64_t t) const {
    if (t < e.t0 || t >= e.t1) return ConnState::Closed;
    const StateSpan* b = spans_begin(e);
    const StateSpan* end = spans_end(e);
    const StateSpan* it = std::upper_bound(b, end, t, [](int64_t v, const StateSpan& s) { return v < s.t0; });
    if (it == b) return ConnState::Closed;
    --it;
    return t < it->t1 ? it->state : ConnState::Closed;
}

void ConnectionSet::alive_at(int64_t t, std::vector<uint32_t>& out) const {
    out.clear();
    const auto ub = std::upper_bound(conns_.begin(), conns_.end(), t,
                                     [](int64_t v, const Connection& c) { return v < c.t0; });
    for (auto it = conns_.begin(); it != ub; ++it)
        if (it->t1 > t) out.push_back(static_cast<uint32_t>(it - conns_.begin()));
}

int32_t ConnectionSet::client_endpoint(StrId host, int64_t conn) const {
    const uint64_t key = (static_cast<uint64_t>(host) << 32) | static_cast<uint32_t>(conn);
    const auto it =
        std::lower_bound(client_index_.begin(), client_index_.end(), std::make_pair(key, INT32_MIN));
    return it != client_index_.end() && it->first == key ? it->second : -1;
}

void ConnectionSet::build(const TraceModel& m) {
    endpoints_.clear();
    spans_.clear();
    build_endpoints(m);
    pair_endpoints();
    client_index_.clear();
    for (int32_t i = 0; i < static_cast<int32_t>(endpoints_.size()); ++i) {
        const Endpoint& e = endpoints_[static_cast<size_t>(i)];
        if (e.side == Side::Client)
            client_index_.emplace_back((static_cast<uint64_t>(e.host) << 32) | static_cast<uint32_t>(e.id),
                                       i);
    }
    std::sort(client_index_.begin(), client_index_.end());
    // Every endpoint by its key (TCP: host and conn id; IPVS: the tagged entry id), and the
    // connection it is part of, for selecting a connection from any record.
    endpoint_index_.clear();
    for (int32_t i = 0; i < static_cast<int32_t>(endpoints_.size()); ++i)
        if (!endpoints_[static_cast<size_t>(i)].merged)
            endpoint_index_.emplace_back(endpoint_key(endpoints_[static_cast<size_t>(i)]), i);
    std::sort(endpoint_index_.begin(), endpoint_index_.end());
    conn_of_endpoint_.assign(endpoints_.size(), -1);
    for (int32_t c = 0; c < static_cast<int32_t>(conns_.size()); ++c) {
        const Connection& x = conns_[static_cast<size_t>(c)];
        for (int32_t e : x.side)
            if (e >= 0) conn_of_endpoint_[static_cast<size_t>(e)] = c;
        for (int32_t e = x.entries; e >= 0; e = endpoints_[static_cast<size_t>(e)].also)
            conn_of_endpoint_[static_cast<size_t>(e)] = c;
    }
    count_states(m.end_time());
}

uint64_t ConnectionSet::endpoint_key(const Endpoint& e) {
    if (e.side == Side::Director) return entry_key(e.director, e.id);
    return (static_cast<uint64_t>(e.host) << 32) | static_cast<uint32_t>(e.id);
}

int32_t ConnectionSet::connection_of(const TraceModel& m, const Record& r) const {
    const Field* f = m.field(r, m.keys().conn);
    if (f == nullptr || f->type != FieldType::Int || f->i <= 0) return -1;
    const std::string_view kind = m.str(r.kind);
    uint64_t key;
    if (kind.substr(0, 5) == "ipvs.") {
        key = entry_key(r.entity, f->i);
    } else {
        // tcp.* records come from the host; http.* from "host:browser" or "host:http".
        const std::string_view entity = m.str(r.entity);
        const StrId host = m.find_str(entity.substr(0, entity.find(':')));
        if (host == kNoStr) return -1;
        key = (static_cast<uint64_t>(host) << 32) | static_cast<uint32_t>(f->i);
    }
    // TCP conn ids count up per host and IPVS entry ids per director: a key names one endpoint.
    const auto it =
        std::lower_bound(endpoint_index_.begin(), endpoint_index_.end(), std::make_pair(key, INT32_MIN));
    if (it == endpoint_index_.end() || it->first != key) return -1;
    return connection_of_endpoint(it->second);
}

int32_t ConnectionSet::entry_at(const Connection& c, int64_t t) const {
    // The latest to open: an entry the flow left behind stays open until its timer ends.
    int32_t best = -1;
    for (int32_t e = c.entries; e >= 0; e = endpoints_[static_cast<size_t>(e)].also)
        if (endpoints_[static_cast<size_t>(e)].t0 <= t && t < endpoints_[static_cast<size_t>(e)].t1) best = e;
    return best;
}

int32_t ConnectionSet::connection_at(StrId client_addr, int64_t t) const {
    int32_t best = -1;
    for (int32_t c = 0; c < static_cast<int32_t>(conns_.size()); ++c) {
        const Connection& x = conns_[static_cast<size_t>(c)];
        if (x.client_addr == client_addr && x.t0 <= t && t < x.t1) best = c;
    }
    return best;
}

// Every endpoint's state spans: TCP sockets from tcp.state, IPVS entries from ipvs.state
// until their ipvs.conn.expire.
void ConnectionSet::build_endpoints(const TraceModel& m) {
    const auto& K = m.keys();
    const auto& kinds = m.kinds();
    const int64_t run_end = m.end_time();
    const StrId listen = m.find_str("LISTEN");
    const StrId star = m.find_str("*");
    const StrId closed = m.find_str("CLOSED");

    std::vector<std::vector<StateSpan>> spans;
    std::unordered_map<uint64_t, int32_t> open;
    // One transition of the endpoint `key` (created from `proto` on its first record); `ends`
    // closes it whatever the state (an IPVS entry's expiry).
    const auto transition = [&](Endpoint proto, uint64_t key, int64_t t, std::string_view to, bool ends) {
        auto it = open.find(key);
        int32_t idx;
        if (it == open.end()) {
            idx = static_cast<int32_t>(endpoints_.size());
            proto.t0 = t;
            endpoints_.push_back(proto);
            spans.emplace_back();
            open.emplace(key, idx);
        } else {
            idx = it->second;
        }
        auto& sp = spans[static_cast<size_t>(idx)];
        if (!sp.empty() && sp.back().t1 < 0) sp.back().t1 = t;
        const ConnState next = state_from_name(to);
        if (ends || next == ConnState::Closed) {
            endpoints_[static_cast<size_t>(idx)].t1 = t;
            open.erase(key);
            return;
        }
        // Several transitions at one instant (CLOSE_WAIT -> LAST_ACK): keep only the last.
        if (!sp.empty() && sp.back().t0 == t) sp.pop_back();
        sp.push_back({t, -1, next});
    };

    // TCP endpoints on every host.
    for (uint32_t ri : m.of_kind(kinds.tcp_state)) {
        const Record& r = m.at(ri);
        const StrId remote = m.get_text_id(r, K.remote);
        const StrId to = m.get_text_id(r, K.to);
        const StrId from = m.get_text_id(r, K.from);
        if (remote == star || (to == listen && from == closed)) continue;  // listening sockets
        const int64_t id = m.get_int(r, K.conn);
        const uint64_t key = (static_cast<uint64_t>(r.entity) << 32) | static_cast<uint32_t>(id);
        Endpoint e;
        e.side = from == listen ? Side::Server : Side::Client;
        e.host = r.entity;
        e.id = id;
        e.local = m.get_text_id(r, K.local);
        e.remote = remote;
        transition(e, key, r.t, m.str(to), false);
    }
    // IPVS entries (keys tagged so they cannot collide with TCP keys).
    for (uint32_t ri : m.of_kind(kinds.ipvs_state)) {
        const Record& r = m.at(ri);
        const int64_t id = m.get_int(r, K.conn);
        Endpoint e;
        e.side = Side::Director;
        e.host = m.get_text_id(r, K.dest);
        e.id = id;
        e.local = m.get_text_id(r, K.client);
        e.director = r.entity;
        transition(e, entry_key(r.entity, id), r.t, m.get_text(r, K.to), false);
    }
    for (uint32_t ri : m.of_kind(kinds.ipvs_conn_expire)) {
        const Record& r = m.at(ri);
        const uint64_t key = entry_key(r.entity, m.get_int(r, K.conn));
        if (open.count(key) != 0) transition(Endpoint{}, key, r.t, {}, true);
    }
    // Whatever is still open at the end of the run stays open to the end.
    for (const auto& [key, idx] : open) {
        Endpoint& e = endpoints_[static_cast<size_t>(idx)];
        e.t1 = run_end;
        e.open_at_end = true;
        auto& sp = spans[static_cast<size_t>(idx)];
        if (!sp.empty() && sp.back().t1 < 0) sp.back().t1 = run_end;
    }
    for (size_t i = 0; i < endpoints_.size(); ++i) {
        endpoints_[i].first_span = static_cast<uint32_t>(spans_.size());
        for (StateSpan s : spans[i]) {
            if (s.t1 < 0) s.t1 = endpoints_[i].t1;
            spans_.push_back(s);
        }
        endpoints_[i].span_count = static_cast<uint32_t>(spans_.size() - endpoints_[i].first_span);
    }
}

// One connection per client endpoint, with the IPVS entry and the server socket that carry
// the same client address:port (the latest client endpoint opened at or before each).
void ConnectionSet::pair_endpoints() {
    std::unordered_map<StrId, std::vector<int32_t>> clients_by_addr;
    for (int32_t i = 0; i < static_cast<int32_t>(endpoints_.size()); ++i)
        if (endpoints_[static_cast<size_t>(i)].side == Side::Client)
            clients_by_addr[endpoints_[static_cast<size_t>(i)].local].push_back(i);  // already by t0
    std::vector<int32_t> conn_of(endpoints_.size(), -1);
    conns_.clear();
    for (int32_t i = 0; i < static_cast<int32_t>(endpoints_.size()); ++i) {
        const Endpoint& e = endpoints_[static_cast<size_t>(i)];
        if (e.side != Side::Client) continue;
        conn_of[static_cast<size_t>(i)] = static_cast<int32_t>(conns_.size());
        Connection c;
        c.side[0] = i;
        c.client_host = e.host;
        c.client_addr = e.local;
        conns_.push_back(c);
    }
    for (int32_t i = 0; i < static_cast<int32_t>(endpoints_.size()); ++i) {
        const Endpoint& e = endpoints_[static_cast<size_t>(i)];
        if (e.side == Side::Client) continue;
        const StrId client_addr = e.side == Side::Server ? e.remote : e.local;
        int32_t conn = -1;
        const auto it = clients_by_addr.find(client_addr);
        if (it != clients_by_addr.end()) {
            const auto& v = it->second;
            const auto ub = std::upper_bound(v.begin(), v.end(), e.t0, [this](int64_t t, int32_t ci) {
                return t < endpoints_[static_cast<size_t>(ci)].t0;
            });
            if (ub != v.begin()) conn = conn_of[static_cast<size_t>(*(ub - 1))];
        }
        const int side = static_cast<int>(e.side);
        // The same connection's entry on another director (the flow moved to it) joins the
        // first one's chain rather than making a connection of its own.
        int32_t taken = conn < 0 ? -1 : conns_[static_cast<size_t>(conn)].side[static_cast<size_t>(side)];
        if (taken >= 0 && e.side == Side::Director &&
            endpoints_[static_cast<size_t>(taken)].director != e.director) {
            while (endpoints_[static_cast<size_t>(taken)].also >= 0)
                taken = endpoints_[static_cast<size_t>(taken)].also;
            endpoints_[static_cast<size_t>(taken)].also = i;
            continue;
        }
        if (conn < 0 || taken >= 0) {
            conn = static_cast<int32_t>(conns_.size());
            Connection c;
            c.client_addr = client_addr;
            conns_.push_back(c);
        }
        conns_[static_cast<size_t>(conn)].side[static_cast<size_t>(side)] = i;
        if (e.side == Side::Director) conns_[static_cast<size_t>(conn)].entries = i;
    }
    for (Connection& c : conns_) merge_entries(c);
    servers_.clear();
    for (Connection& c : conns_) {
        c.t0 = INT64_MAX;
        c.t1 = INT64_MIN;
        for (int32_t ei : c.side) {
            if (ei < 0) continue;
            c.t0 = std::min(c.t0, endpoints_[static_cast<size_t>(ei)].t0);
            c.t1 = std::max(c.t1, endpoints_[static_cast<size_t>(ei)].t1);
        }
        if (c.side[2] >= 0) c.server = endpoints_[static_cast<size_t>(c.side[2])].host;
        else if (c.side[1] >= 0) c.server = endpoints_[static_cast<size_t>(c.side[1])].host;
    }
    std::stable_sort(conns_.begin(), conns_.end(),
                     [](const Connection& a, const Connection& b) { return a.t0 < b.t0; });
    for (const Connection& c : conns_)
        if (c.server != kNoStr && std::find(servers_.begin(), servers_.end(), c.server) == servers_.end())
            servers_.push_back(c.server);
}

void ConnectionSet::merge_entries(Connection& c) {
    if (c.entries < 0 || endpoints_[static_cast<size_t>(c.entries)].also < 0) return;
    std::vector<int32_t> members;
    std::vector<int64_t> cuts;
    Endpoint merged = endpoints_[static_cast<size_t>(c.entries)];
    for (int32_t e = c.entries; e >= 0; e = endpoints_[static_cast<size_t>(e)].also) {
        Endpoint& x = endpoints_[static_cast<size_t>(e)];
        x.folded = true;
        members.push_back(e);
        merged.t0 = std::min(merged.t0, x.t0), merged.t1 = std::max(merged.t1, x.t1);
        merged.open_at_end = merged.open_at_end || x.open_at_end;
        for (const StateSpan* sp = spans_begin(x); sp != spans_end(x); ++sp)
            cuts.push_back(sp->t0), cuts.push_back(sp->t1);
    }
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    merged.also = -1, merged.folded = false, merged.merged = true;
    merged.first_span = static_cast<uint32_t>(spans_.size());
    merged.span_count = 0;
    // Between two consecutive changes of any member: the state of the span that began last.
    for (size_t i = 0; i + 1 < cuts.size(); ++i) {
        const int64_t a = cuts[i], b = cuts[i + 1];
        StateSpan best{INT64_MIN, 0, ConnState::Closed};
        for (int32_t e : members) {
            const Endpoint& x = endpoints_[static_cast<size_t>(e)];
            for (const StateSpan* sp = spans_begin(x); sp != spans_end(x); ++sp)
                if (sp->t0 <= a && a < sp->t1 && sp->t0 >= best.t0) best = *sp;
        }
        if (best.t0 == INT64_MIN) continue;  // no entry open here
        if (merged.span_count > 0 && spans_.back().state == best.state && spans_.back().t1 == a) {
            spans_.back().t1 = b;
            continue;
        }
        spans_.push_back({a, b, best.state});
        ++merged.span_count;
    }
    c.side[1] = static_cast<int32_t>(endpoints_.size());
    endpoints_.push_back(merged);
}

// State counts per side: +1 when a span starts, -1 when it ends.
void ConnectionSet::count_states(int64_t run_end) {
    for (int s = 0; s < kSideCount; ++s) {
        struct Change {
            int64_t t;
            int8_t delta;
            ConnState state;
        };
        std::vector<Change> ch;
        for (const Endpoint& e : endpoints_) {
            if (static_cast<int>(e.side) != s || e.folded) continue;
            for (const StateSpan* sp = spans_begin(e); sp != spans_end(e); ++sp) {
                ch.push_back({sp->t0, +1, sp->state});
                if (!(e.open_at_end && sp->t1 >= run_end)) ch.push_back({sp->t1, -1, sp->state});
            }
        }
        std::stable_sort(ch.begin(), ch.end(), [](const Change& a, const Change& b) { return a.t < b.t; });
        StateCounts& sc = counts_[static_cast<size_t>(s)];
        sc = StateCounts{};
        std::array<int32_t, kStateCount> cur{};
        for (size_t k = 0; k < ch.size(); ++k) {
            cur[static_cast<size_t>(ch[k].state)] += ch[k].delta;
            if (k + 1 < ch.size() && ch[k + 1].t == ch[k].t) continue;
            sc.t.push_back(ch[k].t);
            sc.counts.push_back(cur);
            int32_t total = 0;
            for (int32_t v : cur) total += v;
            sc.max_total = std::max(sc.max_total, total);
        }
    }
}

}  // namespace lvs::viz
