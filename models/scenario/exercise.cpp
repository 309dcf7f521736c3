#include "models/scenario/exercise.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "models/scenario/expr.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/runtime.hpp"
#include "models/scenario/schema.hpp"
#include "models/scenario/yaml_reader.hpp"
#include "models/trace/vocabulary.hpp"
#include "sim/trace.hpp"

namespace lvs::scenario {

namespace {

std::string read_file(const std::string& path, const std::string& what) {
    std::ifstream in(path);
    if (!in) throw ConfigError(path, 0, 0, "cannot open the " + what, "check the path");
    std::stringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

YAML::Node parse_yaml(const std::string& text, const std::string& origin) {
    check_nesting(text, origin);
    try {
        return YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        throw ConfigError(origin, e.mark.line + 1, e.mark.column + 1, "YAML: " + e.msg,
                          "check the indentation and the ':' after each key");
    }
}

const ExerciseSpec& exercise_of(const Scenario& s) {
    if (!s.exercise)
        throw ConfigError(s.file, 1, 1, "this scenario is not an exercise (it has no `exercise:` section)",
                          "exercises live in scenarios/exercises/");
    return *s.exercise;
}

std::vector<std::string> ids_of(const ExerciseSpec& ex) {
    std::vector<std::string> ids;
    for (const ExerciseQuestion& q : ex.questions) ids.push_back(q.id);
    return ids;
}

// "Net.IPv4.VS.Expire_Quiescent_Template " -> "expire_quiescent_template".
std::string normal(std::string s) {
    std::string out;
    for (char c : s)
        if (std::isspace(static_cast<unsigned char>(c)) == 0)
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char* prefix : {"net.ipv4.vs.", "ipvs."})
        if (out.rfind(prefix, 0) == 0) out.erase(0, std::string(prefix).size());
    return out;
}

// A value of the answer's `fix:` as --set would write it (a text in double quotes, so that a
// multi-line rules block stays one value).
std::string set_value(const YAML::Node& v) {
    YAML::Emitter e;
    e << YAML::Flow;
    if (v.IsScalar()) e << YAML::DoubleQuoted << v.as<std::string>();
    else e << v;
    return e.c_str();
}

}  // namespace

size_t Grade::right() const {
    return static_cast<size_t>(
        std::count_if(questions.begin(), questions.end(), [](const QuestionGrade& q) { return q.right; }));
}

AnswerKey load_answer_key(const std::string& path, const Scenario& s) {
    return answer_key_from_text(read_file(path, "answer key"), path, s);
}

StudentAnswer load_answer(const std::string& path, const Scenario& s) {
    return answer_from_text(read_file(path, "answer file"), path, s);
}

AnswerKey answer_key_from_text(const std::string& text, const std::string& path, const Scenario& s) {
    const ExerciseSpec& ex = exercise_of(s);
    const YAML::Node root = parse_yaml(text, path);
    const Reader r(path);
    r.check_keys(root, schema::kAnswerKey, "the answer key");
    AnswerKey key;
    if (root["exercise"]) key.exercise = r.text(root["exercise"], "exercise");
    if (key.exercise != s.name)
        r.fail(root["exercise"] ? root["exercise"] : root,
               "this key is for exercise '" + key.exercise + "', not '" + s.name + "'",
               "write `exercise: " + s.name + "` or pass the right --key");
    if (!root["questions"] || !root["questions"].IsSequence())
        r.fail(root, "the key needs `questions:`, a list");
    for (const auto& q : root["questions"]) {
        r.check_keys(q, schema::kKeyQuestion, "a key question");
        if (!q["id"]) r.fail(q, "a key question needs `id:`", "one of: " + join(ids_of(ex)));
        KeyQuestion k;
        k.id = r.one_of(q["id"], "id", ids_of(ex));
        const auto list = [&](const YAML::Node& n, const std::string& what) {
            std::vector<std::string> out;
            if (!n) return out;
            if (n.IsSequence())
                for (const auto& x : n) out.push_back(r.text(x, what));
            else out.push_back(r.text(n, what));
            return out;
        };
        k.accept = list(q["accept"], "accept");
        k.checks = list(q["check"], "check");
        if (k.accept.empty() == k.checks.empty())
            r.fail(
                q,
                "a key question has either `accept:` (right words) or `check:` (conditions after the fix)");
        for (size_t i = 0; i < k.checks.size(); ++i) {
            try {
                (void)Expr::compile(k.checks[i], s);
            } catch (const ExprError& e) {
                r.fail(q["check"].IsSequence() ? q["check"][i] : q["check"],
                       "in the check: " + std::string(e.what()), e.hint, e.column);
            }
        }
        if (q["hint"]) k.hint = r.text(q["hint"], "hint");
        key.questions.push_back(std::move(k));
    }
    for (const std::string& id : ids_of(ex))
        if (std::none_of(key.questions.begin(), key.questions.end(),
                         [&](const KeyQuestion& k) { return k.id == id; }))
            r.fail(root["questions"], "the key does not answer question '" + id + "'");
    return key;
}

StudentAnswer answer_from_text(const std::string& text, const std::string& path, const Scenario& s) {
    const ExerciseSpec& ex = exercise_of(s);
    const YAML::Node root = parse_yaml(text, path);
    const Reader r(path);
    if (!root || root.IsNull())
        throw ConfigError(path, 1, 1, "the answer file is empty", "start with `answers:`");
    r.check_keys(root, schema::kAnswer, "the answer file");
    StudentAnswer a;
    a.file = path;
    a.student =
        root["student"] ? r.text(root["student"], "student") : path.substr(path.find_last_of('/') + 1);
    if (root["exercise"] && r.text(root["exercise"], "exercise") != s.name)
        r.fail(root["exercise"], "this answer is for exercise '" + r.text(root["exercise"], "exercise") +
                                     "', not '" + s.name + "'");
    if (const YAML::Node ans = root["answers"]) {
        r.check_keys(ans, ids_of(ex), "the answers");
        for (const auto& kv : ans)
            a.answers[kv.first.as<std::string>()] = r.text(kv.second, kv.first.as<std::string>());
    }
    if (const YAML::Node fix = root["fix"]) {
        if (!fix.IsMap())
            r.fail(fix, "`fix:` is a mapping of key paths to values",
                   "e.g. director.sysctl.expire_nodest_conn: 1");
        for (const auto& kv : fix) {
            if (!kv.first.IsScalar() || kv.first.Scalar().empty())
                r.fail(kv.first, "a key of `fix:` is a key path",
                       "e.g. director.sysctl.expire_nodest_conn: 1");
            a.fix.push_back(kv.first.Scalar() + "=" + set_value(kv.second));
        }
    }
    return a;
}

Grade grade(const std::string& exercise_path, const Scenario& s, const AnswerKey& key,
            const StudentAnswer& answer, std::ostream* trace) {
    const ExerciseSpec& ex = exercise_of(s);
    Grade g;
    g.student = answer.student;
    // Word questions: compared as words.
    const auto ask_of = [&](const std::string& id) {
        for (const ExerciseQuestion& q : ex.questions)
            if (q.id == id) return q.ask;
        return std::string();
    };
    bool needs_run = false;
    for (const KeyQuestion& k : key.questions) needs_run = needs_run || !k.checks.empty();
    // The run with the student's fix, its checks added as expectations at the end.
    std::vector<ExpectResult> results;
    std::string run_error;
    if (needs_run) {
        try {
            Scenario fixed = load_scenario_file(exercise_path, answer.fix);
            fixed.expectations.clear();  // the exercise's own are about the fault; only the key counts
            for (const KeyQuestion& k : key.questions)
                for (const std::string& c : k.checks)
                    fixed.expectations.push_back({c, std::nullopt, Expr::compile(c, fixed), {}});
            RunOptions o;
            o.trace_jsonl = trace;
            results = Run(fixed, o).run().expectations;
        } catch (const ConfigError& e) {
            run_error = e.format();
        }
    }
    for (const KeyQuestion& k : key.questions) {
        QuestionGrade q{k.id, ask_of(k.id), false, {}, {}};
        if (!k.accept.empty()) {
            const auto it = answer.answers.find(k.id);
            if (it == answer.answers.end()) {
                q.detail = "no answer";
            } else {
                q.right = std::any_of(k.accept.begin(), k.accept.end(),
                                      [&](const std::string& w) { return normal(w) == normal(it->second); });
                q.detail = "answered '" + it->second + "'";
            }
        } else if (!run_error.empty()) {
            q.detail = "the fix does not load: " + run_error;
        } else if (answer.fix.empty()) {
            q.detail = "no fix given (the exercise as it is does not pass)";
        } else {
            q.right = true;
            for (const std::string& c : k.checks)
                for (const ExpectResult& r : results)
                    if (r.text == c) {
                        q.right = q.right && r.passed;
                        q.detail += (q.detail.empty() ? "" : "; ") +
                                    std::string(r.passed ? "holds: " : "fails: ") + c + "  [" + r.observed +
                                    "]";
                    }
        }
        if (!q.right) q.hint = k.hint;
        g.questions.push_back(std::move(q));
    }
    if (trace != nullptr) {
        // The grade itself, after the run's records, so the viewer shows it with the checks.
        sim::JsonLinesSink out(*trace);
        for (const QuestionGrade& q : g.questions) {
            sim::TraceRecord r;
            r.time = sim::at(s.duration);
            r.entity_name = "grader";
            r.kind = trace::kind::exercise_grade;
            r.fields = {{"student", g.student},
                        {"question", q.id},
                        {"right", int64_t{q.right ? 1 : 0}},
                        {"detail", q.detail},
                        {"hint", q.hint}};
            out.on_record(r);
        }
    }
    return g;
}

}  // namespace lvs::scenario
