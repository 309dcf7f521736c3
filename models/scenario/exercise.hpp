// Break/fix exercises: a scenario with a hidden fault and an `exercise:` section (the symptom
// and the questions), an answer key the student does not get, and the student's answer file.
// grade() runs the exercise with the student's fix applied and holds it against the key with
// the expectation language.
//
//   key:     questions: [{id: cause, accept: [expire_quiescent_template], hint: ...},
//                        {id: fix, check: ["rs1.conns == rs1.conns@25s"], hint: ...}]
//   answer:  answers: {cause: expire_quiescent_template}
//            fix: {director.sysctl.expire_quiescent_template: 1}
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/scenario/scenario.hpp"

namespace lvs::scenario {

struct KeyQuestion {
    std::string id;
    std::vector<std::string> accept;  // right words (compared without case, spaces or "net.ipv4.vs.")
    std::vector<std::string> checks;  // conditions that must hold after the student's fix
    std::string hint;                 // said when the answer is wrong
};
struct AnswerKey {
    std::string exercise;  // the exercise's `name:`
    std::vector<KeyQuestion> questions;
};
struct StudentAnswer {
    std::string file;
    std::string student;                         // `student:`, else the file's name
    std::map<std::string, std::string> answers;  // question id -> words
    std::vector<std::string> fix;                // as --set KEY=VALUE assignments
};

// Both throw ConfigError (file:line:column) for a wrong file, or one that does not match the
// exercise (an unknown question id, another exercise's key).
AnswerKey load_answer_key(const std::string& path, const Scenario& exercise);
StudentAnswer load_answer(const std::string& path, const Scenario& exercise);
// The same for text in memory (`origin` names it in errors; the fuzzer's way in).
AnswerKey answer_key_from_text(const std::string& text, const std::string& origin, const Scenario& exercise);
StudentAnswer answer_from_text(const std::string& text, const std::string& origin, const Scenario& exercise);

struct QuestionGrade {
    std::string id, ask;
    bool right = false;
    std::string detail;  // what was checked and seen
    std::string hint;    // the key's hint, for a wrong answer
};
struct Grade {
    std::string student;
    std::vector<QuestionGrade> questions;
    size_t right() const;
    bool all_right() const { return right() == questions.size(); }
};

// `exercise_path` is run again with the answer's fix; `trace` (may be nullptr) receives that
// run's JSON Lines trace, its checks as expectations (for the viewer).
Grade grade(const std::string& exercise_path, const Scenario& exercise, const AnswerKey& key,
            const StudentAnswer& answer, std::ostream* trace = nullptr);

}  // namespace lvs::scenario
