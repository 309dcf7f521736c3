// Example 4: "why did this connection go to RS2?" A trace subscriber follows one connection
// and prints every record about it: the director's scheduling decision with the figures each
// realserver had, its connection entry's states, and the TCP states at the client and at RS2.
//
// Lesson 01 with a 3 s browser keep-alive, so that every reload opens new connections. RS1 gets
// weight 0 at 20 s; the connection followed is the first one scheduled after that.
#include <cstdio>
#include <lvsim/lvsim.hpp>
#include <string>

using namespace std::chrono_literals;

int main(int argc, char** argv) {
    const std::string root = argc > 1 ? argv[1] : ".";  // the lvsim source tree
    const lvsim::Scenario s = lvsim::Scenario::load(root + "/scenarios/01-drain-zero-weight.yaml",
                                                    {"clients.ie8.keepalive_timeout=3s"});

    lvsim::Run run(s);
    std::string followed;  // the client's address:port, once chosen
    // Subscribing before the first step sees the whole run. A record is a view: read it inside
    // the callback.
    run.subscribe([&](const lvsim::TraceRecord& r) {
        if (followed.empty() && r.kind() == "ipvs.sched" && r.time() >= 20s) followed = r.field("client");
        if (followed.empty()) return;
        // Director records name the client ("client"); TCP records name both ends.
        if (r.field("client") != followed && r.field("local") != followed && r.field("remote") != followed)
            return;
        if (r.kind() == "net.packet") return;  // every segment: too many lines for this page

        std::printf("[%10.6f] %-8s ", lvsim::seconds(r.time()), std::string(r.entity()).c_str());
        if (r.kind() == "ipvs.sched") {
            // The decision: the scheduler, its choice and each candidate's figures.
            std::printf("%s chose %s for %s among\n", r.field("scheduler").c_str(), r.field("chosen").c_str(),
                        followed.c_str());
            std::string candidates = r.field("candidates") + "; ";
            for (size_t at = 0, next; (next = candidates.find("; ", at)) != std::string::npos; at = next + 2)
                std::printf("%22s%s\n", "", candidates.substr(at, next - at).c_str());
            return;
        }
        std::printf("%s", std::string(r.kind()).c_str());
        for (const char* key : {"dest", "dir", "event", "from", "to", "active", "inactive", "state"})
            if (r.has(key)) std::printf(" %s=%s", key, r.field(key).c_str());
        std::printf("\n");
    });
    run.run_until(150s);  // the director forgets the entry 2 min after the close (TIME_WAIT)
}
