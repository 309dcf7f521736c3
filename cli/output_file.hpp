// Output files that never lie (README, "Bad input and interrupted runs"): each is opened
// before the run starts, written under a temporary name beside its final one, and renamed into
// place only when it is complete, so a reader never finds half a report under the real name.
// A write error (a full disk) is an OutputError naming the option and the path (exit 74,
// EX_IOERR). Devices and pipes (/dev/stdout, a FIFO) are written in place.
#pragma once

#include <fstream>
#include <stdexcept>
#include <string>

namespace lvs::cli {

// exit status 74 (sysexits.h EX_IOERR)
struct OutputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class OutputFile {
public:
    // Creates the temporary file now; a path that cannot be written is a CliError (exit 2)
    // naming `option`, the path and the reason, before any simulation has run.
    OutputFile(std::string option, std::string path, std::ios::openmode mode = std::ios::out);
    ~OutputFile();  // removes what was not committed
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    std::ostream& stream() { return out_; }
    // Where the data goes while being written (what a writer that opens files itself uses).
    const std::string& writing_path() const { return temp_; }
    const std::string& path() const { return path_; }
    // Flushes, checks and renames into place (`suffix`, e.g. ".partial", appended to the final
    // name); an OutputError when anything failed.
    void commit(const std::string& suffix = "");
    // Closes the stream without renaming, for a writer that reopens writing_path() itself.
    void close_stream() { out_.close(); }

private:
    std::string option_, path_, temp_;
    std::ofstream out_;
    bool in_place_ = false;
    bool committed_ = false;
};

// Checks that everything written to stdout so far reached it (exit 74 otherwise).
void check_stdout();

}  // namespace lvs::cli
