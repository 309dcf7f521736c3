#include "models/ipvs/health_checker.hpp"

#include <algorithm>

#include "models/http/http_message.hpp"
#include "models/ipvs/ipvsadm.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::ipvs {

HealthChecker::HealthChecker(Director& director, HealthCheckConfig config, ActionHook hook,
                             ScriptVerdict verdict)
    : director_(director),
      sim_(director.sim()),
      entity_(sim_.add_entity(config.name)),
      config_(std::move(config)),
      hook_(std::move(hook)),
      verdict_(std::move(verdict)),
      rng_(sim_.stream(config_.name + ":warmup")) {}

CheckRound::CheckRound(sim::Simulator& sim, sim::Duration interval)
    : interval_(interval),
      round_(sim,
             [this] {
                 member_ = 0;
                 server_ = 0;
                 step();
             }),
      step_(sim, [this] { step(); }) {}

void CheckRound::join(HealthChecker* checker) { members_.push_back(checker); }

void CheckRound::start() {
    if (started_) return;
    started_ = true;
    round_.arm(sim::Duration{});
}

void CheckRound::next() { step_.arm(sim::Duration{}); }

void CheckRound::step() {
    while (member_ < members_.size()) {
        server_ = members_[member_]->check_from(server_);
        if (server_ != 0) return;  // a check is running; next() comes when it ends
        ++member_;
    }
    round_.arm(interval_);  // every realserver checked: sleep checkinterval
}

void HealthChecker::share_round(std::shared_ptr<CheckRound> round) { round_ = std::move(round); }

HealthChecker::~HealthChecker() {
    for (auto& p : probes_)
        if (p->conn != nullptr) p->conn->abort();
}

const HealthChecker::ServerState* HealthChecker::server(const std::string& name) const {
    for (const auto& s : servers_)
        if (s->name == name) return s.get();
    return nullptr;
}

void HealthChecker::start() {
    const Service* svc = director_.find_service(config_.service);
    if (svc == nullptr) return;
    // The realservers as configured now: what to check, and what to restore.
    std::vector<const Dest*> dests(svc->dests.begin(), svc->dests.end());
    std::sort(dests.begin(), dests.end(), [](const Dest* a, const Dest* b) { return a->addr < b->addr; });
    for (const Dest* d : dests) {
        if (config_.fallback && d->addr == *config_.fallback) continue;
        auto s = std::make_unique<ServerState>();
        s->name = director_.dest_name(*d);
        s->spec = DestSpec{d->addr, d->forward, d->weight, d->u_threshold, d->l_threshold};
        s->check = config_.check;
        for (const auto& sc : config_.servers)
            if (sc.addr == d->addr) s->check = sc.check;
        servers_.push_back(std::move(s));
        auto p = std::make_unique<Probe>(sim_);
        p->owner = this;
        p->index = probes_.size();
        probes_.push_back(std::move(p));
    }
    if (config_.start_down) {
        // ldirectord adds a realserver only once a check has found it alive (quiescent: with
        // weight 0 until then); keepalived's alpha starts every realserver as failed.
        for (auto& sp : servers_) {
            ServerState& s = *sp;
            if (s.check.type == CheckType::None) continue;  // never checked: stays as configured
            s.up = false;
            s.ever_up = false;
            change(s.name, "down", HealthAction::StartDown, out_command(s), "not checked yet",
                   [&] { return config_.name + " holds " + s.name + " out until its first check succeeds"; });
        }
    }
    if (config_.tool == CheckerTool::Ldirectord) {
        if (config_.start_down) update_fallback();
        if (round_ == nullptr) round_ = std::make_shared<CheckRound>(sim_, config_.interval);
        round_->join(this);
        round_->start();
        return;
    }
    // keepalived: the quorum as init_service_vs() finds it (update_quorum_state(vs, init)): below
    // quorum + hysteresis of live weight, the sorry server holds the service from the start.
    if (config_.fallback && live_weight() < config_.quorum + config_.hysteresis)
        lose_quorum("no quorum at start (live weight " + std::to_string(live_weight()) + ")");
    for (size_t i = 0; i < probes_.size(); ++i) {
        // keepalived starts with its retries used up ("one failure is enough initially",
        // check_data.c validate_check_config()) and checks first after BOOTSTRAP_DELAY, 1 s, plus
        // a random warm-up (check_api.c, register_checkers_thread()).
        ServerState& s = *servers_[i];
        s.consecutive_failures = s.check.failures - 1;
        if (s.check.type == CheckType::None || s.check.type == CheckType::Off) continue;
        sim::Duration first = sim::s(1);
        if (config_.warmup && config_.warmup->ns() > 0)
            first += sim::Duration::from_ns(
                static_cast<int64_t>(rng_.below(static_cast<uint64_t>(config_.warmup->ns()) + 1)));
        probes_[i]->next.arm(first);
    }
}

