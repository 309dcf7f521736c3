// An ipvsadm command run against the director (the ioctl/netlink calls ipvsadm makes), and the
// commands lvsim builds itself. Parsing is in ipvsadm_parse.cpp, the listings in
// ipvsadm_list.cpp.
#include "models/ipvs/ipvsadm.hpp"

namespace lvs::ipvs {

std::string sched_flags_text(const std::string& scheduler, uint32_t flags) {
    std::string out;
    const auto add = [&](const char* s) { out += (out.empty() ? "" : ",") + std::string(s); };
    const bool sh = scheduler == "sh", mh = scheduler == "mh";
    if (flags & kSvcSched1) add(sh ? "sh-fallback" : mh ? "mh-fallback" : "flag-1");
    if (flags & kSvcSched2) add(sh ? "sh-port" : mh ? "mh-port" : "flag-2");
    if (flags & kSvcSched3) add("flag-3");
    return out;
}

IpvsadmCommand dest_command(IpvsadmCmd cmd, const ServiceKey& service, const DestSpec& dest) {
    IpvsadmCommand c;
    c.cmd = cmd;
    c.has_service = true;
    c.service.key = service;
    c.dest = dest;
    const char* letter = cmd == IpvsadmCmd::AddDest ? "-a " : cmd == IpvsadmCmd::EditDest ? "-e " : "-d ";
    const std::string svc =
        service.fwmark != 0 ? "-f " + std::to_string(service.fwmark)
                            : std::string(service.proto == Proto::Udp ? "-u " : "-t ") + service.vip.str();
    c.text = letter + svc + " -r " + dest.addr.str();
    if (cmd != IpvsadmCmd::DelDest) {
        c.has_forward = c.has_weight = true;
        c.text += " " + std::string(switch_of(dest.forward)) + " -w " + std::to_string(dest.weight);
    }
    return c;
}

AdminResult apply_ipvsadm(Director& d, const IpvsadmCommand& c, std::string* output) {
    switch (c.cmd) {
        case IpvsadmCmd::AddService: return d.add_service(c.service);
        case IpvsadmCmd::EditService: return d.edit_service(c.service);
        case IpvsadmCmd::DelService: return d.del_service(c.service.key);
        case IpvsadmCmd::Flush: return d.flush();
        case IpvsadmCmd::Zero:
            return d.zero(c.has_service ? std::optional<ServiceKey>(c.service.key) : std::nullopt);
        case IpvsadmCmd::AddDest: return d.add_dest(c.service.key, c.dest);
        case IpvsadmCmd::EditDest: return d.edit_dest(c.service.key, c.dest);
        case IpvsadmCmd::DelDest: return d.del_dest(c.service.key, c.dest.addr);
        case IpvsadmCmd::SetTimeout: return d.set_timeouts(c.tcp, c.tcpfin, c.udp);
        case IpvsadmCmd::List:
            if (output != nullptr) {
                if (c.format.connections) *output = render_connections(d, c.format);
                else if (c.format.timeout) *output = render_timeout(d);
                else if (c.has_service) {
                    if (d.find_service(c.service.key) == nullptr)
                        return {AdminCode::NoService, "No such service"};
                    *output = render_list(d, c.format, c.service.key);
                } else *output = render_list(d, c.format);
            }
            return {};
        case IpvsadmCmd::Save:
            if (output != nullptr) *output = render_save(d, c.format.numeric);
            return {};
        // libipvs ipvs_strerror(): EEXIST and ESRCH of the daemon commands.
        case IpvsadmCmd::StartDaemon:
            if ((d.sync_state() & c.daemon_state) != 0) return {AdminCode::Exists, "Daemon has already run"};
            d.start_sync_daemon(c.daemon_state, c.syncid);
            return {};
        case IpvsadmCmd::StopDaemon:
            if ((d.sync_state() & c.daemon_state) == 0) return {AdminCode::NoDest, "No daemon is running"};
            d.stop_sync_daemon(c.daemon_state);
            return {};
        case IpvsadmCmd::Restore: return {AdminCode::Invalid, "not simulated: -R is out of lvsim's scope"};
    }
    return {};
}

}  // namespace lvs::ipvs
