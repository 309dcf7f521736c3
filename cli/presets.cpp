// lvsim presets [NAME]: the client and server presets, their values and where each comes from.
#include <boost/program_options.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "models/http/presets_table.hpp"

namespace po = boost::program_options;

namespace lvs::cli {

int cmd_presets(const std::vector<std::string>& args) {
    po::options_description o("lvsim presets [NAME]");
    o.add_options()("help,h", "show this help");
    const po::variables_map vm = parse_file_command(args, o);  // the positional is the preset NAME
    if (vm.count("help") != 0) {
        std::cout << o
                  << "\nWithout NAME: every client preset (`browser:` / `client:` in a scenario) and server "
                     "preset\n"
                     "(`server:`) with its defaults, as Markdown. With NAME: that preset's defaults and "
                     "their sources.\n";
        return 0;
    }
    if (vm.count("file") == 0) {
        std::cout << http::presets_markdown();
        return 0;
    }
    const std::string name = vm["file"].as<std::string>();
    if (name.empty()) throw CliError("lvsim presets NAME: the name is empty (lvsim presets lists them)");
    const std::string text = http::preset_sources(name);
    if (text.empty()) throw CliError("no preset named '" + name + "' (lvsim presets lists them)");
    std::cout << text;
    return 0;
}

}  // namespace lvs::cli
