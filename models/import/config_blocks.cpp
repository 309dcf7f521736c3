#include "models/import/config_blocks.hpp"

namespace lvs::import {

namespace {

// The words of one line, comments cut (keepalived's read_line() treats `!` and `#` alike).
void split_line(const std::string& line, int number, std::vector<Word>& out, const std::string& origin) {
    size_t i = 0;
    while (i < line.size()) {
        const char c = line[i];
        if (c == ' ' || c == '\t' || c == '\r') {
            ++i;
            continue;
        }
        if (c == '#' || c == '!') return;
        const int column = static_cast<int>(i) + 1;
        if (c == '"') {
            const size_t end = line.find('"', i + 1);
            if (end == std::string::npos)
                throw ImportError({origin, number, column}, "a quoted string is not closed on its line",
                                  "add the closing \"");
            out.push_back({line.substr(i + 1, end - i - 1), number, column});
            i = end + 1;
            continue;
        }
        if (c == '{' || c == '}') {
            out.push_back({std::string(1, c), number, column});
            ++i;
            continue;
        }
        size_t end = i;
        while (end < line.size() && line[end] != ' ' && line[end] != '\t' && line[end] != '\r' &&
               line[end] != '{' && line[end] != '}')
            ++end;
        out.push_back({line.substr(i, end - i), number, column});
        i = end;
    }
}

// The words of the whole text in order, each line ended by a "\n" word.
struct Reader {
    std::vector<Word> words;
    size_t at = 0;
    std::string origin;

    // Statements until the closing brace (inside a block) or the end of the text.
    std::vector<Statement> block(const Word* opened, int depth = 0) {
        // keepalived.conf nests four deep (virtual_server, real_server, HTTP_GET, url).
        if (depth > 16)
            throw ImportError({origin, opened->line, opened->column}, "blocks nested more than 16 deep",
                              "keepalived.conf nests at most a few levels: check the braces");
        std::vector<Statement> out;
        Statement cur;
        const auto flush = [&] {
            if (!cur.words.empty()) out.push_back(std::move(cur));
            cur = Statement{};
        };
        while (at < words.size()) {
            const Word w = words[at++];
            if (w.text == "\n") {
                flush();
            } else if (w.text == "{") {
                if (cur.words.empty())
                    throw ImportError({origin, w.line, w.column}, "a block opens without a keyword",
                                      "write the keyword before `{`, e.g. `real_server 192.168.10.11 80 {`");
                cur.block = true;
                cur.children = block(&w, depth + 1);
                flush();
            } else if (w.text == "}") {
                if (opened == nullptr)
                    throw ImportError({origin, w.line, w.column}, "`}` closes no block",
                                      "remove it, or open the block it should close");
                flush();
                return out;
            } else {
                cur.words.push_back(w);
            }
        }
        if (opened != nullptr)
            throw ImportError({origin, opened->line, opened->column}, "this block is never closed",
                              "add the `}` that closes it");
        flush();
        return out;
    }
};

}  // namespace

std::vector<Statement> read_blocks(const std::string& text, const std::string& origin) {
    Reader r;
    r.origin = origin;
    size_t start = 0;
    int number = 0;
    while (start <= text.size()) {
        const size_t end = text.find('\n', start);
        const std::string line =
            text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        ++number;
        split_line(line, number, r.words, origin);
        r.words.push_back({"\n", number, static_cast<int>(line.size()) + 1});
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return r.block(nullptr);
}

}  // namespace lvs::import
