// The expectation language's parser: a condition either parses or is an ExprError with a
// position inside it.
#include "models/scenario/expr.hpp"
#include "tests/fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = lvs::fuzz::text_of(data, size);
    try {
        (void)lvs::scenario::Expr::parse(text);
    } catch (const lvs::scenario::ExprError&) {
    } catch (const std::exception& e) {
        lvs::fuzz::internal_error(e.what());
    }
    return 0;
}
