// The scenario's steps: and exercise: sections: how a run is taught (a guided lesson the
// viewer walks with PageDown / PageUp; a break/fix exercise's task and questions). Separate:
// they say how to show or ask about a run, not what the run is; the simulation never reads them.
#include <algorithm>

#include "models/scenario/loader_impl.hpp"

namespace lvs::scenario::detail {

void Loader::steps() {
    const YAML::Node list = root_["steps"];
    if (!list) return;
    if (!list.IsSequence())
        r_.fail(list, "steps must be a list of `- at: T` / `caption: TEXT` entries",
                "e.g. `- at: 20s` and `caption: rs1's weight goes to 0`");
    std::vector<std::string> highlights = to_strings(kStepPanels);
    highlights.push_back("director");
    for (const RealServerSpec& rs : s_.realservers) highlights.push_back(rs.name);
    for (const ClientGroupSpec& c : s_.clients) highlights.push_back(c.name);
    for (const auto& n : list) {
        r_.check_keys(n, schema::kStep, "a step");
        LessonStep st;
        st.mark = mark_of(n);
        if (!n["at"]) r_.fail(n, "a step needs `at:` (when the viewer stops)", "e.g. `at: 20s`");
        if (!n["caption"]) r_.fail(n, "a step needs `caption:` (what the class reads)");
        st.at = sim::at(r_.duration(n["at"], "at"));
        check_time(n["at"], st.at, "the step");
        if (!s_.steps.empty() && st.at < s_.steps.back().at)
            r_.fail(n["at"], "steps go forward in time: this one is before the step above it",
                    "order the steps by `at:`");
        st.caption = r_.text(n["caption"], "caption");
        if (n["question"]) st.question = r_.text(n["question"], "question");
        if (n["highlight"]) st.highlight = r_.one_of(n["highlight"], "highlight", highlights);
        if (n["reveal"]) {
            st.reveal = r_.one_of(n["reveal"], "reveal", to_strings(kStepReveals));
            if (st.question.empty())
                r_.fail(n["reveal"], "`reveal:` shows the answer to a `question:`, and this step asks none",
                        "add `question:` or drop `reveal:`");
            if (st.reveal == "expectation" &&
                std::none_of(s_.expectations.begin(), s_.expectations.end(),
                             [&](const Expectation& x) { return x.at && *x.at <= st.at; }))
                r_.fail(n["reveal"], "no expectation is checked at or before this step to reveal",
                        "add one under `expect:` with `at:` at most the step's time");
        }
        s_.steps.push_back(std::move(st));
    }
}

void Loader::exercise() {
    const YAML::Node n = root_["exercise"];
    if (!n) return;
    r_.check_keys(n, schema::kExercise, "the exercise");
    ExerciseSpec ex;
    if (!n["task"]) r_.fail(n, "an exercise needs `task:` (the symptom the student sees)");
    ex.task = r_.text(n["task"], "task");
    const YAML::Node qs = n["questions"];
    if (!qs || !qs.IsSequence() || qs.size() == 0)
        r_.fail(n, "an exercise needs `questions:`, a list of `- id: NAME` / `ask: TEXT`",
                "e.g. `- {id: cause, ask: \"Which sysctl ...?\"}`");
    for (const auto& q : qs) {
        r_.check_keys(q, schema::kExerciseQuestion, "a question");
        if (!q["id"] || !q["ask"]) r_.fail(q, "a question needs `id:` and `ask:`");
        ExerciseQuestion x{r_.text(q["id"], "id"), r_.text(q["ask"], "ask"), mark_of(q)};
        for (const ExerciseQuestion& other : ex.questions)
            if (other.id == x.id)
                r_.fail(q["id"], "two questions named '" + x.id + "'", "give each its own id");
        ex.questions.push_back(std::move(x));
    }
    s_.exercise = std::move(ex);
}

}  // namespace lvs::scenario::detail
