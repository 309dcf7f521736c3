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
    po::options_description hidden;
    hidden.add_options()("name", po::value<std::string>());
    po::options_description all;
    all.add(o).add(hidden);
    po::positional_options_description pos;
    pos.add("name", 1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help") != 0) {
        std::cout << o
                  << "\nWithout NAME: every client preset (`browser:` / `client:` in a scenario) and server "
                     "preset\n"
                     "(`server:`) with its defaults, as Markdown. With NAME: that preset's defaults and "
                     "their sources.\n";
        return 0;
    }
    if (vm.count("name") == 0) {
        std::cout << http::presets_markdown();
        return 0;
    }
    const std::string name = vm["name"].as<std::string>();
    const std::string text = http::preset_sources(name);
    if (text.empty()) throw CliError("no preset named '" + name + "' (lvsim presets lists them)");
    std::cout << text;
    return 0;
}

}  // namespace lvs::cli
