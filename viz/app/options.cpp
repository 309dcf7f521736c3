#include "viz/app/options.hpp"

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <stdexcept>

#include "sim/time.hpp"

namespace po = boost::program_options;

namespace lvs::viz {

namespace {

const char* kUsage =
    "lvsim-view - the timeline viewer of lvsim runs\n"
    "\n"
    "usage: lvsim-view FILE.yaml|TRACE.jsonl [--compare FILE2] [--set KEY=VALUE ...] [--at T]\n"
    "                  [--screenshot PATH] [--size WxH] [--presentation] [--sockets HOST] [--frames N]\n"
    "\n"
    "FILE is a scenario (simulated in-process, with a progress bar) or a trace recorded with\n"
    "`lvsim run FILE --trace out.jsonl`. Press H in the window for the keyboard shortcuts.\n"
    "Exit status: 0 ok, 1 failure, 2 bad input, 3 no display (headless tests skip on 3).\n"
    "\n"
    "options";

int64_t parse_at(const std::string& text, const char* option) {
    std::string t = text;
    // A bare number is in seconds ("--at 100").
    if (!t.empty() && t.find_first_not_of("0123456789.") == std::string::npos) t += "s";
    try {
        return sim::parse_time(t).ns();
    } catch (const sim::TimeParseError& e) {
        throw std::invalid_argument(std::string(option) + ": " + e.what() + " (" + e.hint() + ")");
    }
}

}  // namespace

std::optional<Options> parse_options(int argc, char** argv) {
    Options o;
    std::string at, size, zoom;
    po::options_description desc(kUsage);
    desc.add_options()("help,h", "this help")("compare", po::value(&o.compare),
                                              "a second scenario or trace, side by side on the same cursor")(
        "set", po::value(&o.sets)->composing(), "KEY=VALUE override of the scenario (repeatable)")(
        "compare-set", po::value(&o.compare_sets)->composing(),
        "KEY=VALUE override of the --compare scenario")(
        "at", po::value(&at), "start with the cursor at T (\"100s\", \"1.5ms\", a bare number is seconds)")(
        "screenshot", po::value(&o.screenshot), "render the view at --at headlessly into this PNG and exit")(
        "size", po::value(&size), "window size WxH (default 1600x1000)")(
        "presentation", po::bool_switch(&o.presentation), "large fonts for a classroom projector")(
        "sockets", po::value(&o.sockets), "start on the `ss -tin` tab with this host's sockets (e.g. rs1)")(
        "compressed", po::bool_switch(&o.compressed), "start with the compressed (non-linear) time axis")(
        "zoom", po::value(&zoom), "start with the time axis showing A:B (\"200s:240s\")")(
        "frames", po::value(&o.frames), "frames rendered before the screenshot is taken (default 5)")(
        "step", po::value(&o.step),
        "start at step N of the lesson's guided steps (1 is the first; its question asked, the answer "
        "hidden)")(
        "check-layout", po::bool_switch(&o.check_layout),
        "render headlessly at --size and --at and check that every listing, heading and label fits its "
        "panel and that no label covers another or a node; lists what does not and exits 1 (with "
        "--screenshot, also writes the picture)")(
        "benchmark-frames", po::value(&o.benchmark_frames),
        "render N frames while playing (headless), print frames per second and exit")(
        "speed", po::value(&o.speed),
        "initial playback speed, 0.1 to 1000 (default 1; also for --benchmark-frames)");
    po::options_description hidden;
    hidden.add_options()("file", po::value(&o.file));
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description pos;
    pos.add("file", 1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw std::invalid_argument(std::string(e.what()) + " (see lvsim-view --help)");
    }
    if (vm.count("help") != 0) {
        std::cout << desc << "\n";
        return std::nullopt;
    }
    if (o.file.empty()) throw std::invalid_argument("no FILE given (see lvsim-view --help)");
    if (!at.empty()) o.at = parse_at(at, "--at"), o.at_given = true;
    if (!size.empty()) {
        int w = 0, h = 0;
        char x = 0, extra = 0;
        if (std::sscanf(size.c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 || (x != 'x' && x != 'X') ||
            w < 320 || h < 240 || w > 8192 || h > 8192)
            throw std::invalid_argument("--size: expected WxH between 320x240 and 8192x8192, got '" + size +
                                        "'");
        o.width = w;
        o.height = h;
    }
    if (!zoom.empty()) {
        const size_t colon = zoom.find(':');
        if (colon == std::string::npos)
            throw std::invalid_argument("--zoom: expected A:B, got '" + zoom + "'");
        const int64_t a = parse_at(zoom.substr(0, colon), "--zoom"),
                      b = parse_at(zoom.substr(colon + 1), "--zoom");
        if (b <= a) throw std::invalid_argument("--zoom: the end must come after the start");
        o.zoom = std::make_pair(a, b);
    }
    if (o.frames < 1 || o.frames > 10000) throw std::invalid_argument("--frames: expected 1..10000");
    if (o.benchmark_frames < 0) throw std::invalid_argument("--benchmark-frames: expected a positive count");
    if (o.speed < 0.1 || o.speed > 1000) throw std::invalid_argument("--speed: expected 0.1..1000");
    if (!o.compare_sets.empty() && o.compare.empty())
        throw std::invalid_argument("--compare-set needs --compare");
    return o;
}

}  // namespace lvs::viz
