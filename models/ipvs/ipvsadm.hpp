// ipvsadm, in and out: real ipvsadm command lines parsed with ipvsadm's own options, legality
// rules and defaults, applied to a Director; and listings laid out exactly as ipvsadm prints
// them (ipvsadm 1.26/1.31: list_all, print_service_entry, list_conn, list_timeout).
//
// Edit semantics are ipvsadm's: every command starts from the same defaults (weight 1, direct
// routing, /32 persistence mask, wlc for -A/-E) before its options apply, so an `-e` restates
// everything it does not mention (ipvs-tcp-http.md section 3.6).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/ipvs/director.hpp"

namespace lvs::ipvs {

enum class IpvsadmCmd : uint8_t {
    AddService,
    EditService,
    DelService,
    Flush,
    List,
    AddDest,
    DelDest,
    EditDest,
    SetTimeout,
    StartDaemon,
    StopDaemon,
    Restore,
    Save,
    Zero
};

// Listing options (-n, -c, --stats, ...).
struct ListFormat {
    bool numeric = false;
    bool connections = false;
    bool stats = false;
    bool rate = false;
    bool thresholds = false;
    bool persistent_conn = false;
    bool timeout = false;
    bool exact = false;
    bool nosort = false;
    bool rule = false;  // -S
};

struct IpvsadmCommand {
    IpvsadmCmd cmd = IpvsadmCmd::List;
    bool has_service = false;
    ServiceSpec service;
    DestSpec dest;
    ListFormat format;
    int64_t tcp = 0, tcpfin = 0, udp = 0;  // --set
    uint8_t daemon_state = 0;              // --start-daemon/--stop-daemon: kSyncMaster or kSyncBackup
    uint8_t syncid = 0;                    // --syncid (0-255)
    // Which options the line gave; the rest hold ipvsadm's defaults (an -e without -w or
    // without a forwarding switch restates them: the loader warns).
    bool has_scheduler = false;
    bool has_persistent = false;
    bool has_forward = false;
    bool has_weight = false;
    std::string text;  // the command line as given
};

struct IpvsadmError {
    std::string message;  // ipvsadm's words
    size_t token = 0;     // which token (0-based, after an optional leading "ipvsadm")
    size_t column = 0;    // 0-based column of that token in the line
};

// Parses one command line ("ipvsadm -A -t 10.0.0.100:80 -s wlc", the leading "ipvsadm" is
// optional). Returns the command or ipvsadm's error message.
std::optional<IpvsadmCommand> parse_ipvsadm(std::string_view line, IpvsadmError* error);

// A destination command (-a, -e, -d) built in code, as if parsed from the line ipvsadm-save
// style would print (its `text`): "-e -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 0".
IpvsadmCommand dest_command(IpvsadmCmd cmd, const ServiceKey& service, const DestSpec& dest);
// A command that drains its realserver: -e ... -w 0 or -d.
inline bool drains_dest(const IpvsadmCommand& c) {
    return (c.cmd == IpvsadmCmd::EditDest && c.dest.weight == 0) || c.cmd == IpvsadmCmd::DelDest;
}

// Applies a parsed command. Mutating commands change the director and return the kernel's
// answer (ipvsadm's words); listing commands render into `output`.
AdminResult apply_ipvsadm(Director& d, const IpvsadmCommand& c, std::string* output = nullptr);

// ---- listings ----
std::string render_list(const Director& d, const ListFormat& f,
                        const std::optional<ServiceKey>& only = std::nullopt);
std::string render_connections(const Director& d, const ListFormat& f);
std::string render_timeout(const Director& d);
// ipvsadm -S -n: the rules as commands (what ipvsadm-save writes).
std::string render_save(const Director& d, bool numeric = true);

// A service as `ipvsadm -Ln`'s rows name it: "TCP 10.0.0.100:80", "UDP ...", "FWM 1".
inline std::string service_label(const Service& svc) {
    if (svc.fwmark != 0) return "FWM " + std::to_string(svc.fwmark);
    return (svc.proto == Proto::Udp ? "UDP " : "TCP ") + svc.vip.str();
}

// Conveniences for reports: `ipvsadm -Ln` and `ipvsadm -Lnc`.
inline std::string ipvsadm_ln(const Director& d) {
    ListFormat f;
    f.numeric = true;
    return render_list(d, f);
}
inline std::string ipvsadm_lnc(const Director& d) {
    ListFormat f;
    f.numeric = true;
    f.connections = true;
    return render_connections(d, f);
}

// The names -b accepts (ipvsadm 1.31): flag-1..3, sh-fallback, sh-port, mh-fallback, mh-port.
std::string sched_flags_text(const std::string& scheduler, uint32_t flags);

}  // namespace lvs::ipvs