size_t HealthChecker::check_from(size_t from) {
    for (size_t i = from; i < servers_.size(); ++i) {
        const CheckType t = servers_[i]->check.type;
        if (t == CheckType::None || t == CheckType::Off) continue;
        begin_check(i);
        return i + 1;
    }
    return 0;
}

void HealthChecker::after_check(size_t i, bool failed) {
    if (config_.tool == CheckerTool::Ldirectord) {
        round_->next();
        return;
    }
    const ServerState& s = *servers_[i];
    // keepalived retries a failed check after delay_before_retry, not delay_loop
    // (check/check_http.c, epilog(); check_tcp.c, tcp_epilog()), while the realserver is up.
    if (failed && s.up && s.check.retry_delay) probes_[i]->next.arm(*s.check.retry_delay);
    else probes_[i]->next.arm(config_.interval);
}

uint32_t HealthChecker::successes_needed(const ServerState& s) const {
    if (s.check.successes != 0) return s.check.successes;
    const bool http_pass_again = config_.tool == CheckerTool::Keepalived && s.check.type == CheckType::Http;
    return http_pass_again && s.ever_up ? 2 : 1;
}

void HealthChecker::begin_check(size_t i) {
    Probe& p = *probes_[i];
    ServerState& s = *servers_[i];
    if (p.in_flight) return;
    p.in_flight = true;
    ++s.checks;
    if (s.check.type == CheckType::Script) {
        // The script runs on the director: no packet, its verdict at once.
        if (verdict_ && verdict_(s.spec.addr)) check_ok(i);
        else check_failed(i, "script exited 1");
        return;
    }
    tcp::SocketError err = tcp::SocketError::None;
    p.conn = director_.tcp().connect(director_.address(), s.spec.addr, this, i, &err);
    if (p.conn == nullptr) {
        check_failed(i, std::string(tcp::to_string(err)));
        return;
    }
    p.deadline.arm(s.check.timeout);
}

void HealthChecker::on_connected(tcp::TcpConn& c) {
    if (servers_[static_cast<size_t>(c.tag())]->check.type == CheckType::Tcp) {
        check_ok(static_cast<size_t>(c.tag()));  // TCP_CHECK: the handshake is the check
        return;
    }
    net::AppMessage req;
    req.bytes = config_.request_bytes;
    req.kind = http::kHealthCheck;
    req.flags = http::kConnectionClose;  // LWP sends "Connection: close": the server closes first
    req.reply_bytes = config_.response_bytes;
    c.send(req);
}

void HealthChecker::on_message(tcp::TcpConn& c, const net::AppMessage& m) {
    if (m.kind != http::kHealthCheck) return;
    const size_t i = static_cast<size_t>(c.tag());
    // With `Connection: close` the server closes; like LWP, read to EOF and close after it,
    // so the realserver (the first to close) holds TIME_WAIT.
    if ((m.flags & http::kConnectionClose) != 0) probes_[i]->conn = nullptr;
    // The answer's status code rides in `object` (web_server.cpp): checked as keepalived's
    // status_code (any listed code) or LWP's is_success (2xx) when none is listed.
    const auto status = static_cast<uint16_t>(m.object);
    const std::vector<uint16_t>& codes = servers_[i]->check.status_codes;
    const bool redirect = servers_[i]->check.follow_redirects && status >= 300 && status < 400;
    const bool accepted = codes.empty() ? (status >= 200 && status < 300) || redirect
                                        : std::find(codes.begin(), codes.end(), status) != codes.end();
    if (accepted) check_ok(i);
    else check_failed(i, "HTTP status " + std::to_string(status));
}

void HealthChecker::on_eof(tcp::TcpConn& c) {
    const size_t i = static_cast<size_t>(c.tag());
    if (probes_[i]->in_flight && probes_[i]->conn == &c) check_failed(i, "closed before the response");
    else c.close();
}

