// keepalived.conf's shape: lines of words, a line ending in `{` opening a block that a `}`
// closes; `#` and `!` start comments; "double quotes" group words (misc_path). Read once into
// a tree of statements that keep each word's line and column, so that every later message
// can point at the word it is about.
#pragma once

#include <string>
#include <vector>

#include "models/import/imported.hpp"

namespace lvs::import {

struct Word {
    std::string text;
    int line = 0;
    int column = 0;
};

struct Statement {
    std::vector<Word> words;          // the keyword and its arguments
    std::vector<Statement> children;  // the block's statements, when it has one
    bool block = false;
    const Word& keyword() const { return words.front(); }
};

// The statements of `text`; an unbalanced brace is an ImportError at its place.
std::vector<Statement> read_blocks(const std::string& text, const std::string& origin);

}  // namespace lvs::import
