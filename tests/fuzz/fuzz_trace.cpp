// The viewer's JSON Lines trace reader: a trace it cannot use is a TraceParseError naming the
// line; whatever it accepts is indexed into a TraceModel.
#include <unistd.h>

#include <fstream>

#include "tests/fuzz/fuzz_target.hpp"
#include "viz/source/jsonl_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // The reader reads a file, as the viewer does.
    static const std::string path = "/tmp/lvsim-fuzz-trace-" + std::to_string(::getpid()) + ".jsonl";
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
        lvs::viz::TraceModel model;
        lvs::viz::JsonLinesReader reader(path, model);
        while (reader.step(1000)) {
        }
    } catch (const lvs::viz::TraceParseError&) {
    } catch (const std::exception& e) {
        lvs::fuzz::internal_error(e.what());
    }
    return 0;
}
