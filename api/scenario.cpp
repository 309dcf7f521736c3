// Scenarios for the library face (lvsim/scenario.hpp).
//
// Everything goes through the scenario loader, so a scenario made in code is checked exactly
// like a file: ScenarioBuilder writes the YAML a file would hold, and additions to a loaded
// scenario are appended to its YAML and the whole is read again.
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "api/internal.hpp"
#include "models/scenario/loader.hpp"

namespace lvsim {

namespace {

// Sets `value` at a dotted key path ("page.objects") under the map `node`.
void set_path(YAML::Node node, const std::string& key, const std::string& value) {
    size_t start = 0;
    for (;;) {
        const size_t dot = key.find('.', start);
        const std::string part =
            key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (part.empty()) throw Error("setting '" + key + "': empty key part");
        if (dot == std::string::npos) {
            node[part] = value;
            return;
        }
        if (!node[part] || !node[part].IsMap()) node[part] = YAML::Node(YAML::NodeType::Map);
        node.reset(node[part]);
        start = dot + 1;
    }
}

// A flow-style map ({at: 20s, ipvsadm: ...}) from key/value pairs, nested by dotted keys.
YAML::Node flow_map(const std::vector<std::pair<std::string, std::string>>& fields) {
    YAML::Node n(YAML::NodeType::Map);
    for (const auto& [k, v] : fields) set_path(n, k, v);
    n.SetStyle(YAML::EmitterStyle::Flow);
    return n;
}

std::string emit(const YAML::Node& root) {
    YAML::Emitter out;
    out << root;
    return std::string(out.c_str()) + "\n";
}

// Timeline entries and expectations in the file's keys.
Addition timeline(Time at, std::vector<std::pair<std::string, std::string>> rest) {
    Addition a;
    a.fields.emplace_back("at", format_time(at));
    for (auto& f : rest) a.fields.push_back(std::move(f));
    return a;
}

Addition expectation(const std::string& condition, std::optional<Time> at) {
    Addition a;
    a.is_expectation = true;
    a.fields.emplace_back("at", at ? format_time(*at) : "end");
    a.fields.emplace_back("that", condition);
    return a;
}

Addition action(Time at, const char* who, const std::string& target, const std::string& what,
                const std::string& value) {
    std::vector<std::pair<std::string, std::string>> f{{who, target}, {"action", what}};
    if (!value.empty()) f.emplace_back("value", value);
    return timeline(at, std::move(f));
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

// ---- Scenario::Impl ----------------------------------------------------------------------------

std::string Scenario::Impl::merged_text() const {
    if (additions.empty()) return text;
    YAML::Node root = YAML::Load(text);
    for (const Addition& a : additions) {
        const char* list = a.is_expectation ? "expect" : "timeline";
        if (!root[list] || root[list].IsNull()) root[list] = YAML::Node(YAML::NodeType::Sequence);
        root[list].push_back(flow_map(a.fields));
    }
    return emit(root);
}

void Scenario::Impl::materialize() {
    parsed = lvs::scenario::load_scenario_text(merged_text(), origin, sets);
}

void Scenario::Impl::add(Addition a, const std::string& context) {
    additions.push_back(std::move(a));
    try {
        materialize();
    } catch (const lvs::scenario::ConfigError& e) {
        additions.pop_back();  // `parsed` was not touched: the loader threw first
        throw to_error(e, context);
    }
}

// ---- Scenario ----------------------------------------------------------------------------------

Scenario::Scenario(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Scenario::Scenario(const Scenario& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
Scenario& Scenario::operator=(const Scenario& o) {
    if (this != &o) impl_ = std::make_unique<Impl>(*o.impl_);
    return *this;
}
Scenario::Scenario(Scenario&&) noexcept = default;
Scenario& Scenario::operator=(Scenario&&) noexcept = default;
Scenario::~Scenario() = default;

Scenario Scenario::parse(const std::string& yaml, const std::string& origin,
                         const std::vector<std::string>& sets) {
    auto impl = std::make_unique<Impl>();
    impl->text = yaml;
    impl->origin = origin;
    impl->sets = sets;
    try {
        impl->materialize();
    } catch (const lvs::scenario::ConfigError& e) {
        throw to_error(e);
    }
    return Scenario(std::move(impl));
}

Scenario Scenario::load(const std::string& path, const std::vector<std::string>& sets) {
    std::ifstream in(path);
    if (!in)
        throw Error(
            path +
            ": error: cannot open the scenario file\n  hint: check the path (lessons live in scenarios/)");
    std::stringstream buf;
    buf << in.rdbuf();
    return parse(buf.str(), path, sets);
}

Scenario Scenario::with(const std::vector<std::string>& sets) const {
    auto impl = std::make_unique<Impl>(*impl_);
    impl->sets.insert(impl->sets.end(), sets.begin(), sets.end());
    try {
        impl->materialize();
    } catch (const lvs::scenario::ConfigError& e) {
        throw to_error(e);
    }
    return Scenario(std::move(impl));
}

Scenario& Scenario::ipvsadm_at(Time at, const std::string& command) {
    impl_->add(timeline(at, {{"ipvsadm", command}}),
               "ipvsadm_at(" + format_time(at) + ", " + quoted(command) + ")");
    return *this;
}

Scenario& Scenario::sysctl_at(Time at, const std::string& setting) {
    impl_->add(timeline(at, {{"sysctl", setting}}),
               "sysctl_at(" + format_time(at) + ", " + quoted(setting) + ")");
    return *this;
}

Scenario& Scenario::server_at(Time at, const std::string& realserver, const std::string& what,
                              const std::string& value) {
    impl_->add(action(at, "server", realserver, what, value),
               "server_at(" + format_time(at) + ", " + quoted(realserver) + ", " + quoted(what) + ")");
    return *this;
}

Scenario& Scenario::client_at(Time at, const std::string& group, const std::string& what,
                              const std::string& value) {
    impl_->add(action(at, "client", group, what, value),
               "client_at(" + format_time(at) + ", " + quoted(group) + ", " + quoted(what) + ")");
    return *this;
}

Scenario& Scenario::snapshot_at(Time at, const std::string& label) {
    impl_->add(timeline(at, {{"snapshot", label}}),
               "snapshot_at(" + format_time(at) + ", " + quoted(label) + ")");
    return *this;
}

Scenario& Scenario::expect(const std::string& condition, std::optional<Time> at) {
    impl_->add(expectation(condition, at), "expect(" + quoted(condition) + ")");
    return *this;
}

std::string Scenario::name() const { return impl_->parsed.name; }
std::string Scenario::lesson() const { return impl_->parsed.lesson; }
uint64_t Scenario::seed() const { return impl_->parsed.seed; }
Time Scenario::duration() const { return from_sim(impl_->parsed.duration); }
std::vector<std::pair<std::string, std::string>> Scenario::keys() const {
    return lvs::scenario::list_keys(impl_->parsed);
}
std::string Scenario::yaml() const { return impl_->merged_text(); }

// ---- ScenarioBuilder ---------------------------------------------------------------------------

struct ScenarioBuilder::Impl {
    std::string name;
    YAML::Node root{YAML::NodeType::Map};
    YAML::Node list(const char* key) {
        if (!root[key]) root[key] = YAML::Node(YAML::NodeType::Sequence);
        return root[key];
    }
};

ScenarioBuilder::ScenarioBuilder(std::string name) : impl_(std::make_unique<Impl>()) {
    impl_->name = name;
    impl_->root["name"] = name;
}
ScenarioBuilder::ScenarioBuilder(const ScenarioBuilder& o) : impl_(std::make_unique<Impl>()) {
    impl_->name = o.impl_->name;
    impl_->root = YAML::Clone(o.impl_->root);  // YAML::Node copies share; clone instead
}
ScenarioBuilder& ScenarioBuilder::operator=(const ScenarioBuilder& o) {
    if (this != &o) {
        impl_->name = o.impl_->name;
        impl_->root = YAML::Clone(o.impl_->root);
    }
    return *this;
}
ScenarioBuilder::~ScenarioBuilder() = default;

ScenarioBuilder& ScenarioBuilder::lesson(const std::string& text) {
    impl_->root["lesson"] = text;
    return *this;
}
ScenarioBuilder& ScenarioBuilder::seed(uint64_t seed) {
    impl_->root["seed"] = std::to_string(seed);
    return *this;
}
ScenarioBuilder& ScenarioBuilder::duration(Time d) {
    impl_->root["duration"] = format_time(d);
    return *this;
}
ScenarioBuilder& ScenarioBuilder::kernel(const std::string& profile) {
    impl_->root["kernel"] = profile;
    return *this;
}
ScenarioBuilder& ScenarioBuilder::network(const Settings& settings) {
    if (!impl_->root["network"]) impl_->root["network"] = YAML::Node(YAML::NodeType::Map);
    for (const auto& [k, v] : settings) set_path(impl_->root["network"], k, v);
    impl_->root["network"].SetStyle(YAML::EmitterStyle::Flow);
    return *this;
}
ScenarioBuilder& ScenarioBuilder::rule(const std::string& ipvsadm_line) {
    if (!impl_->root["director"]) impl_->root["director"] = YAML::Node(YAML::NodeType::Map);
    YAML::Node d = impl_->root["director"];
    if (!d["rules"]) d["rules"] = YAML::Node(YAML::NodeType::Sequence);
    d["rules"].push_back(ipvsadm_line);
    return *this;
}
ScenarioBuilder& ScenarioBuilder::sysctl(const std::string& name, int value) {
    if (!impl_->root["director"]) impl_->root["director"] = YAML::Node(YAML::NodeType::Map);
    YAML::Node d = impl_->root["director"];
    if (!d["sysctl"]) d["sysctl"] = YAML::Node(YAML::NodeType::Map);
    d["sysctl"][name] = std::to_string(value);
    return *this;
}
ScenarioBuilder& ScenarioBuilder::realserver(const std::string& name, const std::string& address,
                                             const Settings& settings) {
    std::vector<std::pair<std::string, std::string>> f{{"name", name}, {"address", address}};
    f.insert(f.end(), settings.begin(), settings.end());
    impl_->list("realservers").push_back(flow_map(f));
    return *this;
}
ScenarioBuilder& ScenarioBuilder::clients(const std::string& name, const Settings& settings) {
    std::vector<std::pair<std::string, std::string>> f{{"name", name}};
    f.insert(f.end(), settings.begin(), settings.end());
    impl_->list("clients").push_back(flow_map(f));
    return *this;
}
ScenarioBuilder& ScenarioBuilder::ipvsadm_at(Time at, const std::string& command) {
    impl_->list("timeline").push_back(flow_map(timeline(at, {{"ipvsadm", command}}).fields));
    return *this;
}
ScenarioBuilder& ScenarioBuilder::sysctl_at(Time at, const std::string& setting) {
    impl_->list("timeline").push_back(flow_map(timeline(at, {{"sysctl", setting}}).fields));
    return *this;
}
ScenarioBuilder& ScenarioBuilder::server_at(Time at, const std::string& realserver, const std::string& what,
                                            const std::string& value) {
    impl_->list("timeline").push_back(flow_map(action(at, "server", realserver, what, value).fields));
    return *this;
}
ScenarioBuilder& ScenarioBuilder::client_at(Time at, const std::string& group, const std::string& what,
                                            const std::string& value) {
    impl_->list("timeline").push_back(flow_map(action(at, "client", group, what, value).fields));
    return *this;
}
ScenarioBuilder& ScenarioBuilder::snapshot_at(Time at, const std::string& label) {
    impl_->list("timeline").push_back(flow_map(timeline(at, {{"snapshot", label}}).fields));
    return *this;
}
ScenarioBuilder& ScenarioBuilder::expect(const std::string& condition, std::optional<Time> at) {
    impl_->list("expect").push_back(flow_map(expectation(condition, at).fields));
    return *this;
}

std::string ScenarioBuilder::yaml() const { return emit(impl_->root); }

Scenario ScenarioBuilder::build() const {
    auto impl = std::make_unique<Scenario::Impl>();
    impl->text = yaml();
    impl->origin = "ScenarioBuilder(" + impl_->name + ")";
    try {
        impl->materialize();
    } catch (const lvs::scenario::ConfigError& e) {
        Error err = to_error(e);
        throw Error(std::string(err.what()) + "\n  (line numbers are those of ScenarioBuilder::yaml())");
    }
    return Scenario(std::move(impl));
}

}  // namespace lvsim
