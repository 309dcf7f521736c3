#include "viz/source/jsonl_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

namespace lvs::viz {

namespace {

[[noreturn]] void bad(size_t column, const std::string& what) {
    throw std::invalid_argument("column " + std::to_string(column + 1) + ": " + what);
}

size_t skip_ws(std::string_view in, size_t pos) {
    while (pos < in.size() && (in[pos] == ' ' || in[pos] == '\t' || in[pos] == '\r' || in[pos] == '\n'))
        ++pos;
    return pos;
}

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

uint32_t parse_hex4(std::string_view in, size_t pos) {
    if (pos + 4 > in.size()) bad(pos, "truncated \\u escape");
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) {
        const char c = in[pos + k];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= static_cast<uint32_t>(c - '0');
        else if (c >= 'a' && c <= 'f') v |= static_cast<uint32_t>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= static_cast<uint32_t>(c - 'A' + 10);
        else bad(pos + k, "bad hex digit in \\u escape");
    }
    return v;
}

// `pos` is just after the opening quote; returns the position after the closing quote.
size_t parse_string(std::string_view in, size_t pos, std::string& out) {
    while (true) {
        if (pos >= in.size()) bad(pos, "unterminated string");
        // Copy the run up to the next quote or backslash in one go (most strings have none).
        size_t run = pos;
        while (run < in.size() && in[run] != '"' && in[run] != '\\') ++run;
        out.append(in.data() + pos, run - pos);
        pos = run;
        if (pos >= in.size()) bad(pos, "unterminated string");
        if (in[pos] == '"') return pos + 1;
        if (pos + 1 >= in.size()) bad(pos, "unterminated escape");
        const char e = in[pos + 1];
        pos += 2;
        switch (e) {
            case '"': out.push_back('"'); break;
            case '\\': out.push_back('\\'); break;
            case '/': out.push_back('/'); break;
            case 'b': out.push_back('\b'); break;
            case 'f': out.push_back('\f'); break;
            case 'n': out.push_back('\n'); break;
            case 'r': out.push_back('\r'); break;
            case 't': out.push_back('\t'); break;
            case 'u': {
                uint32_t cp = parse_hex4(in, pos);
                pos += 4;
                if (cp >= 0xD800 && cp < 0xDC00 && pos + 6 <= in.size() && in[pos] == '\\' &&
                    in[pos + 1] == 'u') {
                    const uint32_t lo = parse_hex4(in, pos + 2);
                    if (lo >= 0xDC00 && lo < 0xE000) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        pos += 6;
                    }
                }
                append_utf8(out, cp);
                break;
            }
            default: bad(pos - 1, std::string("unknown escape \\") + e);
        }
    }
}

}  // namespace

void parse_flat_object(std::string_view in, std::string& scratch, std::vector<JsonMember>& out) {
    out.clear();
    scratch.clear();
    // Views into `scratch` are fixed up at the end: appending may move its buffer.
    struct Span {
        size_t key_off, key_len, s_off, s_len;
    };
    static thread_local std::vector<Span> spans;
    spans.clear();
    size_t pos = skip_ws(in, 0);
    if (pos >= in.size() || in[pos] != '{') bad(pos, "expected '{'");
    pos = skip_ws(in, pos + 1);
    if (pos < in.size() && in[pos] == '}') return;
    while (true) {
        if (pos >= in.size() || in[pos] != '"') bad(pos, "expected a quoted key");
        Span sp{scratch.size(), 0, 0, 0};
        pos = parse_string(in, pos + 1, scratch);
        sp.key_len = scratch.size() - sp.key_off;
        pos = skip_ws(in, pos);
        if (pos >= in.size() || in[pos] != ':') bad(pos, "expected ':'");
        pos = skip_ws(in, pos + 1);
        if (pos >= in.size()) bad(pos, "expected a value");
        JsonMember m;
        if (in[pos] == '"') {
            m.type = FieldType::Text;
            sp.s_off = scratch.size();
            pos = parse_string(in, pos + 1, scratch);
            sp.s_len = scratch.size() - sp.s_off;
        } else if (in[pos] == '-' || (in[pos] >= '0' && in[pos] <= '9')) {
            size_t end = pos;
            bool real = false;
            while (end < in.size() && (std::strchr("+-0123456789.eE", in[end]) != nullptr)) {
                if (in[end] == '.' || in[end] == 'e' || in[end] == 'E') real = true;
                ++end;
            }
            const char* b = in.data() + pos;
            const char* e = in.data() + end;
            if (!real) {
                const auto r = std::from_chars(b, e, m.i);
                if (r.ec == std::errc() && r.ptr == e) {
                    m.type = FieldType::Int;
                } else {
                    real = true;  // out of int64 range: keep it as a real
                }
            }
            if (real) {
                const auto r = std::from_chars(b, e, m.d);
                if (r.ec != std::errc() || r.ptr != e) bad(pos, "bad number");
                m.type = FieldType::Real;
            }
            pos = end;
        } else if (in.substr(pos, 4) == "true" || in.substr(pos, 5) == "false") {
            m.type = FieldType::Int;
            m.i = in[pos] == 't' ? 1 : 0;
            pos += in[pos] == 't' ? 4 : 5;
        } else if (in.substr(pos, 4) == "null") {
            m.type = FieldType::Text;
            pos += 4;
        } else {
            bad(pos, "unsupported value (the trace has flat objects of numbers and strings)");
        }
        out.push_back(m);
        spans.push_back(sp);
        pos = skip_ws(in, pos);
        if (pos < in.size() && in[pos] == ',') {
            pos = skip_ws(in, pos + 1);
            continue;
        }
        if (pos < in.size() && in[pos] == '}') break;
        bad(pos, "expected ',' or '}'");
    }
    if (skip_ws(in, pos + 1) != in.size()) bad(pos + 1, "text after the object");
    for (size_t k = 0; k < out.size(); ++k) {
        out[k].key = std::string_view(scratch).substr(spans[k].key_off, spans[k].key_len);
        if (out[k].type == FieldType::Text)
            out[k].s = std::string_view(scratch).substr(spans[k].s_off, spans[k].s_len);
    }
}

