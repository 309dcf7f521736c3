// What every fuzz target shares: the libFuzzer entry point, and the rule that an input may
// only ever be rejected with the error a user would see (exit status 2). Any other exception
// is what `lvsim` reports as "internal error" (exit 3): a bug, so the target aborts and the
// fuzzer (or the corpus replay in ctest) reports the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace lvs::fuzz {

inline std::string text_of(const uint8_t* data, size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

[[noreturn]] inline void internal_error(const char* what) {
    std::fprintf(stderr, "fuzz: an input ended in an internal error: %s\n", what);
    std::abort();
}

}  // namespace lvs::fuzz