void HealthChecker::on_error(tcp::TcpConn& c, tcp::SocketError e) {
    const size_t i = static_cast<size_t>(c.tag());
    if (probes_[i]->conn != &c) return;  // a finished check's connection ending
    probes_[i]->conn = nullptr;          // gone already
    if (probes_[i]->in_flight) check_failed(i, std::string(tcp::to_string(e)));
}

void HealthChecker::finish(size_t i) {
    Probe& p = *probes_[i];
    p.in_flight = false;
    p.deadline.disarm();
    if (p.conn != nullptr) {
        tcp::TcpConn* c = p.conn;
        p.conn = nullptr;
        c->close();
    }
}

void HealthChecker::check_ok(size_t i) {
    ServerState& s = *servers_[i];
    finish(i);
    s.consecutive_failures = 0;
    ++s.consecutive_successes;
    LVS_TRACE(sim_, entity_, trace::kind::health_check)
        .f("server", s.name)
        .f("result", "ok")
        .f("consecutive", s.consecutive_successes);
    if (!s.up && s.consecutive_successes >= successes_needed(s)) mark_up(i);
    after_check(i, false);
}

void HealthChecker::check_failed(size_t i, const std::string& why) {
    ServerState& s = *servers_[i];
    if (!probes_[i]->in_flight) return;
    finish(i);
    ++s.failed_checks;
    s.consecutive_successes = 0;
    ++s.consecutive_failures;
    LVS_TRACE(sim_, entity_, trace::kind::health_check)
        .f("server", s.name)
        .f("result", "fail")
        .f("reason", why)
        .f("consecutive", s.consecutive_failures);
    if (s.up && s.consecutive_failures >= s.check.failures) mark_down(i);
    after_check(i, true);
}

void HealthChecker::change(const std::string& realserver, std::string_view state, HealthAction action,
                           const IpvsadmCommand& command, const std::string& why,
                           const std::function<std::string()>& text) {
    const AdminResult r = apply_ipvsadm(director_, command);
    LVS_TRACE(sim_, entity_, trace::kind::health_state)
        .f("server", realserver)
        .f("state", state)
        .f("command", "ipvsadm " + command.text)
        .f("because", why)
        .f("text", text())
        .f("error", r.ok() ? std::string() : r.message);
    if (hook_) hook_(HealthChange{realserver, action, command, why});
}

// Out of the service: weight 0 when quiescent (inhibit_on_failure), else removed.
IpvsadmCommand HealthChecker::out_command(const ServerState& s) const {
    DestSpec quiet = s.spec;
    quiet.weight = 0;
    return s.check.quiescent ? dest_command(IpvsadmCmd::EditDest, config_.service, quiet)
                             : dest_command(IpvsadmCmd::DelDest, config_.service, s.spec);
}

// Back in: its weight restored where it is still listed, re-added where it was removed.
IpvsadmCommand HealthChecker::back_command(const ServerState& s) const {
    const bool listed = director_.find_dest(config_.service, s.spec.addr) != nullptr;
    return dest_command(listed ? IpvsadmCmd::EditDest : IpvsadmCmd::AddDest, config_.service, s.spec);
}

void HealthChecker::mark_down(size_t i) {
    ServerState& s = *servers_[i];
    s.up = false;
    s.down_at = sim_.now();
    const std::string why = std::to_string(s.consecutive_failures) + " check" +
                            (s.consecutive_failures == 1 ? "" : "s") + " failed";
    if (sorry_in_charge()) {
        // Out of the table already: the sorry server holds the service.
        update_fallback();
        return;
    }
    change(s.name, "down", s.check.quiescent ? HealthAction::Quiesce : HealthAction::Remove, out_command(s),
           why, [&] {
               return config_.name +
                      (s.check.quiescent ? " set " + s.name + " to weight 0" : " removed " + s.name) +
                      " because " + why;
           });
    update_fallback();
}

void HealthChecker::mark_up(size_t i) {
    ServerState& s = *servers_[i];
    s.up = true;
    s.ever_up = true;
    s.up_at = sim_.now();
    const std::string why = std::to_string(s.consecutive_successes) + " check" +
                            (s.consecutive_successes == 1 ? "" : "s") + " succeeded";
    if (sorry_in_charge()) {
        // keepalived puts it back only with the quorum (update_quorum below).
        update_fallback();
        return;
    }
    const IpvsadmCommand cmd = back_command(s);
    const bool listed = cmd.cmd == IpvsadmCmd::EditDest;
    change(s.name, "up", listed ? HealthAction::Restore : HealthAction::Readd, cmd, why, [&] {
        return config_.name +
               (listed ? " restored " + s.name + "'s weight " : " re-added " + s.name + " with weight ") +
               std::to_string(s.spec.weight) + " because " + why;
    });
    update_fallback();
}

