// Operators' files (lvsim import, a scenario's `import:`): the first byte picks the kind
// (keepalived, ldirectord, ipvsadm-save, ipvsadm-timeout, sysctl, connections, access-log), the rest is the
// file. Each input is refused with an ImportError naming the place, or read; what is read is
// written as a scenario, which must load (otherwise `lvsim import` would print a file that
// does not run: a bug).
#include "models/import/imported.hpp"
#include "models/import/scenario_yaml.hpp"
#include "models/scenario/loader.hpp"
#include "tests/fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const auto kind = static_cast<lvs::import::Kind>(data[0] % std::size(lvs::import::kKindNames));
    const std::string text = lvs::fuzz::text_of(data + 1, size - 1);
    lvs::import::Director d;
    try {
        lvs::import::import_text(kind, text, "fuzz.conf", d);
    } catch (const lvs::import::ImportError&) {
        return 0;
    } catch (const std::exception& e) {
        lvs::fuzz::internal_error(e.what());
    }
    // A log's scenario names the log's file, which a fuzzed text has not: reading it is the test.
    if (kind == lvs::import::Kind::AccessLog) return 0;
    try {
        lvs::import::infer_services(d);
    } catch (const lvs::import::ImportError&) {
        return 0;
    }
    try {
        (void)lvs::scenario::load_scenario_text(lvs::import::scenario_yaml(d, "lvsim import (fuzz)"),
                                                "written");
    } catch (const lvs::scenario::ConfigError& e) {
        lvs::fuzz::internal_error(("the written scenario does not load: " + e.format()).c_str());
    } catch (const std::exception& e) {
        lvs::fuzz::internal_error(e.what());
    }
    return 0;
}
