// code_size: keeps the source readable in pieces. Every .cpp/.hpp under the given folders must
// be at most --max-file lines long (wc -l) and every function body at most --max-function lines,
// counted from the line of the body's opening brace to the line of its closing brace. Lambdas
// inside a function count as part of it; class, struct, union, enum, namespace and initializer
// braces are not functions (functions defined inside a class are).
//
//   code_size [--max-file N] [--max-function N] [--top K] [--pending FILE] ROOT DIR...
//   code_size --self-test SCRATCH_DIR
//
// --pending names a list of violations not yet split (`path` for a file, `path NAME` for a
// function, one a line, # comments): they are reported but do not fail. An entry that no
// longer needs to be there fails, so the list only shrinks.
//
// Violations print as `path:line: function NAME is N lines (limit 120)` or
// `path: N lines (limit 500)`; the exit status is 1 when there is any. --top lists the K
// longest functions as well. No dependency beyond the standard library, so CI needs nothing
// new: it is built with the tests and run by ctest (tests/CMakeLists.txt, `code_size`).
//
// The scan is a small lexer, not a parser: comments, string and character literals (raw
// strings too) and preprocessor lines are blanked first, then braces are matched and each
// opening brace outside a function is classified by the text before it.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Function {
    std::string name;
    int line;    // the line of the function's name
    int length;  // lines from the opening brace to the closing brace, both included
};

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// A ' inside a number (60'000) is a digit separator, not the start of a character literal.
bool is_digit_separator(const std::string& s, std::size_t i) {
    if (i == 0 || !is_word_char(s[i - 1])) return false;
    std::size_t start = i;
    while (start > 0 && (is_word_char(s[start - 1]) || s[start - 1] == '\'')) --start;
    return std::isdigit(static_cast<unsigned char>(s[start])) != 0;
}

// Blanks comments, literals and preprocessor lines with spaces, keeping every newline, so that
// positions in the result still map to the source's lines.
std::string blank_non_code(const std::string& src) {
    std::string out = src;
    auto blank = [&](std::size_t from, std::size_t to) {
        for (std::size_t k = from; k < to && k < out.size(); ++k)
            if (out[k] != '\n') out[k] = ' ';
    };
    std::size_t i = 0;
    bool line_start = true;
    while (i < src.size()) {
        char c = src[i];
        if (c == '\n') {
            line_start = true;
            ++i;
            continue;
        }
        if (line_start && c == '#') {  // a directive, with its backslash continuations
            std::size_t j = i;
            while (j < src.size() && !(src[j] == '\n' && src[j - 1] != '\\')) ++j;
            blank(i, j);
            i = j;
            continue;
        }
        if (!std::isspace(static_cast<unsigned char>(c))) line_start = false;
        if (c == '/' && i + 1 < src.size() && src[i + 1] == '/') {
            std::size_t j = src.find('\n', i);
            if (j == std::string::npos) j = src.size();
            blank(i, j);
            i = j;
        } else if (c == '/' && i + 1 < src.size() && src[i + 1] == '*') {
            std::size_t j = src.find("*/", i + 2);
            j = j == std::string::npos ? src.size() : j + 2;
            blank(i, j);
            i = j;
        } else if (c == 'R' && i + 1 < src.size() && src[i + 1] == '"' &&
                   (i == 0 || !is_word_char(src[i - 1]) || src[i - 1] == '8' || src[i - 1] == 'u' ||
                    src[i - 1] == 'U' || src[i - 1] == 'L')) {
            std::size_t open = src.find('(', i + 2);
            std::string delim = ")" + src.substr(i + 2, open - (i + 2)) + "\"";
            std::size_t j = src.find(delim, open);
            j = j == std::string::npos ? src.size() : j + delim.size();
            blank(i + 1, j);
            i = j;
        } else if (c == '"' || (c == '\'' && !is_digit_separator(src, i))) {
            std::size_t j = i + 1;
            while (j < src.size() && src[j] != c) j += src[j] == '\\' ? 2 : 1;
            blank(i, j + 1);
            i = j + 1;
        } else {
            ++i;
        }
    }
    return out;
}

std::string trim(const std::string& s) {
    std::size_t b = s.find_first_not_of(" \t\n");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\n") - b + 1);
}

// The text before a brace with a leading `template <...>` removed.
std::string strip_template(std::string head) {
    head = trim(head);
    while (head.rfind("template", 0) == 0) {
        std::size_t lt = head.find('<');
        if (lt == std::string::npos) break;
        int depth = 0;
        std::size_t k = lt;
        for (; k < head.size(); ++k) {
            if (head[k] == '<') ++depth;
            if (head[k] == '>' && --depth == 0) break;
        }
        head = trim(head.substr(std::min(k + 1, head.size())));
    }
    return head;
}

