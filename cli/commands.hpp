// Subcommands of lvsim that have their own files.
#pragma once

#include <boost/program_options.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace lvs::cli {

// Bad command-line use (exit status 2).
struct CliError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Parses `args` against `options` plus one positional FILE (stored as "file").
inline boost::program_options::variables_map parse_file_command(
    const std::vector<std::string>& args, const boost::program_options::options_description& options) {
    namespace po = boost::program_options;
    po::options_description hidden;
    hidden.add_options()("file", po::value<std::string>());
    po::options_description all;
    all.add(options).add(hidden);
    po::positional_options_description pos;
    pos.add("file", 1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
    return vm;
}

int cmd_compare(const std::vector<std::string>& args);
int cmd_sweep(const std::vector<std::string>& args);

}  // namespace lvs::cli
