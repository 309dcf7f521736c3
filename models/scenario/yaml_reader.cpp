#include "models/scenario/yaml_reader.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "models/scenario/units.hpp"

namespace lvs::scenario {

std::string ConfigError::format() const {
    std::string out = file_;
    if (line_ > 0) out += ":" + std::to_string(line_) + ":" + std::to_string(column_);
    out += ": error: " + std::string(what());
    if (!hint_.empty()) out += "\n  hint: " + hint_;
    return out;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
    std::string best, longer;
    size_t best_d = 3;
    for (const std::string& c : candidates) {
        if (!word.empty() && c.rfind(word, 0) == 0) return c;
        // A longer spelling of a key (advert_interval for advert_int), when nothing is closer.
        if (c.size() >= 6 && word.size() > c.size() && word.rfind(c, 0) == 0 && c.size() > longer.size())
            longer = c;
        std::vector<size_t> prev(c.size() + 1), cur(c.size() + 1);
        for (size_t j = 0; j <= c.size(); ++j) prev[j] = j;
        for (size_t i = 1; i <= word.size(); ++i) {
            cur[0] = i;
            for (size_t j = 1; j <= c.size(); ++j)
                cur[j] =
                    std::min({prev[j] + 1, cur[j - 1] + 1,
                              prev[j - 1] + (std::tolower(word[i - 1]) == std::tolower(c[j - 1]) ? 0 : 1)});
            std::swap(prev, cur);
        }
        if (prev[c.size()] < best_d) {
            best_d = prev[c.size()];
            best = c;
        }
    }
    return best.empty() ? longer : best;
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

Mark mark_of(const YAML::Node& n) { return {n.Mark().line + 1, n.Mark().column + 1}; }

}  // namespace lvs::scenario