std::string first_word(const std::string& s) {
    std::size_t e = 0;
    while (e < s.size() && is_word_char(s[e])) ++e;
    return s.substr(0, e);
}

bool opens_scope(const std::string& head) {
    std::string h = strip_template(head);
    std::string w = first_word(h);
    if (w == "inline" || w == "export" || w == "typedef") w = first_word(trim(h.substr(w.size())));
    return w == "class" || w == "struct" || w == "union" || w == "enum" || w == "namespace" || w == "extern";
}

// A function body follows `)` plus, optionally, qualifiers, a trailing return type or the
// rest of a constructor's initializer list (whose own braces are already collapsed to {}).
bool opens_function(const std::string& head) {
    std::size_t close = head.rfind(')');
    if (close == std::string::npos) return false;
    for (std::size_t k = close + 1; k < head.size(); ++k) {
        char c = head[k];
        if (!(is_word_char(c) || std::isspace(static_cast<unsigned char>(c)) ||
              std::string_view(":<>&*,-{}").find(c) != std::string_view::npos))
            return false;
    }
    std::string t = trim(head);
    if (t.empty() || t.back() == ',') return false;
    // After `) :` comes a constructor's initializer list: `a_{` there opens a member's
    // initializer, and only a brace right after `)` or `}` opens the body.
    std::string tail = head.substr(close + 1);
    for (std::size_t k = 0; k < tail.size(); ++k) {
        if (tail[k] != ':') continue;
        if (k + 1 < tail.size() && tail[k + 1] == ':') {
            ++k;
            continue;
        }
        return t.back() == ')' || t.back() == '}';
    }
    return true;
}

// The identifier before the first call-like parenthesis: `lvs::tcp::Conn::on_ack`, `operator()`,
// or "(lambda)" for a lambda defined outside any function.
std::string function_name(const std::string& head) {
    std::string h = strip_template(head);
    std::size_t op = h.find("operator");
    if (op != std::string::npos) {
        std::size_t paren = h.find('(', op);
        if (paren != std::string::npos && h.compare(paren, 2, "()") == 0) paren = h.find('(', paren + 2);
        std::size_t b = op;
        while (b > 0 && (is_word_char(h[b - 1]) || h[b - 1] == ':')) --b;
        return trim(h.substr(b, paren - b));
    }
    for (std::size_t pos = h.find('('); pos != std::string::npos; pos = h.find('(', pos + 1)) {
        std::size_t e = pos;
        while (e > 0 && std::isspace(static_cast<unsigned char>(h[e - 1]))) --e;
        if (e > 0 && h[e - 1] == ']') return "(lambda)";
        std::size_t b = e;
        while (b > 0 && (is_word_char(h[b - 1]) || h[b - 1] == ':' || h[b - 1] == '~')) --b;
        std::string name = h.substr(b, e - b);
        if (name.empty() || name == "decltype" || name == "alignas" || name == "noexcept" ||
            name == "__attribute__")
            continue;
        return name;
    }
    return "(unnamed)";
}

std::vector<Function> find_functions(const std::string& source) {
    const std::string code = blank_non_code(source);
    std::vector<int> line_of(code.size() + 1, 1);
    for (std::size_t k = 0; k < code.size(); ++k) line_of[k + 1] = line_of[k] + (code[k] == '\n');

    enum class Kind { Scope, Initializer, Function };
    struct Open {
        Kind kind;
        std::size_t head_start;  // where the enclosing scope's current declaration began
        std::size_t pos;
        std::string name;
        int name_line;
    };
    std::vector<Open> stack;
    std::vector<Function> found;
    std::string head;  // the declaration text since the last ; { or } in the current scope
    std::size_t head_start = 0;
    auto in_function = [&] {
        return std::any_of(stack.begin(), stack.end(),
                           [](const Open& o) { return o.kind == Kind::Function; });
    };
    for (std::size_t i = 0; i < code.size(); ++i) {
        char c = code[i];
        if (in_function()) {
            if (c == '{') stack.push_back({Kind::Scope, 0, i, "", 0});
            if (c == '}') {
                Open o = stack.back();
                stack.pop_back();
                if (o.kind == Kind::Function) {
                    found.push_back({o.name, o.name_line, line_of[i] - line_of[o.pos] + 1});
                    head.clear();
                    head_start = i + 1;
                }
            }
            continue;
        }
        if (c == '{') {
            Kind kind = opens_scope(head)      ? Kind::Scope
                        : opens_function(head) ? Kind::Function
                                               : Kind::Initializer;
            std::string name = kind == Kind::Function ? function_name(head) : "";
            std::size_t at = name.empty() ? i : code.find(name.substr(0, name.find('(')), head_start);
            if (at == std::string::npos || at > i) at = i;
            stack.push_back({kind, head_start, i, name, line_of[at]});
            if (kind == Kind::Initializer) stack.back().name = head;
            head.clear();
            head_start = i + 1;
        } else if (c == '}') {
            if (stack.empty()) continue;  // unbalanced input: keep going rather than guess
            Open o = stack.back();
            stack.pop_back();
            if (o.kind == Kind::Initializer) {  // `a_{x}` stays part of the declaration around it
                head = o.name + "{}";
                head_start = o.head_start;
            } else {
                head.clear();
                head_start = i + 1;
            }
        } else if (c == ';') {
            head.clear();
            head_start = i + 1;
        } else {
            if (head.empty() && std::isspace(static_cast<unsigned char>(c))) head_start = i + 1;
            if (!head.empty() || !std::isspace(static_cast<unsigned char>(c))) head += c;
        }
    }
    return found;
}

