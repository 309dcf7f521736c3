// Listing quantities: every name a scenario can use (for "did you mean" and the API), the
// aligned table for people (`lvsim run FILE --list-quantities`) and the README's Markdown table.
#include <algorithm>

#include "models/scenario/quantity.hpp"
#include "models/scenario/quantity_parts.hpp"

namespace lvs::scenario {

using namespace quantity_detail;

std::vector<std::string> quantity_names(const Scenario& s) {
    std::vector<std::string> out;
    const std::vector<std::string> rs = rs_names(s), checks = check_names(s), states = state_names();
    std::vector<std::string> groups{"clients"};
    using Binding = std::pair<std::string_view, const std::vector<std::string>*>;
    for (const auto& g : group_names(s)) groups.push_back(g);
    // N: call numbers up to the longest script; names that name no call are dropped below.
    size_t longest = 0;
    for (const auto& r : s.realservers) longest = std::max(longest, r.script.size());
    for (const auto& c : s.clients) longest = std::max(longest, c.script.size());
    std::vector<std::string> numbers;
    for (size_t k = 1; k <= longest; ++k) numbers.push_back(std::to_string(k));
    for (const QuantityDef& d : quantity_table()) {
        const std::vector<std::string> lvs = director_names(s, d.pattern);
        // Expand each placeholder in turn.
        std::vector<std::string> names{std::string(d.pattern)};
        for (const auto& [word, values] :
             {Binding{"RS", &rs}, Binding{"GROUP", &groups}, Binding{"CHECK", &checks},
              Binding{"STATE", &states}, Binding{"N", &numbers}, Binding{"LVS", &lvs}}) {
            std::vector<std::string> next;
            for (const std::string& nm : names) {
                std::vector<std::string_view> parts = split(nm);
                const auto it = std::find(parts.begin(), parts.end(), word);
                if (it == parts.end()) {
                    next.push_back(nm);
                    continue;
                }
                const size_t at = static_cast<size_t>(it - parts.begin());
                for (const std::string& v : *values) {
                    std::string built;
                    for (size_t i = 0; i < parts.size(); ++i)
                        built += (i ? "." : "") + std::string(i == at ? std::string_view(v) : parts[i]);
                    next.push_back(built);
                }
            }
            names = std::move(next);
        }
        for (std::string& nm : names)
            if (d.pattern.find(".N.") == std::string_view::npos || resolve_quantity(nm, s))
                out.push_back(std::move(nm));
    }
    return out;
}

std::string quantity_listing(const Scenario& s) {
    const auto names = [](const std::vector<std::string>& v) {
        return v.empty() ? std::string("(none)") : join(v);
    };
    std::vector<std::string> groups{"clients"};
    for (const auto& g : group_names(s)) groups.push_back(g);
    std::string out = "Quantities of " + s.name + " (expectations, sweep metrics, lvsim::Run::quantity)\n";
    out += "  RS = " + names(rs_names(s)) + "; GROUP = " + join(groups) +
           "; CHECK = " + names(check_names(s)) +
           "; LVS = " + names(s.fleet ? director_names(s, "fleet.") : director_names(s, "ha.")) +
           "; STATE = an IPVS state as ipvsadm -Lnc prints it (" + join(state_names()) + ")\n\n";
    size_t width = 0;
    for (const QuantityDef& d : quantity_table()) width = std::max(width, d.pattern.size());
    for (const QuantityDef& d : quantity_table()) {
        std::string line = "  " + std::string(d.pattern);
        line.resize(width + 4, ' ');
        std::string unit(to_string(d.unit));
        unit.resize(9, ' ');
        out += line + unit + std::string(d.meaning) + "\n";
    }
    out +=
        "\nA bare number is in the quantity's unit; a number with a time unit is converted (page_load_p50 < "
        "1s).\n";
    return out;
}

std::string quantity_markdown() {
    std::string out = "| quantity | unit | meaning |\n|---|---|---|\n";
    for (const QuantityDef& d : quantity_table())
        out += "| `" + std::string(d.pattern) + "` | " + std::string(to_string(d.unit)) + " | " +
               std::string(d.meaning) + " |\n";
    return out;
}

}  // namespace lvs::scenario