JsonLinesReader::JsonLinesReader(std::string path, TraceModel& model)
    : path_(std::move(path)), model_(model), builder_(model) {
    file_ = std::fopen(path_.c_str(), "rb");
    if (file_ == nullptr)
        throw TraceParseError(path_, 0, std::string("cannot open: ") + std::strerror(errno));
    std::fseek(file_, 0, SEEK_END);
    size_ = static_cast<uint64_t>(std::max(0L, std::ftell(file_)));
    std::fseek(file_, 0, SEEK_SET);
}

JsonLinesReader::~JsonLinesReader() {
    if (file_ != nullptr) std::fclose(file_);
}

double JsonLinesReader::progress() const {
    if (done_ || size_ == 0) return 1.0;
    return static_cast<double>(read_bytes_) / static_cast<double>(size_);
}

bool JsonLinesReader::step(size_t max_lines) {
    if (done_) return false;
    char* buf = nullptr;
    size_t cap = 0;
    for (size_t n = 0; n < max_lines; ++n) {
        const ssize_t len = ::getline(&buf, &cap, file_);
        if (len < 0) {
            std::free(buf);
            if (line_no_ == 0) throw TraceParseError(path_, 0, "the trace is empty");
            builder_.finish();
            done_ = true;
            return false;
        }
        ++line_no_;
        read_bytes_ += static_cast<uint64_t>(len);
        std::string_view line(buf, static_cast<size_t>(len));
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
        if (line.empty()) continue;
        try {
            parse_line(line);
        } catch (const std::invalid_argument& e) {
            std::free(buf);
            throw TraceParseError(path_, line_no_, e.what());
        }
    }
    std::free(buf);
    return true;
}

void JsonLinesReader::parse_line(std::string_view line) {
    parse_flat_object(line, scratch_, members_);
    // The writer puts the header first: {"seq","t","cause","entity","kind", fields...}. Later
    // members with the same names (net.packet's "seq") are fields.
    int64_t seq = -1, t = -1, cause = 0;
    std::string_view entity, kind;
    bool have_entity = false, have_kind = false, have_cause = false;
    size_t k = 0;
    for (; k < members_.size() && k < 5; ++k) {
        const JsonMember& m = members_[k];
        if (m.key == "seq" && seq < 0 && m.type == FieldType::Int) seq = m.i;
        else if (m.key == "t" && t < 0 && m.type == FieldType::Int) t = m.i;
        else if (m.key == "cause" && !have_cause && m.type == FieldType::Int) cause = m.i, have_cause = true;
        else if (m.key == "entity" && !have_entity && m.type == FieldType::Text)
            entity = m.s, have_entity = true;
        else if (m.key == "kind" && !have_kind && m.type == FieldType::Text) kind = m.s, have_kind = true;
        else break;
    }
    if (t < 0)
        throw std::invalid_argument(
            "a trace record needs an integer \"t\" (nanoseconds) among its first members");
    if (!have_kind) throw std::invalid_argument("a trace record needs a \"kind\" among its first members");
    if (t < last_t_)
        throw std::invalid_argument(
            "time goes backwards: t = " + std::to_string(t) + " ns after t = " + std::to_string(last_t_) +
            " ns on an earlier line (a trace is written in time order; was it edited or "
            "concatenated?)");
    last_t_ = t;
    builder_.begin(t, static_cast<uint64_t>(std::max<int64_t>(0, seq)), static_cast<uint64_t>(cause), entity,
                   kind);
    for (; k < members_.size(); ++k) {
        const JsonMember& m = members_[k];
        switch (m.type) {
            case FieldType::Int: builder_.add_int(m.key, m.i); break;
            case FieldType::Real: builder_.add_real(m.key, m.d); break;
            case FieldType::Text: builder_.add_text(m.key, m.s); break;
        }
    }
    builder_.end();
}

}  // namespace lvs::viz
