// Subcommands of lvsim that have their own files.
#pragma once

#include <boost/program_options.hpp>
#include <charconv>
#include <cstdint>
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

// Parses `args` against `options` plus any number of positional FILEs (stored as "files").
inline boost::program_options::variables_map parse_files_command(
    const std::vector<std::string>& args, const boost::program_options::options_description& options) {
    namespace po = boost::program_options;
    po::options_description hidden;
    hidden.add_options()("files", po::value<std::vector<std::string>>());
    po::options_description all;
    all.add(options).add(hidden);
    po::positional_options_description pos;
    pos.add("files", -1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
    return vm;
}

// A --seed value: a whole number from 0 to 2^64-1, nothing else (boost would wrap "-1").
inline uint64_t parse_seed(const std::string& text) {
    uint64_t v = 0;
    const char* end = text.data() + text.size();
    const auto [p, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || p != end)
        throw CliError("--seed " + text + ": a seed is a whole number from 0 to 18446744073709551615");
    return v;
}

int cmd_compare(const std::vector<std::string>& args);
int cmd_sweep(const std::vector<std::string>& args);
int cmd_export(const std::vector<std::string>& args);
int cmd_grade(const std::vector<std::string>& args);
int cmd_import(const std::vector<std::string>& args);
int cmd_drain_plan(const std::vector<std::string>& args);
int cmd_presets(const std::vector<std::string>& args);
int cmd_hash_churn(const std::vector<std::string>& args);

}  // namespace lvs::cli
