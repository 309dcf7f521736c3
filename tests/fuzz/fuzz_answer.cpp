// Break/fix exercise answers and answer keys (lvsim grade): each input is read as a student's
// answer file and as an answer key for a small exercise; the result is an answer, a key, or a
// ConfigError naming the place. (Grading itself runs the scenario: the scenario target covers it.)
#include "models/scenario/exercise.hpp"
#include "models/scenario/loader.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {
const char* const kExercise = R"(name: fuzz-exercise
seed: 1
duration: 30s
network: {rtt: 20ms, bandwidth: 100Mbit}
director:
  rules: |
    -A -t 10.0.0.100:80 -s wlc -p 300
    -a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1
realservers:
  - {name: rs1, address: 192.168.10.11}
clients:
  - name: ie8
    page: {html: 20kB, objects: 4, object_size: 10kB}
    schedule: {reload_every: 5s, start: 0s, stop: 20s}
exercise:
  task: "rs1 keeps its clients"
  questions:
    - {id: cause, ask: "Which sysctl?"}
    - {id: fix, ask: "Fix it."}
)";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const lvs::scenario::Scenario exercise =
        lvs::scenario::load_scenario_text(kExercise, "fuzz-exercise.yaml");
    const std::string text = lvs::fuzz::text_of(data, size);
    try {
        (void)lvs::scenario::answer_from_text(text, "answer.yaml", exercise);
    } catch (const lvs::scenario::ConfigError&) {
    } catch (const std::exception& e) {
        lvs::fuzz::internal_error(e.what());
    }
    try {
        (void)lvs::scenario::answer_key_from_text(text, "key.yaml", exercise);
    } catch (const lvs::scenario::ConfigError&) {
    } catch (const std::exception& e) {
        lvs::fuzz::internal_error(e.what());
    }
    return 0;
}
