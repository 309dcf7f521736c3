// Health checking in the manner of ldirectord and keepalived (ipvs-tcp-http.md section 7).
//
// From the director's own TCP stack, each realserver of a virtual service is checked every
// `interval`: an HTTP GET with `Connection: close` whose answer's status code is judged, a bare
// connect, or a local script's verdict, each within `timeout` (connect included). `failures`
// consecutive failures mark it down (keepalived retries after delay_before_retry, not the
// interval); `successes` consecutive successes mark it up again. Down means quiescent (weight 0,
// ldirectord quiescent=yes / keepalived inhibit_on_failure) or removal (ipvsadm -d); up restores
// the weight or re-adds it. The spare server comes in with weight 1: ldirectord's fallback while
// no realserver is up, keepalived's sorry_server while the quorum is lost.
//
// Every check result and every change it causes publishes a trace record ("health.check",
// "health.state") saying why, so reports and the viewer can explain "ldirectord set rs1 to
// weight 0 because 3 checks failed".
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/ipvs/director.hpp"
#include "models/ipvs/health_check_config.hpp"
#include "models/ipvs/ipvsadm.hpp"
#include "models/tcp/tcp_stack.hpp"
#include "sim/timer.hpp"

namespace lvs::ipvs {

struct HealthCheckConfig {
    std::string name = "ldirectord";
    ServiceKey service;
    CheckerTool tool = CheckerTool::Ldirectord;
    sim::Duration interval = sim::s(10);  // ldirectord checkinterval (keepalived delay_loop)
    CheckMethod check;                    // for every realserver not in `servers`
    struct ServerCheck {
        net::Endpoint addr;
        CheckMethod check;
    };
    std::vector<ServerCheck> servers;  // per-realserver methods (keepalived)
    bool start_down = false;           // ldirectord always; keepalived with `alpha`
    uint32_t quorum = 1;               // keepalived: live weight needed to keep the realservers
    uint32_t hysteresis = 0;
    std::optional<net::Endpoint> fallback;  // ldirectord fallback, keepalived sorry_server
    Forward fallback_forward = Forward::Masq;
    // keepalived: each realserver's first check comes at 1 s plus a uniform draw up to this
    // (check_api.c, register_checkers_thread(); its default is the delay_loop). None: at 1 s.
    std::optional<sim::Duration> warmup;
    uint32_t request_bytes = 120;
    uint32_t response_bytes = 200;
};

// What a health checker did to the service's table, and why.
enum class HealthAction : uint8_t {
    Quiesce,      // -e ... -w 0 (quiescent: the realserver drains)
    Remove,       // -d (its entries lose their destination)
    Restore,      // -e ... -w W, the configured weight again
    Readd,        // -a ... -w W after a removal
    FallbackAdd,  // the fallback server, while no realserver is up
    FallbackRemove,
    StartDown,  // at start, before the first check (ldirectord; keepalived's alpha)
};
struct HealthChange {
    std::string realserver;  // "fallback" for the fallback server
    HealthAction action;
    IpvsadmCommand command;  // as applied
    std::string why;         // "3 checks failed"
    bool drains() const { return action == HealthAction::Quiesce || action == HealthAction::Remove; }
};

class HealthChecker;

// ldirectord's loop (ldirectord.in, ld_main and _ld_main_check_all): every realserver of its
// checkers' services, one after another, then a sleep of checkinterval. With fork=no one loop
// covers every virtual service (one CheckRound shared by their checkers); with fork=yes each
// virtual service has its own.
class CheckRound {
public:
    CheckRound(sim::Simulator& sim, sim::Duration interval);
    void join(HealthChecker* checker);  // checked in the order they join
    void start();                       // the first round at once (ld_start); once for all
    void next();                        // a check ended: the next realserver, or the sleep

private:
    void step();
    std::vector<HealthChecker*> members_;
    size_t member_ = 0;
    size_t server_ = 0;
    sim::Duration interval_;
    bool started_ = false;
    sim::Timer round_;
    sim::Timer step_;
};

class HealthChecker final : public tcp::TcpApp {
public:
    // Called for every table change the checker makes.
    using ActionHook = std::function<void(const HealthChange&)>;
    // A Script check's verdict for a realserver now (the exit status of keepalived's misc_path).
    using ScriptVerdict = std::function<bool(const net::Endpoint&)>;

