// Kernel behaviours that changed across releases, as one named value (ipvs-tcp-http.md
// section 4.4's version table). The director consults the profile; no #ifs, no version math.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lvs::ipvs {

// A kernel release as MAJOR.MINOR, ordered (5.4 < 5.16).
struct KernelRelease {
    int major = 0;
    int minor = 0;
    auto operator<=>(const KernelRelease&) const = default;
};

struct KernelProfile {
    std::string name;
    std::string releases;  // for reports: "3.10-4.1"
    KernelRelease first;   // the oldest release the profile stands for ({0, 0}: any older)
    // ActiveConn counts SYN_SENT/SYN_RECV/SYNACK too (commit be2cef49904b, 4.8); before,
    // only ESTABLISHED is active.
    bool syn_states_active = true;
    // The INPUT ack cell from NONE is ESTABLISHED (current) rather than CLOSE (~2011).
    bool ack_from_none_establishes = true;
    // net.ipv4.vs.conn_reuse_mode exists (commit d752c3645717, ~4.2). Without it a SYN that
    // hits an existing entry goes to that entry's destination.
    bool has_conn_reuse_mode = true;
    // With expire_nodest_conn=1, a SYN hitting an entry whose destination has weight 0 expires
    // it and is rescheduled (commit dc7b3eb900aa, 3.10). From 4.2 to 5.15 this check sits
    // under conn_reuse_mode != 0; from 5.16 (commit c95c07836fa4) it applies regardless.
    bool weight0_reschedule = true;
    bool weight0_reschedule_needs_reuse_mode = false;
    // With conntrack=1, a rescheduled SYN is dropped when a conntrack is attached (commit
    // f719e3754ee2): always (4.2-5.8), or only when that conntrack is confirmed (5.9+,
    // commit f0a5e4d7a594).
    bool conntrack_drop_only_if_confirmed = true;
    // expire_nodest_conn=1: the packet that finds its destination deleted is processed as a
    // new connection at once (5.9+), rather than dropped so that the retransmission finds no
    // entry; and all entries of a deleted destination are flushed ~1 jiffy after -d (5.9+).
    bool nodest_reprocess = true;
    bool nodest_flush = true;
    // Persistence templates show ASSURED once a connection through them is ESTABLISHED.
    bool template_assured = true;
};

// "current" (>= 5.16, the default), "5.9-5.15", "4.8-5.8", "4.2-4.7", "3.10-4.1" (the 2013
// seed era), "<=3.9". nullptr for an unknown name.
const KernelProfile* find_kernel_profile(std::string_view name);
// The profile of a release written as `uname -r` starts ("5.4", "6.1.0-18-amd64", "4.19.0");
// nullptr when the text is no release number.
const KernelProfile* kernel_profile_for_release(std::string_view release);
std::vector<std::string_view> kernel_profile_names();
const KernelProfile& current_kernel();

}  // namespace lvs::ipvs