bool HealthChecker::sorry_in_charge() const {
    return config_.tool == CheckerTool::Keepalived && config_.fallback && !quorum_up_;
}

uint32_t HealthChecker::live_weight() const {
    uint32_t sum = 0;
    for (const auto& s : servers_)
        if (s->up) sum += static_cast<uint32_t>(std::max<int64_t>(s->spec.weight, 0));
    return sum;
}

void HealthChecker::update_fallback() {
    if (config_.tool == CheckerTool::Keepalived) {
        update_quorum();
        return;
    }
    if (!config_.fallback) return;
    const bool any_up = std::any_of(servers_.begin(), servers_.end(), [](const auto& s) { return s->up; });
    // ldirectord: the fallback server is added with weight 1 when no realserver is up, and
    // removed with -d (never quiesced) as soon as one is back.
    if (!any_up && !fallback_active_) set_fallback(true, "no realserver is up");
    else if (any_up && fallback_active_) set_fallback(false, "a realserver is back");
}

void HealthChecker::update_quorum() {
    // check/ipwrapper.c, update_quorum_state(): lost when the live weight is 0 or below
    // quorum - hysteresis, regained at quorum + hysteresis.
    const uint32_t live = live_weight();
    if (quorum_up_ && (live == 0 || live + config_.hysteresis < config_.quorum)) {
        lose_quorum("quorum lost (live weight " + std::to_string(live) + ")");
    } else if (!quorum_up_ && live >= config_.quorum + config_.hysteresis) {
        quorum_up_ = true;
        const std::string why = "quorum regained (live weight " + std::to_string(live) + ")";
        trace_quorum(why);
        if (!config_.fallback) return;
        set_fallback(false, why);
        for (size_t i = 0; i < servers_.size(); ++i)
            if (servers_[i]->up) put_back(i, why);
    }
}

void HealthChecker::lose_quorum(const std::string& why) {
    quorum_up_ = false;
    trace_quorum(why);
    if (!config_.fallback) return;  // without a sorry server: only keepalived's notifiers
    // With a sorry server, the realservers still alive leave the service first
    // (perform_quorum_state()), then the sorry server comes in with weight 1.
    for (size_t i = 0; i < servers_.size(); ++i)
        if (servers_[i]->up) take_out(i, why);
    set_fallback(true, why);
}

void HealthChecker::trace_quorum(const std::string& why) {
    LVS_TRACE(sim_, entity_, trace::kind::health_state)
        .f("server", "quorum")
        .f("state", quorum_up_ ? "up" : "down")
        .f("because", why)
        .f("text", config_.name + ": " + why);
}

void HealthChecker::take_out(size_t i, const std::string& why) {
    ServerState& s = *servers_[i];
    change(s.name, "out", s.check.quiescent ? HealthAction::Quiesce : HealthAction::Remove, out_command(s),
           why, [&] { return config_.name + " took " + s.name + " out of the service: " + why; });
}

void HealthChecker::put_back(size_t i, const std::string& why) {
    ServerState& s = *servers_[i];
    const IpvsadmCommand cmd = back_command(s);
    change(s.name, "up", cmd.cmd == IpvsadmCmd::EditDest ? HealthAction::Restore : HealthAction::Readd, cmd,
           why, [&] { return config_.name + " put " + s.name + " back: " + why; });
}

void HealthChecker::set_fallback(bool in, const std::string& why) {
    fallback_active_ = in;
    const DestSpec fallback{*config_.fallback, config_.fallback_forward, 1, 0, 0};
    const IpvsadmCommand cmd =
        dest_command(in ? IpvsadmCmd::AddDest : IpvsadmCmd::DelDest, config_.service, fallback);
    const char* spare = config_.tool == CheckerTool::Keepalived ? "sorry server" : "fallback server";
    change("fallback", in ? "up" : "down", in ? HealthAction::FallbackAdd : HealthAction::FallbackRemove, cmd,
           why,
           [&] { return config_.name + (in ? " added the " : " removed the ") + spare + " because " + why; });
}

}  // namespace lvs::ipvs
