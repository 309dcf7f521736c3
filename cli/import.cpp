// lvsim import KIND FILE [KIND FILE ...]: an operator's own director (keepalived.conf,
// ldirectord.cf, ipvsadm-save, ipvsadm -Ln --timeout, sysctl -a, ipvsadm -Lnc) written as a
// runnable scenario on stdout, each value with the line it came from.
#include <iostream>

#include "cli/commands.hpp"
#include "models/import/imported.hpp"
#include "models/import/scenario_yaml.hpp"
#include "models/scenario/loader.hpp"

namespace lvs::cli {

namespace po = boost::program_options;

int cmd_import(const std::vector<std::string>& args) {
    po::options_description o("lvsim import KIND FILE [KIND FILE ...] > scenario.yaml");
    o.add_options()("help,h", "show this help");
    const po::variables_map vm = parse_files_command(args, o);
    if (vm.count("help") != 0) {
        std::cout << o << "\nKINDs: " << import::kind_list()
                  << ".\n"
                     "  keepalived       keepalived.conf (1.x and 2.x spellings), its LVS part\n"
                     "  ldirectord       ldirectord.cf\n"
                     "  ipvsadm-save     the output of ipvsadm-save -n (ipvsadm -Sn)\n"
                     "  ipvsadm-timeout  the output of ipvsadm -Ln --timeout\n"
                     "  sysctl           the output of sysctl -a (net.ipv4.vs.* and the TCP ones)\n"
                     "  connections      ipvsadm -Lnc or /proc/net/ip_vs_conn: the table a run starts with\n"
                     "  access-log       a web server's access log (combined or common log format): its\n"
                     "                   clients replayed, each address a client host on the preset its\n"
                     "                   User-Agent names, each request at its logged time and size\n"
                     "Several pairs describe one director. A scenario can read the same files itself:\n"
                     "  import: [{keepalived: farm/keepalived.conf}, {connections: farm/lnc.txt}]\n";
        return 0;
    }
    const std::vector<std::string> words =
        vm.count("files") != 0 ? vm["files"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (words.empty() || words.size() % 2 != 0)
        throw CliError(
            "give KIND FILE pairs, e.g. lvsim import keepalived /etc/keepalived/keepalived.conf (KINDs: " +
            import::kind_list() + ")");
    import::Director d;
    std::string command = "lvsim import";
    for (size_t i = 0; i < words.size(); i += 2) {
        const auto kind = import::kind_named(words[i]);
        if (!kind) {
            const std::vector<std::string> kinds(std::begin(import::kKindNames),
                                                 std::end(import::kKindNames));
            const std::string near = scenario::did_you_mean(words[i], kinds);
            throw CliError("'" + words[i] + "' is no kind of file lvsim imports; " +
                           (near.empty() ? "KINDs: " + import::kind_list() : "did you mean " + near + "?"));
        }
        command += " " + words[i] + " " + words[i + 1];
        try {
            import::import_file(*kind, words[i + 1], d);
        } catch (const import::ImportError& e) {
            throw scenario::ConfigError(e.at().file, e.at().line, e.at().column, e.what(), e.hint());
        }
    }
    try {
        import::infer_services(d);
    } catch (const import::ImportError& e) {
        throw scenario::ConfigError(e.at().file, e.at().line, e.at().column, e.what(), e.hint());
    }
    const std::string yaml = import::scenario_yaml(d, command);
    // What it wrote must load: a mistake here is lvsim's, and it says so rather than print it.
    try {
        (void)scenario::load_scenario_text(yaml, "(the imported scenario)");
    } catch (const scenario::ConfigError& e) {
        std::cerr
            << "lvsim import: the scenario written from these files does not load (an lvsim bug, please "
               "report it with the files):\n"
            << e.format() << "\n";
        return 70;  // EX_SOFTWARE
    }
    std::cout << yaml;
    return 0;
}

}  // namespace lvs::cli
