// Client outcomes: every browser's page loads and their objects, for the waterfall.
//
// The trace says when each object was requested (http.request), on which connection, and
// when an object failed or a page was done or aborted. When an object finished is not a
// record of its own: it is the arrival of the last response segment on its connection before
// the next request there (HTTP/1.1 without pipelining sends the next request only after the
// response), read from the net.packet records addressed to the client's port.
#pragma once

#include <cstdint>
#include <vector>

#include "viz/derive/connections.hpp"
#include "viz/trace_model.hpp"

namespace lvs::viz {

enum class ObjectStatus : uint8_t { Ok, Failed, Aborted, Pending };

struct ObjectLoad {
    int64_t object = 0;  // 0 is the HTML
    int64_t t_request = 0;
    int64_t t_end = 0;
    int64_t conn = 0;  // the browser host's TCP connection id
    bool reused = false;
    int retries = 0;
    ObjectStatus status = ObjectStatus::Pending;
    StrId why = kNoStr;  // for failures
};

struct PageLoad {
    int64_t page = 0;
    int64_t t0 = 0;
    int64_t t1 = 0;  // done or aborted (the run's end while loading)
    double load_ms = 0;
    int64_t failed = 0;
    bool done = false;
    bool aborted = false;
    uint32_t first_object = 0;
    uint32_t object_count = 0;
};

struct BrowserLoads {
    StrId browser = kNoStr;  // "ie8:browser"
    StrId host = kNoStr;     // "ie8"
    std::vector<PageLoad> pages;
};

class PageLoadSet {
public:
    void build(const TraceModel& m, const ConnectionSet& conns);
    const std::vector<BrowserLoads>& browsers() const { return browsers_; }
    const ObjectLoad& object(uint32_t i) const { return objects_[i]; }
    // The page of browser `b` being loaded (or last loaded) at t; -1 when none started yet.
    int64_t page_at(size_t b, int64_t t) const;

    struct Totals {
        uint64_t pages = 0, done = 0, aborted = 0, with_failures = 0, objects_ok = 0, objects_failed = 0,
                 objects_aborted = 0, retries = 0;
        double p50_ms = 0, p95_ms = 0;
    };
    // Outcomes of everything finished at or before t (all browsers).
    Totals totals_at(int64_t t) const;

private:
    void add_browser(const TraceModel& m, StrId browser);
    void find_object_ends(const TraceModel& m, const ConnectionSet& conns);

    std::vector<BrowserLoads> browsers_;
    std::vector<ObjectLoad> objects_;
};

}  // namespace lvs::viz
