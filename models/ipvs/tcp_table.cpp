#include "models/ipvs/tcp_table.hpp"

namespace lvs::ipvs {

namespace {

using S = ConnState;
constexpr S sNO = S::None, sES = S::Established, sSS = S::SynSent, sSR = S::SynRecv, sFW = S::FinWait,
            sTW = S::TimeWait, sCL = S::Close, sCW = S::CloseWait, sLA = S::LastAck, sLI = S::Listen,
            sSA = S::SynAck;

using Row = std::array<S, kTcpStateCount>;
struct Block {
    Row syn, fin, ack, rst;
};

// Columns: NONE ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT TIME_WAIT CLOSE CLOSE_WAIT LAST_ACK LISTEN SYNACK
constexpr Block kInput{
    /*syn*/ {sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR},
    /*fin*/ {sCL, sCW, sSS, sTW, sTW, sTW, sCL, sCW, sLA, sLI, sTW},
    /*ack*/ {sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES},
    /*rst*/ {sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sSR},
};
constexpr Block kOutput{
    /*syn*/ {sSS, sES, sSS, sSR, sSS, sSS, sSS, sSS, sSS, sLI, sSR},
    /*fin*/ {sTW, sFW, sSS, sTW, sFW, sTW, sCL, sTW, sLA, sLI, sTW},
    /*ack*/ {sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sLA, sES, sES},
    /*rst*/ {sCL, sCL, sSS, sCL, sCL, sTW, sCL, sCL, sCL, sCL, sCL},
};
constexpr Block kInputOnly{
    /*syn*/ {sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR},
    /*fin*/ {sCL, sFW, sSS, sTW, sFW, sTW, sCL, sCW, sLA, sLI, sTW},
    /*ack*/ {sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES},
    /*rst*/ {sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL},
};
// secure_tcp (tcp_states_dos): the cells that differ from the normal tables (section 1.5).
constexpr Block kInputDos{
    /*syn*/ {sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSA},
    /*fin*/ {sCL, sCW, sSS, sTW, sTW, sTW, sCL, sCW, sLA, sLI, sSA},
    /*ack*/ {sES, sES, sSS, sSR, sFW, sTW, sCL, sCW, sCL, sLI, sSA},
    /*rst*/ {sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL},
};
constexpr Block kOutputDos{
    /*syn*/ {sSS, sES, sSS, sSA, sSS, sSS, sSS, sSS, sSS, sLI, sSA},
    /*fin*/ {sTW, sFW, sSS, sTW, sFW, sTW, sCL, sTW, sLA, sLI, sTW},
    /*ack*/ {sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sLA, sES, sES},
    /*rst*/ {sCL, sCL, sSS, sCL, sCL, sTW, sCL, sCL, sCL, sCL, sCL},
};
constexpr Block kInputOnlyDos{
    /*syn*/ {sSA, sES, sES, sSR, sSA, sSA, sSA, sSA, sSA, sSA, sSA},
    /*fin*/ {sCL, sFW, sSS, sTW, sFW, sTW, sCL, sCW, sLA, sLI, sTW},
    /*ack*/ {sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES},
    /*rst*/ {sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL},
};

constexpr std::array<std::string_view, kStateCount> kNames{
    "NONE",  "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT",
    "CLOSE", "CLOSE_WAIT",  "LAST_ACK", "LISTEN",   "SYNACK",   "UDP",
};

constexpr std::array<int64_t, kStateCount> kTimeoutSeconds{2,  900, 120, 60,  120, 120,
                                                           10, 60,  30,  120, 120, 300};

const Row& row(const Block& b, SegmentEvent e) {
    switch (e) {
        case SegmentEvent::Syn: return b.syn;
        case SegmentEvent::Fin: return b.fin;
        case SegmentEvent::Ack: return b.ack;
        case SegmentEvent::Rst: return b.rst;
    }
    return b.ack;
}

}  // namespace

std::string_view to_string(ConnState s) { return kNames[static_cast<size_t>(s)]; }

std::optional<ConnState> state_from_string(std::string_view s) {
    for (size_t i = 0; i < kNames.size(); ++i)
        if (kNames[i] == s) return static_cast<ConnState>(i);
    return std::nullopt;
}

std::string_view to_string(Dir d) {
    switch (d) {
        case Dir::Input: return "INPUT";
        case Dir::Output: return "OUTPUT";
        case Dir::InputOnly: return "INPUT_ONLY";
    }
    return "?";
}

std::string_view to_string(SegmentEvent e) {
    switch (e) {
        case SegmentEvent::Syn: return "syn";
        case SegmentEvent::Fin: return "fin";
        case SegmentEvent::Ack: return "ack";
        case SegmentEvent::Rst: return "rst";
    }
    return "?";
}

std::optional<SegmentEvent> event_of(uint8_t f) {
    if (f & 0x04) return SegmentEvent::Rst;
    if (f & 0x02) return SegmentEvent::Syn;
    if (f & 0x01) return SegmentEvent::Fin;
    if (f & 0x10) return SegmentEvent::Ack;
    return std::nullopt;
}

ConnState next(ConnState from, Dir dir, SegmentEvent ev, TableVariant v) {
    const Block* b = nullptr;
    switch (dir) {
        case Dir::Input: b = v.secure_tcp ? &kInputDos : &kInput; break;
        case Dir::Output: b = v.secure_tcp ? &kOutputDos : &kOutput; break;
        case Dir::InputOnly: b = v.secure_tcp ? &kInputOnlyDos : &kInputOnly; break;
    }
    if (!v.ack_from_none_establishes && ev == SegmentEvent::Ack && from == ConnState::None &&
        dir != Dir::Output)
        return ConnState::Close;                                   // the ~2011 cell (before sloppy TCP)
    if (static_cast<size_t>(from) >= kTcpStateCount) return from;  // not a TCP state
    return row(*b, ev)[static_cast<size_t>(from)];
}

sim::Duration default_timeout(ConnState s) { return sim::s(kTimeoutSeconds[static_cast<size_t>(s)]); }

}  // namespace lvs::ipvs
