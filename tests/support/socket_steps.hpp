// Building blocks for scripted socket programs in tests (models/socket/program.hpp).
#pragma once

#include <optional>
#include <string>

#include "models/socket/program.hpp"
#include "sim/time.hpp"

namespace lvs::testing {

inline sock::Step step(sock::Op op, std::string text = {}) {
    sock::Step s;
    s.op = op;
    s.text = text.empty() ? std::string(sock::to_string(op)) : text;
    return s;
}
inline sock::Step send(uint32_t bytes) {
    sock::Step s = step(sock::Op::Send);
    s.bytes = bytes;
    return s;
}
inline sock::Step sleep_for(sim::Duration d) {
    sock::Step s = step(sock::Op::Sleep);
    s.duration = d;
    return s;
}
inline sock::Step recv_for(std::optional<sim::Duration> timeout = std::nullopt) {
    sock::Step s = step(sock::Op::Recv);
    s.timeout = timeout;
    return s;
}

}  // namespace lvs::testing
