#include <catch2/catch.hpp>
#include <string>

#include "support/lvs_harness.hpp"

using namespace lvs;
using namespace lvs::testing;

TEST_CASE("ipvs::Director: a browser loads a page through a NAT director", "[ipvs][smoke]") {
    Farm f;
    f.nat_service();
    http::BrowserConfig c;
    c.profile = *http::find_client_profile("ie8");
    c.schedule.kind = http::LoadSchedule::Kind::Times;
    c.schedule.times = {at(s(1))};
    f.add_browser(f.add_client(), c);
    f.run_until(at(s(10)));
    CHECK(f.stats.objects_ok == 41);
    const auto& d1 = f.dest(1);
    const auto& d2 = f.dest(2);
    CHECK(d1.activeconns + d2.activeconns == 6);
    CHECK(d1.stats.conns + d2.stats.conns == 6);
    CHECK(d1.activeconns == 3);
    // The listings say the same: each realserver's row, and six ESTABLISHED entries.
    const std::string ln = ipvs::ipvsadm_ln(*f.director);
    CHECK(ln.find("Masq    1      3          0") != std::string::npos);
    const std::string lnc = ipvs::ipvsadm_lnc(*f.director);
    size_t established = 0;
    for (size_t p = lnc.find("ESTABLISHED"); p != std::string::npos; p = lnc.find("ESTABLISHED", p + 1))
        ++established;
    CHECK(established == 6);
    f.run_until(at(s(75)));
    CHECK(ipvs::ipvsadm_ln(*f.director).find("Masq    1      0          3") != std::string::npos);
    CHECK(d1.activeconns + d2.activeconns == 0);
    CHECK(d1.inactconns + d2.inactconns == 6);
}
