#include "models/ipvs/health_checker.hpp"

#include <algorithm>

#include "models/http/http_message.hpp"
#include "models/ipvs/ipvsadm.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::ipvs {

HealthChecker::HealthChecker(Director& director, HealthCheckConfig config, ActionHook hook)
    : director_(director),
      sim_(director.sim()),
      entity_(sim_.add_entity(config.name)),
      config_(std::move(config)),
      hook_(std::move(hook)) {}

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
        servers_.push_back(std::move(s));
        auto p = std::make_unique<Probe>(sim_);
        p->owner = this;
        p->index = probes_.size();
        probes_.push_back(std::move(p));
    }
    for (auto& p : probes_) p->next.arm(sim::Duration{});
}

void HealthChecker::begin_check(size_t i) {
    Probe& p = *probes_[i];
    ServerState& s = *servers_[i];
    p.next.arm(config_.interval);
    if (p.in_flight) return;  // the previous check is still running (longer than the interval)
    p.in_flight = true;
    ++s.checks;
    tcp::SocketError err = tcp::SocketError::None;
    p.conn = director_.tcp().connect(director_.address(), s.spec.addr, this, i, &err);
    if (p.conn == nullptr) {
        check_failed(i, std::string(tcp::to_string(err)));
        return;
    }
    p.deadline.arm(config_.timeout);
}

void HealthChecker::on_connected(tcp::TcpConn& c) {
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
    check_ok(i);
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
    if (!s.up && s.consecutive_successes >= config_.successes) mark_up(i);
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
    if (s.up && s.consecutive_failures >= config_.failures) mark_down(i);
}

void HealthChecker::change(const std::string& realserver, HealthAction action, const IpvsadmCommand& command,
                           const std::string& why, const std::function<void(const std::string&)>& record) {
    const AdminResult r = apply_ipvsadm(director_, command);
    record(r.ok() ? "" : r.message);
    if (hook_) hook_(HealthChange{realserver, action, command, why});
}

void HealthChecker::mark_down(size_t i) {
    ServerState& s = *servers_[i];
    s.up = false;
    s.down_at = sim_.now();
    DestSpec quiet = s.spec;
    quiet.weight = 0;
    const IpvsadmCommand cmd = config_.quiescent ? dest_command(IpvsadmCmd::EditDest, config_.service, quiet)
                                                 : dest_command(IpvsadmCmd::DelDest, config_.service, s.spec);
    const std::string why = std::to_string(s.consecutive_failures) + " check" +
                            (s.consecutive_failures == 1 ? "" : "s") + " failed";
    const auto record = [&](const std::string& err) {
        LVS_TRACE(sim_, entity_, trace::kind::health_state)
            .f("server", s.name)
            .f("state", "down")
            .f("command", "ipvsadm " + cmd.text)
            .f("because", why)
            .f("text", config_.name +
                           (config_.quiescent ? " set " + s.name + " to weight 0" : " removed " + s.name) +
                           " because " + why)
            .f("error", err);
    };
    change(s.name, config_.quiescent ? HealthAction::Quiesce : HealthAction::Remove, cmd, why, record);
    update_fallback();
}

void HealthChecker::mark_up(size_t i) {
    ServerState& s = *servers_[i];
    s.up = true;
    s.up_at = sim_.now();
    const bool listed = director_.find_dest(config_.service, s.spec.addr) != nullptr;
    const IpvsadmCommand cmd =
        dest_command(listed ? IpvsadmCmd::EditDest : IpvsadmCmd::AddDest, config_.service, s.spec);
    const std::string why = std::to_string(s.consecutive_successes) + " check" +
                            (s.consecutive_successes == 1 ? "" : "s") + " succeeded";
    const auto record = [&](const std::string& err) {
        LVS_TRACE(sim_, entity_, trace::kind::health_state)
            .f("server", s.name)
            .f("state", "up")
            .f("command", "ipvsadm " + cmd.text)
            .f("because", why)
            .f("text",
               config_.name +
                   (listed ? " restored " + s.name + "'s weight " : " re-added " + s.name + " with weight ") +
                   std::to_string(s.spec.weight) + " because " + why)
            .f("error", err);
    };
    change(s.name, listed ? HealthAction::Restore : HealthAction::Readd, cmd, why, record);
    update_fallback();
}

void HealthChecker::update_fallback() {
    if (!config_.fallback) return;
    const bool any_up = std::any_of(servers_.begin(), servers_.end(), [](const auto& s) { return s->up; });
    const DestSpec fallback{*config_.fallback, Forward::Masq, 1, 0, 0};
    if (!any_up && !fallback_active_) {
        // ldirectord: the fallback server is added with weight 1 when no realserver is up.
        fallback_active_ = true;
        const IpvsadmCommand cmd = dest_command(IpvsadmCmd::AddDest, config_.service, fallback);
        const auto record = [&](const std::string& err) {
            LVS_TRACE(sim_, entity_, trace::kind::health_state)
                .f("server", "fallback")
                .f("state", "up")
                .f("command", "ipvsadm " + cmd.text)
                .f("because", "no realserver is up")
                .f("text", config_.name + " added the fallback server because no realserver is up")
                .f("error", err);
        };
        change("fallback", HealthAction::FallbackAdd, cmd, "no realserver is up", record);
    } else if (any_up && fallback_active_) {
        // ... and removed with -d (never quiesced) as soon as one is back.
        fallback_active_ = false;
        const IpvsadmCommand cmd = dest_command(IpvsadmCmd::DelDest, config_.service, fallback);
        const auto record = [&](const std::string& err) {
            LVS_TRACE(sim_, entity_, trace::kind::health_state)
                .f("server", "fallback")
                .f("state", "down")
                .f("command", "ipvsadm " + cmd.text)
                .f("because", "a realserver is back")
                .f("text", config_.name + " removed the fallback server because a realserver is back")
                .f("error", err);
        };
        change("fallback", HealthAction::FallbackRemove, cmd, "a realserver is back", record);
    }
}

}  // namespace lvs::ipvs