    HealthChecker(Director& director, HealthCheckConfig config, ActionHook hook = {},
                  ScriptVerdict verdict = {});
    ~HealthChecker() override;
    HealthChecker(const HealthChecker&) = delete;
    HealthChecker& operator=(const HealthChecker&) = delete;

    // Starts checking the realservers configured in the service now (first round at once,
    // the next ones every interval).
    void start();
    // ldirectord: check in `round` with other checkers (fork=no) instead of a round of its own;
    // before start().
    void share_round(std::shared_ptr<CheckRound> round);
    // Begins the check of the first checkable realserver at index `from` or later; its index + 1,
    // or 0 when none is left (CheckRound walks its members with it).
    size_t check_from(size_t from);
    const HealthCheckConfig& config() const { return config_; }

    struct ServerState {
        std::string name;
        DestSpec spec;  // as configured (the weight to restore, the forwarding method)
        CheckMethod check;
        bool up = true;
        uint32_t consecutive_failures = 0;
        uint32_t consecutive_successes = 0;
        uint64_t checks = 0;
        uint64_t failed_checks = 0;
        std::optional<sim::Time> down_at;
        std::optional<sim::Time> up_at;  // the last return to service
        bool ever_up = true;             // false until the first success after a start held out
    };
    const std::vector<std::unique_ptr<ServerState>>& servers() const { return servers_; }
    const ServerState* server(const std::string& name) const;
    bool fallback_active() const { return fallback_active_; }
    bool quorum_up() const { return quorum_up_; }

    // tcp::TcpApp
    void on_connected(tcp::TcpConn& c) override;
    void on_message(tcp::TcpConn& c, const net::AppMessage& m) override;
    void on_eof(tcp::TcpConn& c) override;
    void on_error(tcp::TcpConn& c, tcp::SocketError e) override;

private:
    struct Probe {
        HealthChecker* owner = nullptr;
        size_t index = 0;
        tcp::TcpConn* conn = nullptr;
        bool in_flight = false;
        sim::Timer next;
        sim::Timer deadline;
        explicit Probe(sim::Simulator& sim)
            : next(sim, [this] { owner->begin_check(index); }),
              deadline(sim, [this] { owner->check_failed(index, "timeout"); }) {}
    };
    void begin_check(size_t i);
    // What comes after a check: keepalived arms the realserver's own timer when the check ends
    // (a retry after delay_before_retry, else delay_loop); ldirectord checks the next realserver
    // of its round, and sleeps the interval after the last (ldirectord.in, _ld_main_check_all).
    void after_check(size_t i, bool failed);
    uint32_t successes_needed(const ServerState& s) const;
    void check_ok(size_t i);
    void check_failed(size_t i, const std::string& why);
    void finish(size_t i);
    void mark_down(size_t i);
    void mark_up(size_t i);
    void update_fallback();
    void update_quorum();  // keepalived
    bool sorry_in_charge() const;
    void lose_quorum(const std::string& why);
    void trace_quorum(const std::string& why);
    void take_out(size_t i, const std::string& why);  // quorum lost
    void put_back(size_t i, const std::string& why);  // quorum regained
    void set_fallback(bool in, const std::string& why);
    uint32_t live_weight() const;
    // Applies one change to the table, traces it as a health.state record (`text` is built only
    // when tracing is on), then tells the hook.
    void change(const std::string& realserver, std::string_view state, HealthAction action,
                const IpvsadmCommand& command, const std::string& why,
                const std::function<std::string()>& text);
    IpvsadmCommand out_command(const ServerState& s) const;
    IpvsadmCommand back_command(const ServerState& s) const;

    Director& director_;
    sim::Simulator& sim_;
    sim::EntityId entity_;
    HealthCheckConfig config_;
    ActionHook hook_;
    ScriptVerdict verdict_;
    std::vector<std::unique_ptr<ServerState>> servers_;
    std::vector<std::unique_ptr<Probe>> probes_;
    bool fallback_active_ = false;
    bool quorum_up_ = true;
    std::shared_ptr<CheckRound> round_;  // ldirectord's loop
    sim::Rng rng_;                       // keepalived's warm-up
};

}  // namespace lvs::ipvs
