// The ipvsadm command-line parser, one line per input line: it reports an error with a
// column inside the line, and never throws.
#include <string_view>

#include "models/ipvs/ipvsadm.hpp"
#include "tests/fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = lvs::fuzz::text_of(data, size);
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) nl = text.size();
        const std::string_view line(text.data() + pos, nl - pos);
        lvs::ipvs::IpvsadmError err;
        try {
            const auto cmd = lvs::ipvs::parse_ipvsadm(line, &err);
            if (!cmd && err.column > line.size()) lvs::fuzz::internal_error("error column past the line");
        } catch (const std::exception& e) {
            lvs::fuzz::internal_error(e.what());
        }
        pos = nl + 1;
    }
    return 0;
}
