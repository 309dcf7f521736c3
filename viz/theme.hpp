// Colours and state names shared by every panel (and by the screenshot checker in tests/viz,
// which looks for these exact colours in the PNGs).
//
// TCP (RFC 793) and IPVS state names share one enum so a lane can show the client, the
// director's entry and the server with one palette: a state that means the same on both
// sides (ESTABLISHED, TIME_WAIT, CLOSE_WAIT, LAST_ACK) has the same colour, and the IPVS-only
// names take the colour of their nearest TCP state.
#pragma once

#include <cstdint>
#include <string_view>

namespace lvs::viz {

enum class ConnState : uint8_t {
    Closed,
    Listen,
    SynSent,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
    // IPVS-only names
    None,
    SynRecv,
    FinWait,
    Close,
    SynAck,
    Udp,  // a UDP entry's one state (IPVS)
    Unknown,
    Count
};
constexpr int kStateCount = static_cast<int>(ConnState::Count);

struct Rgb {
    uint8_t r, g, b;
    // ImGui's packed colour (IM_COL32 layout: A B G R from the high byte).
    constexpr uint32_t abgr(uint8_t a = 255) const {
        return (static_cast<uint32_t>(a) << 24) | (static_cast<uint32_t>(b) << 16) |
               (static_cast<uint32_t>(g) << 8) | r;
    }
};

struct StateInfo {
    ConnState state;
    std::string_view name;
    Rgb colour;
};

// Chosen to stay apart under common colour blindness: the life of a connection runs from blue
// (opening) through green (established) to warm colours (closing) and red (TIME_WAIT).
constexpr StateInfo kStates[kStateCount] = {
    {ConnState::Closed, "CLOSED", {110, 110, 118}},
    {ConnState::Listen, "LISTEN", {140, 140, 150}},
    {ConnState::SynSent, "SYN_SENT", {80, 150, 255}},
    {ConnState::SynReceived, "SYN_RECEIVED", {60, 200, 230}},
    {ConnState::Established, "ESTABLISHED", {64, 192, 87}},
    {ConnState::FinWait1, "FIN_WAIT_1", {250, 200, 40}},
    {ConnState::FinWait2, "FIN_WAIT_2", {235, 160, 20}},
    {ConnState::CloseWait, "CLOSE_WAIT", {190, 110, 230}},
    {ConnState::Closing, "CLOSING", {255, 140, 180}},
    {ConnState::LastAck, "LAST_ACK", {230, 90, 170}},
    {ConnState::TimeWait, "TIME_WAIT", {235, 70, 55}},
    {ConnState::None, "NONE", {110, 110, 118}},
    {ConnState::SynRecv, "SYN_RECV", {60, 200, 230}},
    {ConnState::FinWait, "FIN_WAIT", {250, 200, 40}},
    {ConnState::Close, "CLOSE", {150, 120, 100}},
    {ConnState::SynAck, "SYNACK", {60, 200, 230}},
    {ConnState::Udp, "UDP", {100, 220, 200}},
    {ConnState::Unknown, "?", {200, 200, 200}},
};

constexpr const StateInfo& state_info(ConnState s) { return kStates[static_cast<int>(s)]; }
constexpr Rgb state_colour(ConnState s) { return kStates[static_cast<int>(s)].colour; }

constexpr ConnState state_from_name(std::string_view name) {
    for (const StateInfo& i : kStates)
        if (i.name == name) return i.state;
    return ConnState::Unknown;
}

// Interface colours.
namespace colours {
constexpr Rgb kBackground{22, 24, 29};
constexpr Rgb kPanel{30, 33, 40};
constexpr Rgb kGrid{58, 62, 72};
constexpr Rgb kText{225, 228, 235};
constexpr Rgb kDimText{150, 155, 165};
constexpr Rgb kCursor{255, 60, 60};
constexpr Rgb kMarkerAdmin{255, 210, 60};
constexpr Rgb kMarkerSnapshot{120, 180, 255};
constexpr Rgb kPass{90, 210, 110};
constexpr Rgb kFail{255, 80, 80};
constexpr Rgb kWeight{255, 210, 60};
constexpr Rgb kActive{140, 235, 150};  // not ESTABLISHED: the screenshot test counts that colour
constexpr Rgb kInactive{120, 160, 255};
constexpr Rgb kServerTimeWait{255, 130, 100};
constexpr Rgb kWorkers{200, 140, 255};
constexpr Rgb kWorkersIdle{140, 100, 190};
constexpr Rgb kQueue{255, 160, 80};
constexpr Rgb kClient{90, 160, 255};
constexpr Rgb kDirector{255, 190, 70};
constexpr Rgb kRealServer{90, 210, 130};
constexpr Rgb kRouter{140, 145, 160};
constexpr Rgb kPacketData{235, 235, 240};
constexpr Rgb kPacketSyn{80, 150, 255};
constexpr Rgb kPacketFin{250, 200, 40};
constexpr Rgb kPacketRst{255, 60, 60};
constexpr Rgb kObjectOk{90, 170, 235};
constexpr Rgb kObjectReused{70, 130, 190};
constexpr Rgb kObjectFailed{255, 60, 60};
constexpr Rgb kObjectAborted{150, 150, 150};
// Several directors (a pair, a fleet): one colour per director (the VIP owner band, the
// listings' titles); a pair takes the first two.
constexpr Rgb kDirectorColours[] = {kDirector, kWorkers, {110, 200, 235}, {235, 130, 190}};
constexpr Rgb of_director(int32_t index) { return index < 0 ? kDimText : kDirectorColours[index % 4]; }
}  // namespace colours

}  // namespace lvs::viz
