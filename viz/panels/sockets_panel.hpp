// The hosts' own sockets at the cursor: the latest `ss -tin` listing of a chosen host (the
// runtime records one per listed host every second when tracing), beside `ipvsadm -Lnc`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "viz/run_data.hpp"
#include "viz/viewer_state.hpp"

namespace lvs::viz {

class SocketsPanel {
public:
    explicit SocketsPanel(const RunData& run);
    void draw(const ViewerState& st, float width, float height);
    const std::vector<std::string>& hosts() const { return hosts_; }
    void select(const std::string& host);
    // The listing of host `h` at or before t ("" when there is none).
    std::string_view listing(size_t h, int64_t t) const;

private:
    const RunData& run_;
    std::vector<std::string> hosts_;
    std::vector<std::vector<uint32_t>> records_;  // per host, in time order
    int selected_ = 0;
};

}  // namespace lvs::viz
