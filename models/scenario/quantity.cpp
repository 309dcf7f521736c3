// Resolving a quantity's name against a scenario: which table row it matches and what its
// placeholders bind to, or why it matches none (with a "did you mean"). The table itself is in
// quantity_table.cpp, the listings in quantity_listing.cpp.
#include "models/scenario/quantity.hpp"

#include <algorithm>

#include "models/scenario/loader.hpp"
#include "models/scenario/quantity_parts.hpp"

namespace lvs::scenario {

namespace quantity_detail {

std::vector<std::string_view> split(std::string_view s) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    for (;;) {
        const size_t dot = s.find('.', start);
        parts.push_back(
            s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (dot == std::string_view::npos) return parts;
        start = dot + 1;
    }
}

bool is_placeholder(std::string_view p) {
    return p == "RS" || p == "GROUP" || p == "STATE" || p == "CHECK" || p == "N" || p == "LVS";
}

std::optional<size_t> index_of(const std::vector<std::string>& names, std::string_view name) {
    for (size_t i = 0; i < names.size(); ++i)
        if (names[i] == name) return i;
    return std::nullopt;
}

std::vector<std::string> rs_names(const Scenario& s) {
    std::vector<std::string> v;
    for (const auto& r : s.realservers) v.push_back(r.name);
    return v;
}
std::vector<std::string> group_names(const Scenario& s) {
    std::vector<std::string> v;
    for (const auto& c : s.clients) v.push_back(c.name);
    return v;
}
std::vector<std::string> director_names(const Scenario& s, std::string_view pattern) {
    std::vector<std::string> v;
    if (s.ha && pattern.substr(0, 3) == "ha.")
        for (const auto& d : s.ha->directors) v.push_back(d.name);
    if (s.fleet && pattern.substr(0, 6) == "fleet.")
        for (const auto& d : s.fleet->directors) v.push_back(d.name);
    return v;
}
std::vector<std::string> check_names(const Scenario& s) {
    std::vector<std::string> v;
    for (const auto& h : s.health_checks) v.push_back(h.name);
    return v;
}
std::vector<std::string> state_names() {
    std::vector<std::string> v;
    for (size_t i = 0; i < ipvs::kStateCount; ++i)
        v.emplace_back(ipvs::to_string(static_cast<ipvs::ConnState>(i)));
    return v;
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
    return out;
}

}  // namespace quantity_detail

namespace {

using namespace quantity_detail;

// Whether the rules put realserver `rs` into the service health check `hc` watches.
bool checked_by(const Scenario& s, size_t hc, size_t rs) {
    for (const Rule& r : s.rules)
        if (r.command.cmd == ipvs::IpvsadmCmd::AddDest && r.command.service.key.fwmark == 0 &&
            r.command.service.key.vip == s.health_checks[hc].service &&
            r.command.dest.addr.addr == s.realservers[rs].address)
            return true;
    return false;
}

enum class Miss : uint8_t { None, Literal, Subject, State, NotChecked };

// Matches `parts` against one pattern; on a match fills `q`.
Miss match(const Scenario& s, std::string_view pattern, const std::vector<std::string_view>& parts,
           QuantityRef* q) {
    const std::vector<std::string_view> pat = split(pattern);
    if (pat.size() != parts.size()) return Miss::Literal;
    Miss miss = Miss::None;
    // Literals first: a name that differs in a literal part is no candidate at all.
    for (size_t i = 0; i < pat.size(); ++i)
        if (!is_placeholder(pat[i]) && pat[i] != parts[i]) return Miss::Literal;
    for (size_t i = 0; i < pat.size(); ++i) {
        const std::string_view p = pat[i];
        if (p == "RS") {
            const auto k = index_of(rs_names(s), parts[i]);
            if (!k) return Miss::Subject;
            if (pattern.substr(0, 7) == "health.") q->realserver = *k;
            else q->subject = *k;
        } else if (p == "GROUP") {
            if (parts[i] == "clients") {
                q->all_groups = true;
            } else {
                const auto k = index_of(group_names(s), parts[i]);
                if (!k) return Miss::Subject;
                q->subject = *k;
            }
        } else if (p == "LVS") {
            const auto k = index_of(director_names(s, pattern), parts[i]);
            if (!k) return Miss::Subject;
            q->subject = *k;
        } else if (p == "CHECK") {
            const auto k = index_of(check_names(s), parts[i]);
            if (!k) return Miss::Subject;
            q->subject = *k;
        } else if (p == "N") {
            // A call of the subject's script (a scripted client group or realserver).
            const bool rs = pattern.substr(0, 2) == "RS";
            const size_t steps = rs ? s.realservers[q->subject].script.size()
                                    : (q->all_groups ? 0 : s.clients[q->subject].script.size());
            size_t k = 0;
            const std::string_view t = parts[i];
            if (t.empty() || t.size() > 4 || t.find_first_not_of("0123456789") != std::string_view::npos)
                return Miss::Subject;
            for (char ch : t) k = k * 10 + static_cast<size_t>(ch - '0');
            if (k == 0 || k > steps) return Miss::Subject;
            q->call = static_cast<uint32_t>(k - 1);
        } else if (p == "STATE") {
            const auto st = ipvs::state_from_string(parts[i]);
            if (!st) miss = Miss::State;
            else q->state = *st;
        }
    }
    if (miss == Miss::None && pattern.substr(0, 7) == "health." && pat.size() == 4 &&
        !checked_by(s, q->subject, q->realserver))
        return Miss::NotChecked;
    return miss;
}

}  // namespace

std::optional<QuantityRef> resolve_quantity(std::string_view name, const Scenario& s, QuantityError* error) {
    const std::vector<std::string_view> parts = split(name);
    std::string state_word, unchecked;
    for (size_t i = 0; i < quantity_table().size(); ++i) {
        QuantityRef q;
        q.def = static_cast<uint16_t>(i);
        const Miss m = match(s, quantity_table()[i].pattern, parts, &q);
        if (m == Miss::None) return q;
        if (m == Miss::State) state_word = std::string(parts[split(quantity_table()[i].pattern).size() - 1]);
        if (m == Miss::NotChecked) unchecked = std::string(quantity_table()[i].pattern);
    }
    if (error == nullptr) return std::nullopt;
    const std::string what(name);
    if (!state_word.empty()) {
        *error = {"unknown IPVS state '" + state_word + "' in '" + what + "'",
                  "states as ipvsadm -Lnc prints them: " + join(state_names())};
        return std::nullopt;
    }
    if (!unchecked.empty()) {
        *error = {"'" + what + "': that health check does not watch this realserver",
                  "a health check watches the realservers the rules put in its service"};
        return std::nullopt;
    }
    std::vector<std::string> heads = rs_names(s);
    for (const auto& g : group_names(s)) heads.push_back(g);
    for (const char* h :
         {"clients", "servers", "director", "drain", "health", "kernel", "time", "ha", "fleet"})
        heads.emplace_back(h);
    const std::string head(parts[0]);
    if (!index_of(heads, head)) {
        const std::string near_head = did_you_mean(head, heads);
        *error = {"unknown name '" + head + "' in '" + what + "'",
                  (near_head.empty() ? std::string() : "did you mean '" + near_head + "'? ") +
                      "a quantity starts with a realserver, a client group, clients, servers, director, "
                      "drain, health, kernel, time, ha or fleet"};
        return std::nullopt;
    }
    const std::string near = did_you_mean(what, quantity_names(s));
    if (!near.empty()) {
        *error = {"unknown quantity '" + what + "'",
                  "did you mean '" + near + "'? (lvsim run FILE --list-quantities lists them all)"};
        return std::nullopt;
    }
    *error = {"unknown quantity '" + what + "'",
              "lvsim run FILE --list-quantities lists every quantity of this scenario"};
    return std::nullopt;
}

}  // namespace lvs::scenario
