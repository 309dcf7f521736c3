// The scenario's expect: section: the conditions a lesson checks, with the quantities they name
// resolved and times that must not look into the future. Read last, as they name everything else.
#include "models/scenario/loader_impl.hpp"

namespace lvs::scenario::detail {

void Loader::expectations() {
    const YAML::Node list = root_["expect"];
    if (!list) return;
    if (!list.IsSequence()) r_.fail(list, "expect must be a list of `- at: T` / `that: CONDITION` entries");
    const sim::Time end = sim::at(s_.duration);
    for (const auto& n : list) {
        r_.check_keys(n, schema::kExpectation, "an expectation");
        Expectation x;
        x.mark = mark_of(n);
        if (!n["that"])
            r_.fail(n, "an expectation needs `that:` (a condition)", "e.g. `that: rs1.active >= 1`");
        const YAML::Node that = n["that"];
        x.text = r_.text(that, "that");
        if (n["at"] && r_.text(n["at"], "at") != "end") {
            x.at = sim::at(r_.duration(n["at"], "at"));
            check_time(n["at"], *x.at, "the expectation");
        }
        // A quoted condition's text starts one column after its mark.
        const size_t quote = that.Tag() == "!" ? 1 : 0;
        try {
            x.condition = Expr::compile(x.text, s_);
        } catch (const ExprError& e) {
            r_.fail(that, "in the condition: " + std::string(e.what()),
                    e.hint.empty() ? "conditions look like rs1.active >= 1 && clients.objects_failed == 0"
                                   : e.hint,
                    e.column + quote);
        }
        if (!x.condition.is_condition())
            r_.fail(that, "`that:` must be a condition (==, <, >=, &&, ...)", "e.g. rs1.active >= 1");
        for (const Expr::Ref& ref : x.condition.refs())
            if (ref.at && ((x.at && *ref.at > *x.at) || *ref.at > end))
                r_.fail(that,
                        ref.name + "@" + sim::format_time(*ref.at) + " looks into the future of the check",
                        "", ref.column + quote);
        s_.expectations.push_back(std::move(x));
    }
}

}  // namespace lvs::scenario::detail
