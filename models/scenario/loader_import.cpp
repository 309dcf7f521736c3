// `import:` (an operator's keepalived.conf, ldirectord.cf, ipvsadm-save, sysctl -a, -Lnc read
// by models/import) merged into the scenario, and `director.connections` (the table a run
// starts with). The file's own realservers, rules and checks come with and after the imported
// ones: a scenario imports a farm and adds its question.
#include <filesystem>

#include "models/scenario/loader_impl.hpp"
#include "models/tcp/tcp_profile.hpp"

namespace lvs::scenario::detail {

namespace {

ConfigError from_import(const import::ImportError& e) {
    return ConfigError(e.at().file, e.at().line, e.at().column, e.what(), e.hint());
}

}  // namespace

void Loader::imports() {
    const YAML::Node list = root_["import"];
    if (!list) return;
    import_mark_ = mark_of(list);
    const std::string hint =
        "write `import: [{keepalived: farm/keepalived.conf}]`; kinds: " + import::kind_list();
    if (!list.IsSequence()) r_.fail(list, "import must be a list of KIND: FILE entries", hint);
    const std::filesystem::path base = std::filesystem::path(r_.origin()).parent_path();
    for (const auto& item : list) {
        if (!item.IsMap() || item.size() != 1) r_.fail(item, "each import entry is one KIND: FILE", hint);
        const YAML::Node key = item.begin()->first;
        const std::string kind_name = r_.text(key, "import kind");
        const auto kind = import::kind_named(kind_name);
        if (!kind) {
            std::vector<std::string> kinds(std::begin(import::kKindNames), std::end(import::kKindNames));
            const std::string near = did_you_mean(kind_name, kinds);
            r_.fail(key, "'" + kind_name + "' is no kind of file lvsim imports",
                    near.empty() ? "kinds: " + import::kind_list() : "did you mean '" + near + "'?");
        }
        if (*kind == import::Kind::AccessLog)
            r_.fail(key, "an access log brings clients, not a director",
                    "give a client group `access_log: FILE` (clients: [{name: logged, access_log: FILE}])");
        const std::string file = r_.text(item.begin()->second, "import file");
        const std::filesystem::path path =
            std::filesystem::path(file).is_absolute() ? std::filesystem::path(file) : base / file;
        if (!std::filesystem::exists(path))
            r_.fail(item.begin()->second, "cannot find " + path.string(),
                    "a relative path starts at the scenario file's folder");
        try {
            import::import_file(*kind, path.string(), imported_);
        } catch (const import::ImportError& e) {
            throw from_import(e);
        }
    }
}

void Loader::merge_imported_realservers() {
    for (const import::Realserver& r : imported_.realservers) {
        if (s_.realserver_at(r.address) != nullptr) continue;  // the file's own description wins
        if (!names_.insert(r.name).second)
            r_.fail_at(import_mark_, "an imported realserver's name, " + r.name + ", is already taken",
                       "rename the file's own " + r.name + " (imported hosts are named rs<last octet>)");
        RealServerSpec rs;
        rs.name = r.name;
        rs.address = r.address;
        rs.mark = import_mark_;
        rs.server = *http::find_server_preset("iis");
        rs.server.port = r.port;
        rs.server.more_ports = r.more_ports;
        rs.server.check_status = r.check_status;
        s_.realservers.push_back(std::move(rs));
    }
}

void Loader::merge_imported_director() {
    const Mark at = import_mark_;
    for (const import::Rule& rule : imported_.rules) {
        ipvs::IpvsadmError err;
        const auto cmd = ipvs::parse_ipvsadm(rule.line, &err);
        if (!cmd)
            throw ConfigError(rule.from.file, rule.from.line, rule.from.column, "ipvsadm: " + err.message,
                              "lvsim wrote this rule from the imported file: please report it");
        s_.rules.push_back({*cmd, at});
    }
    for (const import::Sysctl& sc : imported_.sysctls) {
        if (const tcp::TcpSysctlDef* def = tcp::find_tcp_sysctl(sc.name)) {
            const std::string err = tcp::set_tcp_sysctl(s_.director_tcp.sysctl, *def, sc.value);
            if (!err.empty()) throw ConfigError(sc.from.file, sc.from.line, sc.from.column, err);
            continue;
        }
        const ipvs::SysctlDef* def = ipvs::find_sysctl(sc.name);
        if (def == nullptr) continue;
        // sync_threshold is a pair ("3 50"); the import checked the numbers.
        std::optional<int> second;
        if (def->second != nullptr) {
            const size_t sp = sc.value.find_first_of(" \t");
            if (sp != std::string::npos) second = std::stoi(sc.value.substr(sp));
        }
        s_.sysctls.push_back({def, std::stoi(sc.value), second, at});
    }
    for (const import::HealthCheck& h : imported_.checks) {
        if (!names_.insert(h.name).second)
            r_.fail_at(at, "the imported health check " + h.name + " has a name the file uses too",
                       "rename yours");
        HealthCheckSpec spec;
        spec.name = h.name;
        spec.service = h.service;
        spec.tool = h.tool;
        spec.interval = h.interval;
        spec.check = h.check;
        if (h.tool == ipvs::CheckerTool::Keepalived) spec.check.type = ipvs::CheckType::None;
        spec.alpha = h.alpha;
        spec.omega = h.omega;
        spec.quorum = h.quorum;
        spec.hysteresis = h.hysteresis;
        spec.fallback = h.fallback;
        spec.fallback_forward = h.fallback_forward;
        spec.warmup = h.warmup;
        spec.round = h.round;
        spec.mark = at;
        for (const import::ServerCheck& sc : h.servers) {
            const RealServerSpec* rs = s_.find_realserver(sc.realserver);
            if (rs == nullptr) continue;
            spec.servers.push_back({static_cast<size_t>(rs - s_.realservers.data()), sc.check, at});
        }
        s_.health_checks.push_back(std::move(spec));
    }
    for (const import::Connection& c : imported_.connections) add_connection(c, at);
}

// director.connections: lines of `ipvsadm -Lnc` (or /proc/net/ip_vs_conn), as a list or a block.
void Loader::connections(const YAML::Node& list) {
    const auto one = [&](const std::string& line, const YAML::Node& n) {
        try {
            const Mark m = mark_of(n);
            const auto c = import::parse_connection_line(line, {r_.origin(), m.line, m.column});
            if (!c) return;
            if (c->protocol != "TCP" && c->protocol != "UDP")
                r_.fail(n, "only TCP and UDP entries can be restored", "lvsim has no SCTP: leave it out");
            add_connection(*c, m);
        } catch (const import::ImportError& e) {
            throw from_import(e);
        }
    };
    if (list.IsSequence()) {
        for (const auto& l : list) one(r_.text(l, "a connection entry"), l);
        return;
    }
    std::istringstream in(r_.text(list, "director.connections"));
    std::string line;
    while (std::getline(in, line)) one(line, list);
}

void Loader::add_connection(const import::Connection& c, Mark at) {
    InitialConnection ic;
    ic.proto = c.protocol == "UDP" ? ipvs::Proto::Udp : ipvs::Proto::Tcp;
    ic.client = c.client;
    ic.vip = c.vip;
    ic.dest = c.dest;
    ic.state = *ipvs::state_from_string(c.state);
    ic.remaining = sim::s(c.expires_s);
    ic.mark = at;
    if (ic.remaining <= sim::Duration{}) ic.remaining = sim::ms(1);  // due now: it expires at once
    // Templates first, so that the entries they control find them.
    if (ic.client.port == 0 && ic.state == ipvs::ConnState::None) {
        const auto first_entry =
            std::find_if(s_.connections.begin(), s_.connections.end(), [](const InitialConnection& x) {
                return !(x.client.port == 0 && x.state == ipvs::ConnState::None);
            });
        s_.connections.insert(first_entry, ic);
    } else {
        s_.connections.push_back(ic);
    }
}

}  // namespace lvs::scenario::detail
