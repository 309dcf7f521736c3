// The quantity table: names resolve against a scenario (typos are errors with a hint), units
// convert, every quantity reads from a run, and the README's table is this table.
#include "models/scenario/quantity.hpp"

#include <catch2/catch.hpp>
#include <fstream>

#include "models/scenario/loader.hpp"
#include "models/scenario/runtime.hpp"
#include "tests/support/readme.hpp"

using namespace lvs;
using namespace lvs::scenario;

namespace {

const std::string kFile = std::string(LVSIM_SCENARIO_DIR) + "/07-healthcheck-quiescent.yaml";

std::string error_for(const Scenario& s, const std::string& name) {
    QuantityError e;
    if (resolve_quantity(name, s, &e)) return "(resolved)";
    return e.message + " | " + e.hint;
}

}  // namespace

TEST_CASE("quantities: names resolve against the scenario's realservers, groups and checks",
          "[scenario][quantity]") {
    const Scenario s = load_scenario_file(kFile);
    for (const char* ok : {"rs1.active", "rs2.state.TIME_WAIT", "clients.page_load_p50", "q.objects_failed",
                           "director.state.FIN_WAIT", "drain.rs2.no_active_s", "health.quiet.rs1.up",
                           "health.removing.fallback", "kernel.nodest_flush", "time"})
        CHECK(resolve_quantity(ok, s).has_value());
    CHECK_THAT(error_for(s, "rs1.activ"), Catch::Contains("unknown quantity 'rs1.activ'") &&
                                              Catch::Contains("did you mean 'rs1.active'"));
    CHECK_THAT(error_for(s, "director.state.FOO"),
               Catch::Contains("unknown IPVS state 'FOO'") && Catch::Contains("TIME_WAIT"));
    CHECK_THAT(error_for(s, "rs3.active"),
               Catch::Contains("unknown name 'rs3'") && Catch::Contains("did you mean 'rs1'"));
    CHECK_THAT(error_for(s, "health.nobody.rs1.up"), Catch::Contains("unknown"));
    CHECK_THAT(error_for(s, "drain.rs9.no_active_s"), Catch::Contains("unknown quantity"));
}

TEST_CASE("quantities: every entry of the table reads a value from a run", "[scenario][quantity]") {
    const Scenario s = load_scenario_file(kFile);
    Run run(s);
    run.run_until(sim::at(sim::s(30)));
    for (const std::string& name : quantity_names(s)) {
        CAPTURE(name);
        const auto q = resolve_quantity(name, s);
        REQUIRE(q.has_value());
        CHECK(definition(*q).pattern.size() > 0);
        (void)read_quantity(run, *q);  // no throw, no crash for any binding
    }
    CHECK(run.quantity("time") == Approx(30.0));
    CHECK(run.quantity("rs1.weight") == 1);
    CHECK_THROWS_AS(run.quantity("rs1.bogus"), std::invalid_argument);
}

TEST_CASE("quantities: the README's table is the quantity table", "[scenario][quantity][docs]") {
    const std::string in_readme = lvs::testing::readme_block(
        "<!-- quantities:begin (generated from models/scenario/quantity.cpp; ctest checks it) -->\n",
        "<!-- quantities:end -->");
    if (in_readme != quantity_markdown()) {
        std::ofstream("quantities.md") << quantity_markdown();
        FAIL(
            "README.md's quantity table differs from the table in quantity.cpp; the current table is in "
            "quantities.md (build dir)");
    }
}
