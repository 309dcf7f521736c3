// What travels in the simulated HTTP/1.1 bytes (carried in net::AppMessage).
#pragma once

#include <cstdint>

namespace lvs::http {

enum MessageKind : uint16_t { kRequest = 1, kResponse = 2, kHealthCheck = 3 };
// Response flag: the server closes the connection after this response (`Connection: close`).
constexpr uint16_t kConnectionClose = 1;
// Response status carried in AppMessage::tag for health checks and errors.
constexpr uint64_t kStatusOk = 200;

}  // namespace lvs::http
