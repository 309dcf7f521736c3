#include "viz/derive/pages.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace lvs::viz {

void PageLoadSet::build(const TraceModel& m, const ConnectionSet& conns) {
    browsers_.clear();
    objects_.clear();
    std::vector<StrId> browser_ids;
    for (uint32_t ri : m.of_kind(m.kinds().page_start)) {
        const StrId b = m.at(ri).entity;
        if (std::find(browser_ids.begin(), browser_ids.end(), b) == browser_ids.end())
            browser_ids.push_back(b);
    }
    for (StrId b : browser_ids) add_browser(m, b);
    find_object_ends(m, conns);
    // Objects of aborted pages that had not finished by the abort; pages still loading at the
    // end of the run keep their objects pending.
    for (const BrowserLoads& bl : browsers_) {
        for (const PageLoad& p : bl.pages) {
            for (uint32_t oi = p.first_object; oi < p.first_object + p.object_count; ++oi) {
                ObjectLoad& o = objects_[oi];
                if (o.status == ObjectStatus::Failed) continue;
                if (p.aborted && o.t_end >= p.t1) o.status = ObjectStatus::Aborted;
                else if (!p.done && !p.aborted) o.status = ObjectStatus::Pending;
                else o.status = ObjectStatus::Ok;
                if (o.t_end == 0) o.t_end = p.t1;
            }
        }
    }
}

// One browser's pages and their objects, from its own records.
void PageLoadSet::add_browser(const TraceModel& m, StrId b) {
    const auto& K = m.keys();
    const auto& kinds = m.kinds();
    BrowserLoads bl;
    bl.browser = b;
    const std::string_view name = m.str(b);
    const size_t colon = name.rfind(':');
    bl.host = m.find_str(colon == std::string_view::npos ? name : name.substr(0, colon));
    std::vector<std::vector<ObjectLoad>> objs;   // per page, appended to objects_ at the end
    std::unordered_map<int64_t, size_t> obj_of;  // object number -> index in objs[cur]
    int64_t cur = -1;
    const auto page_index = [&](int64_t page) -> int64_t {
        for (int64_t i = static_cast<int64_t>(bl.pages.size()) - 1; i >= 0; --i)
            if (bl.pages[static_cast<size_t>(i)].page == page) return i;
        return -1;
    };
    for (uint32_t ri : m.of_entity(b)) {
        const Record& r = m.at(ri);
        if (r.kind == kinds.page_start) {
            PageLoad p;
            p.page = m.get_int(r, K.page);
            p.t0 = r.t;
            p.t1 = m.end_time();
            bl.pages.push_back(p);
            objs.emplace_back();
            cur = static_cast<int64_t>(bl.pages.size()) - 1;
            obj_of.clear();
            continue;
        }
        const int64_t pi = page_index(m.get_int(r, K.page, -1));
        if (pi < 0) continue;
        auto& list = objs[static_cast<size_t>(pi)];
        const auto found = pi == cur ? obj_of.find(m.get_int(r, K.object)) : obj_of.end();
        if (r.kind == kinds.request) {
            if (found != obj_of.end()) {  // sent again on another connection after a failure
                list[found->second].conn = m.get_int(r, K.conn);
                list[found->second].reused = m.get_int(r, K.reused) != 0;
                continue;
            }
            ObjectLoad o;
            o.object = m.get_int(r, K.object);
            o.t_request = r.t;
            o.conn = m.get_int(r, K.conn);
            o.reused = m.get_int(r, K.reused) != 0;
            if (pi == cur) obj_of[o.object] = list.size();
            list.push_back(o);
        } else if (r.kind == kinds.object_failed && found != obj_of.end()) {
            ObjectLoad& o = list[found->second];
            o.status = ObjectStatus::Failed;
            o.t_end = r.t;
            o.why = m.get_text_id(r, K.why);
        } else if (r.kind == kinds.retry && found != obj_of.end()) {
            ++list[found->second].retries;
        } else if (r.kind == kinds.page_done || r.kind == kinds.page_abort) {
            PageLoad& p = bl.pages[static_cast<size_t>(pi)];
            p.t1 = r.t;
            if (r.kind == kinds.page_done) {
                p.done = true;
                p.load_ms = m.get_real(r, K.load_ms);
                p.failed = m.get_int(r, K.failed);
            } else {
                p.aborted = true;
                p.load_ms = static_cast<double>(r.t - p.t0) / 1e6;
            }
        }
    }
    for (size_t pi = 0; pi < bl.pages.size(); ++pi) {
        bl.pages[pi].first_object = static_cast<uint32_t>(objects_.size());
        bl.pages[pi].object_count = static_cast<uint32_t>(objs[pi].size());
        objects_.insert(objects_.end(), objs[pi].begin(), objs[pi].end());
    }
    browsers_.push_back(std::move(bl));
}

