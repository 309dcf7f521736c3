// Reads a recorded trace (`lvsim run FILE --trace out.jsonl`): one JSON object per line,
// {"seq","t","cause","entity","kind", ...fields}, into the same TraceModel the in-process source
// fills. A small reader of our own: the writer only emits flat objects of integers, reals and
// strings, so a full JSON library would add a dependency and nothing else.
#pragma once

#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "viz/trace_model.hpp"

namespace lvs::viz {

class TraceParseError : public std::runtime_error {
public:
    TraceParseError(const std::string& file, uint64_t line, const std::string& what)
        : std::runtime_error(file + ":" + std::to_string(line) + ": error: " + what) {}
};

// Parses one flat JSON object into `out` (used by the reader and by its test). Strings are
// unescaped (\" \\ \/ \b \f \n \r \t \uXXXX with surrogate pairs) into `scratch`, which the
// members' views point into; numbers without fraction or exponent are integers. Throws
// std::invalid_argument naming the column on bad input.
struct JsonMember {
    std::string_view key;
    FieldType type = FieldType::Int;
    int64_t i = 0;
    double d = 0;
    std::string_view s;
};
void parse_flat_object(std::string_view line, std::string& scratch, std::vector<JsonMember>& out);

class JsonLinesReader {
public:
    // Opens the file (throws TraceParseError when it cannot be read).
    JsonLinesReader(std::string path, TraceModel& model);
    ~JsonLinesReader();
    JsonLinesReader(const JsonLinesReader&) = delete;
    JsonLinesReader& operator=(const JsonLinesReader&) = delete;

    // Parses up to `max_lines` more lines; false once the whole file is read (and indexed).
    bool step(size_t max_lines);
    double progress() const;
    uint64_t lines() const { return line_no_; }

private:
    void parse_line(std::string_view line);

    std::string path_;
    std::FILE* file_ = nullptr;
    uint64_t size_ = 0;
    uint64_t read_bytes_ = 0;
    uint64_t line_no_ = 0;
    int64_t last_t_ = 0;  // the simulator writes records in time order; a trace that is not was edited
    std::string line_;
    std::string scratch_;
    std::vector<JsonMember> members_;
    TraceModel& model_;
    TraceModelBuilder builder_;
    bool done_ = false;
};

}  // namespace lvs::viz
