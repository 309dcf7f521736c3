// The scenario loader's class: one Loader reads one YAML document into a Scenario, section
// by section. Declared here (not in an anonymous namespace) so that each YAML section's
// reader can live in a file of its own (loader_<section>.cpp); only the loader files include it.
#pragma once

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "models/import/access_log.hpp"
#include "models/import/imported.hpp"
#include "models/ipvs/kernel_profile.hpp"
#include "models/scenario/cross_check.hpp"
#include "models/scenario/key_paths.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/schema.hpp"
#include "models/scenario/yaml_reader.hpp"
#include "models/tcp/tcp_profile.hpp"

namespace lvs::scenario::detail {

template <class T>
std::vector<std::string> to_strings(const T& v) {
    std::vector<std::string> out;
    for (const auto& x : v) out.emplace_back(x);
    return out;
}

class Loader {
public:
    Loader(const YAML::Node& root, const std::string& origin, const std::vector<std::string>& source)
        : root_(root), r_(origin), source_(source) {
        s_.file = origin;
    }
    Scenario load();  // the whole document, or a ConfigError at the first mistake

private:
    // the order of the sections and the top-level keys (loader.cpp)
    void top_level();
    void kernel(const YAML::Node& k);
    // network: and realservers: (hosts and their TCP) (loader_topology.cpp)
    void network();
    net::QueueLimit queue_limit(const YAML::Node& n, const std::string& what);
    std::string unique_name(const YAML::Node& n, const std::string& what);
    void realservers();
    tcp::TcpProfile host_tcp(const YAML::Node& n, const std::string& who, bool director);
    // director:, its rules and health checks (loader_director.cpp)
    ipvs::IpvsadmCommand ipvsadm(const std::string& line, Mark at, const std::string& hint);
    void director();
    const ipvs::SysctlDef* sysctl_named(const YAML::Node& at, const std::string& name);
    void read_rules(const YAML::Node& rules);
    void health_checks(const YAML::Node& hcs);
    ipvs::CheckMethod check_method(const YAML::Node& n, ipvs::CheckMethod m, const std::string& check);
    net::Endpoint endpoint(const YAML::Node& n, const std::string& what, const std::string& like);
    // import: (an operator's own files) and director.connections (loader_import.cpp)
    void imports();
    void merge_imported_realservers();
    void merge_imported_director();
    void connections(const YAML::Node& list);
    void add_connection(const import::Connection& c, Mark at);
    // clients: (browsers, scripted sockets, load schedules) (loader_clients.cpp)
    void clients();
    std::vector<sock::Step> script(const YAML::Node& list, bool server);
    void script_setsockopt(const YAML::Node& arg, sock::Step& st);
    void ports(const YAML::Node& n, ClientGroupSpec& c);
    void visitors(const YAML::Node& n, ClientGroupSpec& c);
    // UDP (loader_udp.cpp).
    void udp_client(const YAML::Node& n, ClientGroupSpec& c);
    void udp_services(const YAML::Node& n, RealServerSpec& rs);
    void client_profile(const YAML::Node& n, http::BrowserConfig& b);
    void requests(const YAML::Node& n, http::PageSpec& p);
    void server_tls(const YAML::Node& n, http::TlsServerConfig& t);
    void page(const YAML::Node& n, http::PageSpec& p);
    void schedule(const YAML::Node& n, http::LoadSchedule& s);
    // arrivals:, session:, pages: and access_log: (loader_arrivals.cpp)
    std::string read_near(const YAML::Node& n, const std::string& what, std::string* path_out);
    sim::Duration time_of_day(const YAML::Node& n, const std::string& what);
    void arrivals(const YAML::Node& n, ClientGroupSpec& c);
    void rate_profile(const YAML::Node& n, http::ArrivalProcess& p);
    void arrivals_csv(const YAML::Node& n, ArrivalsSpec& a);
    void session(const YAML::Node& n, http::SessionSpec& s);
    void page_mix(const YAML::Node& n, http::BrowserConfig& b);
    // What of a log falls in the window replayed.
    struct LogTally {
        std::string fallback;  // the preset of agents no rule knows
        uint64_t requests = 0;
        std::map<uint16_t, uint64_t> statuses;
        std::map<std::string, std::pair<uint64_t, uint64_t>> unmapped;  // agent -> (requests, clients)
    };
    void access_log(const YAML::Node& n, const YAML::Node& group, ClientGroupSpec& c);
    void access_log_summary(const import::AccessLog& log, const LogTally& tally, AccessLogSpec& spec);
    // timeline: (what happens when) (loader_timeline.cpp)
    void check_time(const YAML::Node& n, sim::Time t, const std::string& what);
    TimelineAction action(const YAML::Node& n);
    DropAction drop(const YAML::Node& v);
    void timeline();
    // ha: (a VRRP pair of directors) and its timeline entries (loader_ha.cpp)
    void ha();
    void ha_director(const YAML::Node& n, const YAML::Node& shared, HaSpec& spec);
    bool vip_of_rules(net::Ipv4 a) const;
    std::optional<size_t> director_on(const YAML::Node& entry);
    TimelineAction ha_action(const YAML::Node& n);
    // fleet: (loader_fleet.cpp)
    void fleet();
    void fleet_director(const YAML::Node& n, FleetSpec& spec);
    TimelineAction fleet_action(const YAML::Node& n);
    // A sysctl's value: one number, or sync_threshold's pair ("3 50").
    std::pair<int, std::optional<int>> sysctl_value(const YAML::Node& n, const ipvs::SysctlDef& def,
                                                    const std::string& text, size_t column = 0);
    // expect: (the lesson's checks) (loader_expectations.cpp)
    void expectations();
    // steps: (the guided lesson the viewer walks) (loader_steps.cpp)
    void steps();
    // exercise: (a break/fix exercise's task and questions) (loader_steps.cpp)
    void exercise();

