// docs/trace.md, rendered from the vocabulary table (`lvsim trace-vocabulary`).
#include "models/trace/vocabulary.hpp"

namespace lvs::trace {

std::string render_markdown() {
    std::string out =
        "# The trace vocabulary\n\n"
        "Generated from `models/trace/vocabulary.cpp` by `lvsim trace-vocabulary`; a test keeps the\n"
        "two identical, so edit the table and run `build/cli/lvsim trace-vocabulary > docs/trace.md`.\n\n"
        "`lvsim run SCENARIO --trace FILE` writes one JSON object per line:\n"
        "`{\"seq\":..,\"t\":..,\"cause\":..,\"entity\":\"..\",\"kind\":\"..\", fields...}`. `t` is the\n"
        "simulated time in integer nanoseconds, `seq` the number of the event that made the record and\n"
        "`cause` the event that scheduled that one, so a reader can walk back from any record to what\n"
        "triggered it. The fields of each kind follow; a field marked *sometimes* appears only where\n"
        "it applies. Times inside fields are integer nanoseconds unless the name gives a unit.\n\n"
        "| kind | published by | what it records |\n|---|---|---|\n";
    for (const KindSpec& k : vocabulary())
        out += "| [`" + std::string(k.kind) + "`](#" +
               [&] {
                   std::string anchor;
                   for (char c : k.kind)
                       if (c != '.') anchor += c;
                   return anchor;
               }() +
               ") | " + std::string(k.entity) + " | " + std::string(k.meaning) + " |\n";
    for (const KindSpec& k : vocabulary()) {
        out += "\n## " + std::string(k.kind) + "\n\n" + std::string(k.meaning) + ". Published by " +
               std::string(k.entity) + ".\n\n| field | type | | meaning |\n|---|---|---|---|\n";
        for (const FieldSpec& f : k.fields)
            out += "| `" + std::string(f.key) + "` | " + std::string(to_string(f.type)) + " | " +
                   (f.always ? "always" : "sometimes") + " | " + std::string(f.meaning) + " |\n";
    }
    return out;
}

}  // namespace lvs::trace
