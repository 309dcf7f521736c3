// `--set KEY=VALUE` and `--vary KEY=VALUES` values: each input line is applied to a small
// scenario as a --set (and parsed as a --vary axis); the result is a scenario, a ConfigError
// naming the option, or a SweepError.
#include "models/scenario/loader.hpp"
#include "models/scenario/sweep.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {
const char* const kBase = R"(name: fuzz-base
seed: 1
duration: 30s
network: {rtt: 20ms, bandwidth: 100Mbit}
director:
  rules: |
    -A -t 10.0.0.100:80 -s wlc
    -a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1
realservers:
  - {name: rs1, address: 192.168.10.11, server: nginx}
clients:
  - name: users
    browser: chrome
    page: {html: 20kB, objects: 4, object_size: 10kB}
    schedule: {reload_every: 5s, start: 0s, stop: 20s}
timeline:
  - {at: 10s, ipvsadm: -e -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 0}
expect:
  - {at: end, that: clients.objects_failed == 0}
)";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = lvs::fuzz::text_of(data, size);
    std::vector<std::string> sets;
    size_t pos = 0;
    while (pos < text.size() && sets.size() < 8) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) nl = text.size();
        sets.push_back(text.substr(pos, nl - pos));
        pos = nl + 1;
    }
    try {
        (void)lvs::scenario::load_scenario_text(kBase, "fuzz-base.yaml", sets);
    } catch (const lvs::scenario::ConfigError&) {
    } catch (const std::exception& e) {
        lvs::fuzz::internal_error(e.what());
    }
    for (const std::string& s : sets) {
        try {
            (void)lvs::scenario::parse_axis(s);
        } catch (const lvs::scenario::SweepError&) {
        } catch (const std::exception& e) {
            lvs::fuzz::internal_error(e.what());
        }
    }
    return 0;
}