    // `name` among the scenario's realservers or client groups: its index, or an error.
    template <class List>
    size_t index_named(const YAML::Node& n, const List& list, const std::string& kind) {
        const std::string name = r_.text(n, kind);
        std::vector<std::string> names;
        for (size_t i = 0; i < list.size(); ++i) {
            if (list[i].name == name) return i;
            names.push_back(list[i].name);
        }
        const std::string near = did_you_mean(name, names);
        r_.fail(n, "no " + kind + " named '" + name + "'",
                (near.empty() ? "" : "did you mean '" + near + "'? ") +
                    (names.empty() ? "there is none" : "known: " + join(names)));
    }

    // A server or client entry: whom (`who`, an index into `list`), `action:` (one of `names`)
    // and, for the `timed` verb only, `value:` (a duration).
    template <class Verb, class List, size_t N>
    std::tuple<size_t, Verb, sim::Duration> verb_entry(const YAML::Node& entry, const YAML::Node& who,
                                                       const List& list,
                                                       const std::array<std::string_view, N>& names,
                                                       const std::string& kind, const std::string& what,
                                                       Verb timed) {
        const size_t index = index_named(who, list, kind);
        const std::vector<std::string> allowed = to_strings(names);
        if (!entry["action"]) r_.fail(entry, "a " + what + " entry needs `action:`", join(allowed));
        const std::string word = r_.one_of(entry["action"], what + " action", allowed);
        const Verb verb =
            static_cast<Verb>(std::find(allowed.begin(), allowed.end(), word) - allowed.begin());
        sim::Duration value;
        if (verb == timed) {
            if (!entry["value"]) r_.fail(entry, word + " needs `value:` (a duration)", "e.g. value: 30s");
            value = r_.duration(entry["value"], "value");
        } else if (entry["value"]) {
            r_.fail(entry["value"],
                    "only " + std::string(names[static_cast<size_t>(timed)]) + " takes `value:`");
        }
        return {index, verb, value};
    }

    const YAML::Node& root_;
    Reader r_;
    const std::vector<std::string>& source_;
    Scenario s_;
    std::set<std::string> names_;
    import::Director imported_;  // what `import:` read (loader_import.cpp)
    Mark import_mark_;
};

}  // namespace lvs::scenario::detail