// When each object finished: the last response segment that reached the client's port before
// the connection's next request (or the end of the page).
void PageLoadSet::find_object_ends(const TraceModel& m, const ConnectionSet& conns) {
    const auto& K = m.keys();
    const auto& kinds = m.kinds();
    std::unordered_map<StrId, std::vector<int64_t>> arrivals;  // client addr:port -> data arrivals
    struct ConnObjects {
        StrId local = kNoStr;
        std::vector<std::pair<uint32_t, int64_t>> objects;  // (object, its page's end)
    };
    std::unordered_map<uint64_t, ConnObjects> per_conn;
    for (const BrowserLoads& bl : browsers_) {
        for (const PageLoad& p : bl.pages) {
            for (uint32_t oi = p.first_object; oi < p.first_object + p.object_count; ++oi) {
                const uint64_t key =
                    (static_cast<uint64_t>(bl.host) << 32) | static_cast<uint32_t>(objects_[oi].conn);
                ConnObjects& co = per_conn[key];
                if (co.local == kNoStr) {
                    const int32_t ep = conns.client_endpoint(bl.host, objects_[oi].conn);
                    if (ep >= 0) co.local = conns.endpoint(ep).local;
                    if (co.local != kNoStr) arrivals.emplace(co.local, std::vector<int64_t>{});
                }
                co.objects.emplace_back(oi, p.t1);
            }
        }
    }
    for (uint32_t ri : m.of_kind(kinds.net_packet)) {
        const Record& r = m.at(ri);
        if (m.get_int(r, K.len) <= 0) continue;
        const auto it = arrivals.find(m.get_text_id(r, K.dst));
        if (it != arrivals.end()) it->second.push_back(m.get_int(r, K.arrive, r.t));
    }
    for (auto& [k, v] : arrivals) std::sort(v.begin(), v.end());
    for (auto& [key, co] : per_conn) {
        auto& list = co.objects;
        std::sort(list.begin(), list.end(), [this](const auto& a, const auto& b) {
            return objects_[a.first].t_request < objects_[b.first].t_request;
        });
        const std::vector<int64_t>* arr = nullptr;
        if (const auto it = arrivals.find(co.local); it != arrivals.end()) arr = &it->second;
        for (size_t k = 0; k < list.size(); ++k) {
            ObjectLoad& o = objects_[list[k].first];
            int64_t bound = list[k].second;
            if (k + 1 < list.size()) bound = std::min(bound, objects_[list[k + 1].first].t_request);
            if (o.status == ObjectStatus::Failed) continue;
            int64_t end = bound;
            if (arr != nullptr) {
                const auto ub = std::upper_bound(arr->begin(), arr->end(), bound);
                if (ub != arr->begin() && *(ub - 1) > o.t_request) end = *(ub - 1);
            }
            o.t_end = end;
        }
    }
}

int64_t PageLoadSet::page_at(size_t b, int64_t t) const {
    const auto& pages = browsers_[b].pages;
    const auto it = std::upper_bound(pages.begin(), pages.end(), t,
                                     [](int64_t v, const PageLoad& p) { return v < p.t0; });
    return it == pages.begin() ? -1 : static_cast<int64_t>(it - pages.begin() - 1);
}

PageLoadSet::Totals PageLoadSet::totals_at(int64_t t) const {
    Totals out;
    std::vector<double> loads;
    for (const BrowserLoads& bl : browsers_) {
        for (const PageLoad& p : bl.pages) {
            if (p.t0 > t) break;
            ++out.pages;
            if (p.t1 > t || (!p.done && !p.aborted)) continue;
            if (p.done) {
                ++out.done;
                loads.push_back(p.load_ms);
            }
            if (p.aborted) ++out.aborted;
            bool failed = false;
            for (uint32_t oi = p.first_object; oi < p.first_object + p.object_count; ++oi) {
                const ObjectLoad& o = objects_[oi];
                out.retries += static_cast<uint64_t>(o.retries);
                if (o.status == ObjectStatus::Ok) ++out.objects_ok;
                else if (o.status == ObjectStatus::Failed) ++out.objects_failed, failed = true;
                else if (o.status == ObjectStatus::Aborted) ++out.objects_aborted;
            }
            if (failed) ++out.with_failures;
        }
    }
    if (!loads.empty()) {
        std::sort(loads.begin(), loads.end());
        const auto rank = [&](double p) {
            const size_t r = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(loads.size())));
            return loads[std::min(loads.size() - 1, r == 0 ? 0 : r - 1)];
        };
        out.p50_ms = rank(50);
        out.p95_ms = rank(95);
    }
    return out;
}

}  // namespace lvs::viz
