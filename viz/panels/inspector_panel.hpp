// The connection inspector: one connection, selected anywhere (a lane, an -Lnc row, a log
// line), told whole: the client and the realserver, why the scheduler chose it (the figures of
// its ipvs.sched record), the state history of each side (client TCP, IPVS entry, server TCP),
// the client's last congestion window and receive window, and its packets up to the cursor.
#pragma once

#include <string>
#include <vector>

#include "viz/run_data.hpp"
#include "viz/viewer_state.hpp"

namespace lvs::viz {

class InspectorPanel {
public:
    explicit InspectorPanel(const RunData& run) : run_(run) {}
    // A floating window while a connection is selected (st.selected_conn); closing it
    // clears the selection.
    void draw(ViewerState& st);

private:
    void gather(int32_t conn);

    const RunData& run_;
    int32_t gathered_ = -1;
    std::string title_, why_, scheduler_;
    struct SideHistory {
        std::string name;                                     // "client TCP (ie8)"
        std::vector<std::pair<int64_t, std::string>> states;  // when, what (CLOSED at the end)
    };
    std::vector<SideHistory> history_;
    std::vector<uint32_t> packets_;  // net.packet records of this connection, in time order
    std::vector<uint32_t> windows_;  // tcp.cwnd / tcp.rwnd records of the client's side
};

}  // namespace lvs::viz