struct Limits {
    int max_file = 500;
    int max_function = 120;
    int top = 0;
    std::vector<std::string> pending;  // "path" or "path NAME": known, not yet split
};

std::vector<std::string> read_pending(const std::string& path) {
    std::vector<std::string> out;
    std::ifstream in(path);
    if (!in) throw std::runtime_error("code_size: cannot read " + path);
    std::string line;
    while (std::getline(in, line)) {
        line = trim(line.substr(0, line.find('#')));
        if (!line.empty()) out.push_back(line);
    }
    return out;
}

std::vector<fs::path> sources_under(const fs::path& root, const std::vector<std::string>& dirs) {
    std::vector<fs::path> files;
    for (const std::string& d : dirs) {
        fs::path dir = root / d;
        if (!fs::exists(dir)) continue;
        for (const auto& entry : fs::recursive_directory_iterator(dir)) {
            std::string ext = entry.path().extension().string();
            if (entry.is_regular_file() && (ext == ".cpp" || ext == ".hpp")) files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

int check(const fs::path& root, const std::vector<std::string>& dirs, const Limits& limits,
          std::ostream& out) {
    struct Ranked {
        std::string where;
        Function f;
    };
    std::vector<Ranked> all;
    int violations = 0;
    std::vector<std::string> used;
    // A violation on the pending list is printed as such and not counted.
    auto report = [&](const std::string& key, const std::string& message) {
        const bool known =
            std::find(limits.pending.begin(), limits.pending.end(), key) != limits.pending.end();
        out << message << (known ? " [pending]" : "") << "\n";
        if (known) used.push_back(key);
        else ++violations;
    };
    std::vector<fs::path> files = sources_under(root, dirs);
    for (const fs::path& file : files) {
        std::ifstream in(file, std::ios::binary);
        std::stringstream buffer;
        buffer << in.rdbuf();
        const std::string source = buffer.str();
        const std::string rel = fs::relative(file, root).generic_string();
        const auto lines = std::count(source.begin(), source.end(), '\n');
        if (lines > limits.max_file)
            report(rel, rel + ": " + std::to_string(lines) + " lines (limit " +
                            std::to_string(limits.max_file) + ")");
        for (const Function& f : find_functions(source)) {
            if (f.length > limits.max_function)
                report(rel + " " + f.name, rel + ":" + std::to_string(f.line) + ": function " + f.name +
                                               " is " + std::to_string(f.length) + " lines (limit " +
                                               std::to_string(limits.max_function) + ")");
            all.push_back({rel + ":" + std::to_string(f.line), f});
        }
    }
    if (limits.top > 0) {
        std::stable_sort(all.begin(), all.end(),
                         [](const Ranked& a, const Ranked& b) { return a.f.length > b.f.length; });
        out << "longest functions:\n";
        for (std::size_t k = 0; k < all.size() && k < static_cast<std::size_t>(limits.top); ++k)
            out << "  " << all[k].f.length << "  " << all[k].where << "  " << all[k].f.name << "\n";
    }
    for (const std::string& p : limits.pending)
        if (std::find(used.begin(), used.end(), p) == used.end()) {
            out << p << ": on the pending list but within the limits now: remove it from the list\n";
            ++violations;
        }
    if (violations > 0) {
        out << violations
            << " size limit(s) exceeded: split along a real seam (one responsibility per file)\n";
        return 1;
    }
    out << files.size() << " files within " << limits.max_file << " lines, functions within "
        << limits.max_function << "\n";
    return 0;
}

// The self-test writes small sources into SCRATCH_DIR and runs the same check on them, so the
// ctest can fail: an over-long file and an over-long function must be reported, and what only
// looks like a brace (comments, strings, digit separators, class bodies) must not.
std::string repeat(const std::string& line, int n) {
    std::string s;
    for (int k = 0; k < n; ++k) s += line;
    return s;
}

int self_test(const fs::path& scratch) {
    int failures = 0;
    auto expect = [&](bool ok, const std::string& what, const std::string& output) {
        if (!ok) {
            std::cerr << "code_size self-test FAILED: " << what << "\n--- output ---\n" << output;
            ++failures;
        }
    };
    auto run_on = [&](const std::string& name, const std::string& text, int& status) {
        fs::path dir = scratch / "code_size_self_test" / name;
        fs::remove_all(dir);
        fs::create_directories(dir / "src");
        std::ofstream(dir / "src" / "sample.cpp", std::ios::binary) << text;
        std::ostringstream out;
        status = check(dir, {"src"}, Limits{}, out);
        return out.str();
    };
    int status = 0;
    // 120 lines from brace to brace is allowed, 121 is not.
    std::string ok_body = "int fits() {\n" + repeat("    x();\n", 118) + "}\n";
    std::string out = run_on("fits", ok_body, status);
    expect(status == 0, "a 120-line function passes", out);

    std::string long_body =
        "\n\nint too_long(int a,\n             int b) {\n" + repeat("    x();\n", 119) + "}\n";
    out = run_on("long_function", long_body, status);
    expect(status == 1, "a 121-line function fails", out);
    expect(out.find("src/sample.cpp:3: function too_long is 121 lines (limit 120)") != std::string::npos,
           "the report names the function and its line", out);

    out = run_on("long_file", repeat("// filler\n", 501), status);
    expect(status == 1 && out.find("src/sample.cpp: 501 lines (limit 500)") != std::string::npos,
           "a 501-line file fails", out);

    // Class and namespace braces are not functions; member functions and lambdas are measured.
    std::string nested = "namespace n {\nstruct S {\n    int f() const {\n" + repeat("        y();\n", 60) +
                         "        auto l = [&](int v) {\n" + repeat("            z(v);\n", 60) +
                         "        };\n    }\n};\n}  // namespace n\n";
    out = run_on("nested", nested, status);
    expect(status == 1 && out.find("function f is 124 lines") != std::string::npos,
           "a member function counts its lambda", out);

    // Braces in comments, strings and after digit separators do not open anything; an
    // initializer list with braces leads into the constructor's body.
    std::string tricky =
        "// {\nconst char* s = \"{{\";\nconst char* r = R\"x({)x\";\nchar c = '{';\n"
        "int n = 60'000;\nstruct T {\n    T() : a_{1}, b_(2) {\n" +
        repeat("        w();\n", 130) + "    }\n    int a_, b_;\n};\n";
    out = run_on("tricky", tricky, status);
    expect(status == 1 && out.find("src/sample.cpp:7: function T is 132 lines") != std::string::npos,
           "a constructor after literals and an initializer list is measured", out);
    // A pending entry excuses its violation; a stale one fails.
    {
        fs::path dir = scratch / "code_size_self_test" / "pending";
        fs::remove_all(dir);
        fs::create_directories(dir / "src");
        std::ofstream(dir / "src" / "sample.cpp", std::ios::binary) << long_body;
        Limits excused;
        excused.pending = {"src/sample.cpp too_long"};
        std::ostringstream o1;
        expect(check(dir, {"src"}, excused, o1) == 0, "a pending function does not fail", o1.str());
        excused.pending.push_back("src/other.cpp");
        std::ostringstream o2;
        expect(check(dir, {"src"}, excused, o2) == 1, "a stale pending entry fails", o2.str());
    }
    if (failures == 0) std::cout << "code_size self-test passed\n";
    return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 2 && args[0] == "--self-test") return self_test(args[1]);
    Limits limits;
    std::vector<std::string> positional;
    for (std::size_t k = 0; k < args.size(); ++k) {
        if (args[k] == "--pending" && k + 1 < args.size()) {
            limits.pending = read_pending(args[++k]);
        } else if ((args[k] == "--max-file" || args[k] == "--max-function" || args[k] == "--top") &&
                   k + 1 < args.size()) {
            int value = std::stoi(args[k + 1]);
            (args[k] == "--max-file" ? limits.max_file
             : args[k] == "--top"    ? limits.top
                                     : limits.max_function) = value;
            ++k;
        } else {
            positional.push_back(args[k]);
        }
    }
    if (positional.size() < 2) {
        std::cerr
            << "usage: code_size [--max-file N] [--max-function N] [--top K] [--pending FILE] ROOT DIR...\n"
               "       code_size --self-test SCRATCH_DIR\n";
        return 2;
    }
    std::vector<std::string> dirs(positional.begin() + 1, positional.end());
    return check(positional[0], dirs, limits, std::cout);
}
