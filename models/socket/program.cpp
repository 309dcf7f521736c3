#include "models/socket/program.hpp"

#include <array>

#include "models/http/http_message.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::sock {

namespace {

constexpr std::array<std::string_view, static_cast<size_t>(Op::Count)> kOpNames{
    "connect", "listen",   "accept", "send",          "request",   "recv",
    "sleep",   "shutdown", "close",  "close-linger0", "setsockopt"};

}  // namespace

std::string_view to_string(Op op) { return kOpNames[static_cast<size_t>(op)]; }

// Listens for the server program: a connection ready for accept() wakes the program.
struct Program::Acceptor final : tcp::TcpApp {
    Program& program;
    tcp::Listener* listener = nullptr;
    explicit Acceptor(Program& p) : program(p) {}
    void on_acceptable(tcp::Listener&) override { program.poll(); }
};

Program::Program(net::Host& host, std::string name, std::vector<Step> steps, net::Endpoint target,
                 net::Port port)
    : host_(host),
      sim_(host.tcp().sim()),
      entity_(sim_.add_entity(name + ":program")),
      name_(std::move(name)),
      steps_(std::move(steps)),
      target_(target),
      port_(port),
      timer_(sim_, [this] { on_timer(); }) {
    calls_.resize(steps_.size());
    for (size_t i = 0; i < steps_.size(); ++i) {
        calls_[i].op = steps_[i].op;
        calls_[i].text = steps_[i].text;
    }
}

Program::~Program() = default;

void Program::start(sim::Time at) {
    starting_ = true;
    timer_.arm_at(at);
}

void Program::on_timer() {
    if (starting_) {
        starting_ = false;
        next();
        return;
    }
    timed_out_ = true;
    poll();
}

void Program::poll() {
    if (!blocked_ || in_next_) return;
    if (attempt()) {
        blocked_ = false;
        next();
    }
}

std::unique_ptr<Socket> Program::new_socket() {
    auto s = std::make_unique<Socket>([this] { poll(); });
    s->set_keepalive(keepalive_);
    s->set_nodelay(nodelay_);
    s->set_user_timeout(user_timeout_);
    return s;
}

void Program::next() {
    if (in_next_) return;
    in_next_ = true;
    while (pc_ < steps_.size()) {
        const Step& s = steps_[pc_];
        Call& c = calls_[pc_];
        c.started = sim_.now();
        timed_out_ = false;
        switch (s.op) {
            case Op::Connect: {
                socket_ = new_socket();
                const CallResult r = socket_->start_connect(host_, target_);
                if (r.failed()) {
                    finish(r);
                    continue;
                }
                break;  // blocks until connect_result()
            }
            case Op::Listen: {
                acceptor_ = std::make_unique<Acceptor>(*this);
                acceptor_->listener = &host_.tcp().listen({net::Ipv4(), port_}, 128, acceptor_.get());
                finish({});
                continue;
            }
            case Op::Accept: break;
            case Op::Send:
            case Op::Request: {
                net::AppMessage m;
                m.bytes = s.bytes;
                if (s.op == Op::Request) {
                    m.kind = http::kRequest;
                    m.reply_bytes = s.reply;
                }
                finish(socket_ ? socket_->send(m) : CallResult{-1, kEnotconn});
                continue;
            }
            case Op::Recv:
                if (s.timeout) timer_.arm(*s.timeout);
                break;
            case Op::Sleep: timer_.arm(s.duration); break;
            case Op::Shutdown:
                finish(socket_ ? socket_->shutdown(s.read, s.write) : CallResult{-1, kEnotconn});
                continue;
            case Op::Close:
            case Op::Abort:
                finish(socket_ ? socket_->close(s.op == Op::Abort) : CallResult{-1, kEnotconn});
                continue;
            case Op::SetOption: {
                // On the socket there is, and on every later one (a listening socket's options
                // carry over to what accept() returns).
                if (s.option == Option::KeepAlive) keepalive_ = s.on;
                else if (s.option == Option::NoDelay) nodelay_ = s.on;
                else user_timeout_ = s.duration;
                if (socket_) {
                    socket_->set_keepalive(keepalive_);
                    socket_->set_nodelay(nodelay_);
                    socket_->set_user_timeout(user_timeout_);
                }
                finish({});
                continue;
            }
            case Op::Count: break;
        }
        // A blocking call: it may be able to return at once.
        if (attempt()) continue;
        blocked_ = true;
        break;
    }
    in_next_ = false;
}

bool Program::attempt() {
    const Step& s = steps_[pc_];
    switch (s.op) {
        case Op::Connect:
            if (const auto r = socket_->connect_result()) {
                finish(*r);
                return true;
            }
            return false;
        case Op::Accept: {
            if (acceptor_ == nullptr || acceptor_->listener == nullptr) {
                finish({-1, kEnotconn});
                return true;
            }
            if (acceptor_->listener->queued() == 0) return false;
            socket_ = new_socket();
            tcp::TcpConn* c = acceptor_->listener->accept(socket_.get(), 0);
            socket_->adopt(c);
            finish({});
            return true;
        }
        case Op::Recv: {
            if (!socket_) {
                finish({-1, kEnotconn});
                return true;
            }
            if (const auto r = socket_->recv()) {
                timer_.disarm();
                finish(*r);
                return true;
            }
            if (timed_out_) {
                finish({-1, kEagain});  // SO_RCVTIMEO ran out
                return true;
            }
            return false;
        }
        case Op::Sleep:
            if (!timed_out_) return false;
            finish({});
            return true;
        default: return true;
    }
}

void Program::finish(CallResult r) {
    Call& c = calls_[pc_];
    c.result = r;
    c.returned = sim_.now();
    c.done = true;
    trace(c);
    ++pc_;
    timed_out_ = false;
}

void Program::trace(const Call& c) {
    LVS_TRACE(sim_, entity_, trace::kind::socket_call)
        .f("program", name_)
        .f("n", static_cast<int64_t>(&c - calls_.data() + 1))
        .f("call", to_string(c.op))
        .f("text", c.text)
        .f("result", c.result.value)
        .f("errno", errno_name(c.result.err))
        .f("started", c.started);
}

}  // namespace lvs::sock
