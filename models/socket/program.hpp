// A scripted socket program: a list of socket calls run one after the other on a host, as a
// small C or Python program would make them, each call blocking as it would (connect() until
// the handshake ends, recv() until data, EOF or an error, or its timeout). Every call's result
// and the times it was made and returned are kept, traced ("socket.call") and reported.
//
// A client program connects to its target; a server program listens and accepts. Calls after
// accept() act on the accepted connection.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/net/host.hpp"
#include "models/socket/socket.hpp"
#include "sim/timer.hpp"

namespace lvs::sock {

enum class Op : uint8_t {
    Connect,    // connect() to the target
    Listen,     // listen() on the port
    Accept,     // accept(): waits for a connection
    Send,       // send() of raw bytes (the peer's application sees a message it ignores)
    Request,    // send() of an HTTP request: a web server answers it with `reply` bytes
    Recv,       // recv(), optionally with SO_RCVTIMEO (then EAGAIN when it runs out)
    Sleep,      // time passes; the socket keeps whatever arrives
    Shutdown,   // shutdown(SHUT_RD / SHUT_WR / SHUT_RDWR)
    Close,      // close()
    Abort,      // close() with SO_LINGER {1, 0}: RST
    SetOption,  // setsockopt(): SO_KEEPALIVE, TCP_NODELAY, TCP_USER_TIMEOUT
    Count
};
std::string_view to_string(Op op);  // "connect", "recv", ...

enum class Option : uint8_t { KeepAlive, NoDelay, UserTimeout };

struct Step {
    Op op = Op::Sleep;
    uint32_t bytes = 0;                    // Send, Request
    uint32_t reply = 0;                    // Request: the response size asked for
    std::optional<sim::Duration> timeout;  // Recv (SO_RCVTIMEO)
    sim::Duration duration;                // Sleep; SetOption UserTimeout
    bool read = false, write = false;      // Shutdown
    Option option = Option::KeepAlive;     // SetOption
    bool on = true;                        // SetOption KeepAlive / NoDelay
    std::string text;                      // as written, for reports
};

struct Call {
    Op op = Op::Sleep;
    std::string text;
    CallResult result;
    sim::Time started;
    sim::Time returned;
    bool done = false;
};

class Program {
public:
    // A client program (connect() goes to `target`) or a server one (listen() on `port`).
    Program(net::Host& host, std::string name, std::vector<Step> steps, net::Endpoint target, net::Port port);
    ~Program();
    Program(const Program&) = delete;
    Program& operator=(const Program&) = delete;

    // Starts the first call at `at`.
    void start(sim::Time at);
    const std::vector<Call>& calls() const { return calls_; }
    const std::string& name() const { return name_; }
    size_t steps() const { return steps_.size(); }

private:
    struct Acceptor;
    void on_timer();
    std::unique_ptr<Socket> new_socket();  // with the options set so far
    void next();                           // runs calls until one blocks or the script ends
    void poll();     // a blocked call looks again (woken by the socket, a listener or a timer)
    bool attempt();  // tries the current blocking call; true when it returned
    void finish(CallResult r);
    void trace(const Call& c);

    net::Host& host_;
    sim::Simulator& sim_;
    sim::EntityId entity_;
    std::string name_;
    std::vector<Step> steps_;
    net::Endpoint target_;
    net::Port port_;
    std::vector<Call> calls_;
    size_t pc_ = 0;
    bool blocked_ = false;
    bool in_next_ = false;
    std::unique_ptr<Socket> socket_;
    std::unique_ptr<Acceptor> acceptor_;
    sim::Timer timer_;  // sleep, recv timeouts, the start
    bool starting_ = false;
    bool timed_out_ = false;
    bool keepalive_ = false;
    bool nodelay_ = false;
    sim::Duration user_timeout_{};
};

}  // namespace lvs::sock
