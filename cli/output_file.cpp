#include "cli/output_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"

namespace lvs::cli {

namespace fs = std::filesystem;

OutputFile::OutputFile(std::string option, std::string path, std::ios::openmode mode)
    : option_(std::move(option)), path_(std::move(path)) {
    std::error_code ec;
    const fs::file_status st = fs::status(path_, ec);
    // A device or a pipe is not a file to replace: write it in place.
    in_place_ = fs::exists(st) && !fs::is_regular_file(st);
    if (in_place_) {
        temp_ = path_;
    } else {
        const fs::path p(path_);
        temp_ = (p.parent_path() / ("." + p.filename().string() + ".lvsim-" + std::to_string(::getpid())))
                    .string();
    }
    errno = 0;
    out_.open(temp_, mode | std::ios::trunc);
    if (!out_) {
        const std::string why = errno != 0 ? std::strerror(errno) : "cannot be opened";
        throw CliError(option_ + ": cannot write " + path_ + " (" + why + ")");
    }
}

OutputFile::~OutputFile() {
    if (!committed_ && !in_place_) {
        out_.close();
        std::error_code ec;
        fs::remove(temp_, ec);
    }
}

void OutputFile::commit(const std::string& suffix) {
    if (out_.is_open()) {
        out_.flush();
        const bool ok = static_cast<bool>(out_);
        out_.close();
        if (!ok || out_.fail()) throw OutputError(option_ + ": writing " + path_ + " failed (disk full?)");
    }
    committed_ = true;
    if (in_place_) return;
    std::error_code ec;
    fs::rename(temp_, path_ + suffix, ec);
    if (ec)
        throw OutputError(option_ + ": cannot put " + path_ + suffix + " in place (" + ec.message() + ")");
}

void check_stdout() {
    std::cout.flush();
    if (!std::cout || std::fflush(stdout) != 0) {
        // EPIPE is SIGPIPE's business (the default action ends the process with status 141).
        std::cerr << "lvsim: writing the report to standard output failed (disk full?)\n";
        throw OutputError("");
    }
}

}  // namespace lvs::cli
