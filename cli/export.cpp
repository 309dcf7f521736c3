// lvsim export: a run as a web page students open without installing anything (--html), and
// as a printable handout (--handout). The scenario is simulated in-process, exactly as the
// viewer does; the page and the handout are written by viz/web.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/output_file.hpp"
#include "viz/source/loader.hpp"
#include "viz/web/web_export.hpp"

namespace lvs::cli {

namespace po = boost::program_options;

int cmd_export(const std::vector<std::string>& args) {
    po::options_description o("lvsim export FILE [--compare FILE2] (--html OUT.html | --handout OUT.html)");
    std::vector<std::string> sets, compare_sets;
    o.add_options()("help,h", "show this help")("compare", po::value<std::string>(),
                                                "a second scenario (or trace) on the same cursor")(
        "set", po::value(&sets), "KEY=VALUE override of the scenario (repeatable)")(
        "compare-set", po::value(&compare_sets), "KEY=VALUE override of the --compare scenario")(
        "html", po::value<std::string>(), "write the player page here (one self-contained file)")(
        "handout", po::value<std::string>(), "write the printable handout here");
    const po::variables_map vm = parse_file_command(args, o);
    if (vm.count("help") != 0) {
        std::cout
            << o
            << "\nThe page opens in any browser with no network: the lesson, its guided steps, a scrubber,\n"
               "ipvsadm -Ln and -Lnc at the cursor, the realservers' counters, the connections and the\n"
               "event log. OUT.html#t=100s opens at 100 s. The handout has a page per step and the\n"
               "answers on pages of their own.\n";
        return 0;
    }
    if (vm.count("file") == 0) throw CliError("export: which scenario? lvsim export FILE --html OUT.html");
    if (vm.count("html") == 0 && vm.count("handout") == 0)
        throw CliError("export: say what to write: --html OUT.html (the player) or --handout OUT.html");
    if (vm.count("handout") != 0 && vm.count("compare") != 0)
        throw CliError("export: --handout is for one scenario (drop --compare)");
    // The outputs are opened first: a path that cannot be written fails before the simulation.
    std::unique_ptr<OutputFile> page, notes;
    if (vm.count("html") != 0) page = std::make_unique<OutputFile>("--html", vm["html"].as<std::string>());
    if (vm.count("handout") != 0)
        notes = std::make_unique<OutputFile>("--handout", vm["handout"].as<std::string>());
    std::vector<std::unique_ptr<viz::RunData>> runs;
    try {
        runs.push_back(viz::load_run(vm["file"].as<std::string>(), sets));
        if (vm.count("compare") != 0)
            runs.push_back(viz::load_run(vm["compare"].as<std::string>(), compare_sets));
    } catch (const viz::InputError& e) {
        std::cerr << e.what() << "\n";
        return 2;
    }
    if (page) {
        std::vector<const viz::RunData*> shown;
        for (const auto& r : runs) shown.push_back(r.get());
        page->stream() << viz::web_page(shown);
        page->commit();
        std::cout << "lvsim export: wrote " << page->path() << " (open it in a browser; " << page->path()
                  << "#t=100s opens at 100 s)\n";
    }
    if (notes) {
        notes->stream() << viz::handout(*runs[0]);
        notes->commit();
        std::cout << "lvsim export: wrote " << notes->path() << " (print it from a browser)\n";
    }
    return 0;
}

}  // namespace lvs::cli
