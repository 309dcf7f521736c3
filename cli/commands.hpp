// Subcommands of lvsim that have their own files.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace lvs::cli {

// Bad command-line use (exit status 2).
struct CliError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

int cmd_compare(const std::vector<std::string>& args);
int cmd_sweep(const std::vector<std::string>& args);

}  // namespace lvs::cli
