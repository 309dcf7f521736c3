// The scenario loader with the whole check path `lvsim check` takes: YAML, keys, units,
// ipvsadm lines applied in order, the timeline, expressions and the cross-check.
#include "models/scenario/loader.hpp"
#include "tests/fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        (void)lvs::scenario::load_scenario_text(lvs::fuzz::text_of(data, size), "fuzz.yaml");
    } catch (const lvs::scenario::ConfigError&) {
        // rejected with file:line:column: what should happen to bad input
    } catch (const std::exception& e) {
        lvs::fuzz::internal_error(e.what());
    }
    return 0;
}
