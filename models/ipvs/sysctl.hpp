// The net.ipv4.vs.* sysctls the director models, as one table: name, range, default, and the
// kernels that have it (Documentation/networking/ipvs-sysctl.rst; ipvs-tcp-http.md section 4).
// The loader validates scenario files against it, the director sets values through it, and
// `--list-keys` lists it.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "models/ipvs/kernel_profile.hpp"
#include "models/ipvs/types.hpp"

namespace lvs::ipvs {

struct SysctlDef {
    std::string_view name;  // without the net.ipv4.vs. prefix
    int max = 1;            // values run from 0 to max
    int default_value = 0;
    int Sysctls::*field = nullptr;
    // conn_reuse_mode appeared with Linux 4.2 (commit d752c3645717): absent before.
    bool needs_conn_reuse_mode = false;
    std::string_view meaning;
    // A sysctl of two numbers (sync_threshold "3 50"): where the second goes, its default.
    int Sysctls::*second = nullptr;
    int second_default = 0;

    bool exists_on(const KernelProfile& k) const { return !needs_conn_reuse_mode || k.has_conn_reuse_mode; }
};

std::span<const SysctlDef> sysctl_table();
// A pair's order (proc_do_sync_threshold()): the first below the second, unless the second is 0.
inline bool pair_in_order(int64_t first, int64_t second) { return second == 0 || first < second; }
// The entry for NAME, with or without the net.ipv4.vs. prefix; nullptr if unknown.
const SysctlDef* find_sysctl(std::string_view name);

}  // namespace lvs::ipvs
