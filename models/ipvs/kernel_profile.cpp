#include "models/ipvs/kernel_profile.hpp"

namespace lvs::ipvs {

namespace {

std::vector<KernelProfile> make() {
    std::vector<KernelProfile> v;
    KernelProfile current;
    current.name = "current";
    current.first = {5, 16};
    current.releases = ">=5.16";
    v.push_back(current);

    KernelProfile k59 = current;
    k59.name = "5.9-5.15";
    k59.first = {5, 9};
    k59.releases = "5.9-5.15";
    k59.weight0_reschedule_needs_reuse_mode = true;
    v.push_back(k59);

    KernelProfile k48 = k59;
    k48.name = "4.8-5.8";
    k48.first = {4, 8};
    k48.releases = "4.8-5.8";
    k48.conntrack_drop_only_if_confirmed = false;
    k48.nodest_reprocess = false;
    k48.nodest_flush = false;
    k48.template_assured = false;
    v.push_back(k48);

    KernelProfile k42 = k48;
    k42.name = "4.2-4.7";
    k42.first = {4, 2};
    k42.releases = "4.2-4.7";
    k42.syn_states_active = false;
    v.push_back(k42);

    KernelProfile k310 = k42;
    k310.name = "3.10-4.1";
    k310.first = {3, 10};
    k310.releases = "3.10-4.1";
    k310.has_conn_reuse_mode = false;
    k310.weight0_reschedule_needs_reuse_mode = false;
    v.push_back(k310);

    KernelProfile k39 = k310;
    k39.name = "<=3.9";
    k39.first = {0, 0};
    k39.releases = "<=3.9";
    k39.weight0_reschedule = false;
    k39.ack_from_none_establishes = false;
    v.push_back(k39);
    return v;
}

const std::vector<KernelProfile>& all() {
    static const std::vector<KernelProfile> v = make();
    return v;
}

}  // namespace

const KernelProfile* find_kernel_profile(std::string_view name) {
    for (const KernelProfile& p : all())
        if (p.name == name) return &p;
    return nullptr;
}

const KernelProfile* kernel_profile_for_release(std::string_view text) {
    // MAJOR.MINOR, then anything ("", ".0", ".0-18-amd64", "-rc3").
    KernelRelease r;
    size_t i = 0;
    const auto number = [&](int* out) {
        const size_t start = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 4)
            *out = *out * 10 + (text[i++] - '0');
        return i > start;
    };
    if (!number(&r.major) || i >= text.size() || text[i] != '.') return nullptr;
    ++i;
    if (!number(&r.minor)) return nullptr;
    if (i < text.size() && text[i] != '.' && text[i] != '-') return nullptr;
    if (r.major < 2) return nullptr;
    // Profiles are newest first: the first whose oldest release is at or below r.
    for (const KernelProfile& p : all())
        if (p.first <= r) return &p;
    return nullptr;
}

std::vector<std::string_view> kernel_profile_names() {
    std::vector<std::string_view> out;
    for (const KernelProfile& p : all()) out.push_back(p.name);
    return out;
}

const KernelProfile& current_kernel() { return all().front(); }

}  // namespace lvs::ipvs
