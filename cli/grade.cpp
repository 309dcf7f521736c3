// lvsim grade: a break/fix exercise graded. Each answer file is checked against the answer key
// (the exercise run again with the answer's fix, the key's checks in the expectation
// language); one line per student, then each question right or wrong with a hint.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "models/scenario/exercise.hpp"
#include "models/scenario/loader.hpp"

namespace lvs::cli {

namespace po = boost::program_options;

namespace {

// scenarios/exercises/E1.yaml -> scenarios/exercises/keys/E1.key.yaml
std::string default_key(const std::string& exercise) {
    const std::filesystem::path p(exercise);
    return (p.parent_path() / "keys" / (p.stem().string() + ".key.yaml")).string();
}

}  // namespace

int cmd_grade(const std::vector<std::string>& args) {
    po::options_description o("lvsim grade EXERCISE ANSWER [ANSWER ...] [--key KEY]");
    o.add_options()("help,h", "show this help")(
        "key", po::value<std::string>(), "the answer key (default: keys/NAME.key.yaml beside the exercise)")(
        "trace", po::value<std::string>(),
        "write the graded run (one answer) as a JSON Lines trace: lvsim-view shows its checks in the Report "
        "tab");
    const po::variables_map vm = parse_files_command(args, o);
    const std::vector<std::string> files =
        vm.count("files") != 0 ? vm["files"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (vm.count("help") != 0) {
        std::cout
            << o
            << "\nAn exercise is a scenario with an `exercise:` section (the symptom and the questions); the "
               "key\n"
               "says which words are right and which conditions the student's fix must make hold. An answer\n"
               "file has `answers:` (question id: words) and `fix:` (key path: value, as --set).\n"
               "Exit 0 when every answer is right, 1 when one is wrong, 2 on bad input.\n";
        return 0;
    }
    if (files.size() < 2)
        throw CliError("grade: give the exercise and at least one answer file: lvsim grade EXERCISE ANSWER");
    if (vm.count("trace") != 0 && files.size() != 2)
        throw CliError("grade: --trace writes one graded run: give one answer");
    const std::string exercise_path = files[0];
    const scenario::Scenario exercise = scenario::load_scenario_file(exercise_path);
    const std::string key_path =
        vm.count("key") != 0 ? vm["key"].as<std::string>() : default_key(exercise_path);
    const scenario::AnswerKey key = scenario::load_answer_key(key_path, exercise);
    // Every answer file is read before any is graded: a mistake in one stops the class's run early.
    std::vector<scenario::StudentAnswer> answers;
    for (size_t i = 1; i < files.size(); ++i) answers.push_back(scenario::load_answer(files[i], exercise));
    std::ofstream trace_out;
    if (vm.count("trace") != 0) {
        trace_out.open(vm["trace"].as<std::string>());
        if (!trace_out) throw CliError("--trace " + vm["trace"].as<std::string>() + ": cannot write it");
    }
    size_t all_right = 0;
    for (const scenario::StudentAnswer& a : answers) {
        const scenario::Grade g =
            scenario::grade(exercise_path, exercise, key, a, trace_out.is_open() ? &trace_out : nullptr);
        std::cout << a.student << ": " << g.right() << " of " << g.questions.size() << " right ("
                  << exercise.name << ")\n";
        for (const scenario::QuestionGrade& q : g.questions) {
            std::cout << "  " << (q.right ? "right " : "WRONG ") << q.id << ": " << q.ask << "\n";
            if (!q.detail.empty()) std::cout << "         " << q.detail << "\n";
            if (!q.right && !q.hint.empty()) std::cout << "         hint: " << q.hint << "\n";
        }
        all_right += g.all_right() ? 1 : 0;
    }
    if (answers.size() > 1) std::cout << all_right << " of " << answers.size() << " answers entirely right\n";
    return all_right == answers.size() ? 0 : 1;
}

}  // namespace lvs::cli
