#include "viz/trace_model.hpp"

#include <algorithm>
#include <cstdio>

namespace lvs::viz {

StringPool::StringPool() {
    items_.emplace_back();
    index_.emplace(std::string_view(items_.back()), kNoStr);
}

StrId StringPool::intern(std::string_view s) {
    const auto it = index_.find(s);
    if (it != index_.end()) return it->second;
    items_.emplace_back(s);
    const StrId id = static_cast<StrId>(items_.size() - 1);
    index_.emplace(std::string_view(items_.back()), id);
    return id;
}

StrId StringPool::find(std::string_view s) const {
    const auto it = index_.find(s);
    return it == index_.end() ? kNoStr : it->second;
}

uint16_t categorize(std::string_view kind, std::string_view event, std::string_view to_state) {
    const trace::KindSpec* spec = trace::find_kind(kind);
    uint16_t c = spec != nullptr ? spec->groups : 0;
    // Two TCP transitions are more than a state change: a reset received, and the end of
    // TIME_WAIT (or of FIN_WAIT2) by its timer.
    if (kind == trace::kind::tcp_state && event == "recv-RST") c |= kCatFault;
    if (kind == trace::kind::tcp_state && event == "timeout" && to_state == "CLOSED") c |= kCatTimer;
    return c;
}

const std::vector<std::pair<StrId TraceModel::Keys::*, std::string_view>>& TraceModel::key_names() {
    using K = Keys;
    static const std::vector<std::pair<StrId K::*, std::string_view>> names = {
        {&K::conn, "conn"},
        {&K::local, "local"},
        {&K::remote, "remote"},
        {&K::from, "from"},
        {&K::to, "to"},
        {&K::event, "event"},
        {&K::client, "client"},
        {&K::dest, "dest"},
        {&K::dir, "dir"},
        {&K::active, "active"},
        {&K::inactive, "inactive"},
        {&K::chosen, "chosen"},
        {&K::candidates, "candidates"},
        {&K::scheduler, "scheduler"},
        {&K::service, "service"},
        {&K::rule, "rule"},
        {&K::text, "text"},
        {&K::reason, "reason"},
        {&K::flags, "flags"},
        {&K::src, "src"},
        {&K::dst, "dst"},
        {&K::arrive, "arrive"},
        {&K::len, "len"},
        {&K::page, "page"},
        {&K::object, "object"},
        {&K::reused, "reused"},
        {&K::load_ms, "load_ms"},
        {&K::failed, "failed"},
        {&K::why, "why"},
        {&K::command, "command"},
        {&K::result, "result"},
        {&K::setting, "setting"},
        {&K::label, "label"},
        {&K::ipvsadm_ln, "ipvsadm_ln"},
        {&K::ipvsadm_lnc, "ipvsadm_lnc"},
        {&K::that, "that"},
        {&K::passed, "passed"},
        {&K::observed, "observed"},
        {&K::op, "op"},
        {&K::ok, "ok"},
        {&K::error, "error"},
        {&K::server, "server"},
        {&K::action, "action"},
        {&K::state, "state"},
        {&K::aborted, "aborted"},
        {&K::seq, "seq"},
        {&K::ack, "ack"},
        {&K::segs, "segs"},
        {&K::method, "method"},
        {&K::bytes, "bytes"},
        {&K::name, "name"},
        {&K::value, "value"},
        {&K::busy, "busy"},
        {&K::idle_keepalive, "idle_keepalive"},
        {&K::address, "address"},
        {&K::line, "line"},
        {&K::host, "host"},
        {&K::ss, "ss"},
        {&K::link, "link"},
        {&K::packets, "packets"},
        {&K::weight, "weight"},
        {&K::forward, "forward"},
        {&K::listed, "listed"},
        {&K::n, "n"},
        {&K::at, "at"},
        {&K::caption, "caption"},
        {&K::question, "question"},
        {&K::highlight, "highlight"},
        {&K::reveal, "reveal"},
    };
    return names;
}

void TraceModelBuilder::begin(int64_t t, uint64_t seq, uint64_t cause, std::string_view entity,
                              std::string_view kind) {
    cur_ = Record{};
    cur_.t = t;
    cur_.seq = seq;
    cur_.cause = cause;
    cur_.entity = m_.strings_.intern(entity);
    cur_.kind = m_.strings_.intern(kind);
    cur_.first_field = static_cast<uint32_t>(m_.fields_.size());
}

void TraceModelBuilder::add_int(std::string_view key, int64_t v) {
    Field f;
    f.key = m_.strings_.intern(key);
    f.type = FieldType::Int;
    f.i = v;
    m_.fields_.push_back(f);
}

void TraceModelBuilder::add_real(std::string_view key, double v) {
    Field f;
    f.key = m_.strings_.intern(key);
    f.type = FieldType::Real;
    f.d = v;
    m_.fields_.push_back(f);
}

void TraceModelBuilder::add_text(std::string_view key, std::string_view v) {
    Field f;
    f.key = m_.strings_.intern(key);
    f.type = FieldType::Text;
    f.s = m_.strings_.intern(v);
    m_.fields_.push_back(f);
}

void TraceModelBuilder::end() {
    cur_.field_count = static_cast<uint16_t>(m_.fields_.size() - cur_.first_field);
    m_.records_.push_back(cur_);
}

void TraceModelBuilder::finish() { m_.build_indexes(); }

void TraceModel::build_indexes() {
    // Simulator output is in time order; a hand-edited or concatenated trace may not be.
    const bool sorted = std::is_sorted(records_.begin(), records_.end(),
                                       [](const Record& a, const Record& b) { return a.t < b.t; });
    if (!sorted)
        std::stable_sort(records_.begin(), records_.end(),
                         [](const Record& a, const Record& b) { return a.t < b.t; });

    for (const auto& [member, name] : key_names()) keys_.*member = strings_.find(name);
    namespace k = trace::kind;
    StringPool& s = strings_;
    kinds_ = Kinds{s.find(k::tcp_state),
                   s.find(k::ipvs_state),
                   s.find(k::ipvs_sched),
                   s.find(k::ipvs_conn_new),
                   s.find(k::ipvs_conn_expire),
                   s.find(k::net_packet),
                   s.find(k::net_drop),
                   s.find(k::director_listing),
                   s.find(k::director_connections),
                   s.find(k::director_dest),
                   s.find(k::snapshot),
                   s.find(k::expectation),
                   s.find(k::http_page_start),
                   s.find(k::http_page_done),
                   s.find(k::http_page_abort),
                   s.find(k::http_request),
                   s.find(k::http_response),
                   s.find(k::http_object_failed),
                   s.find(k::http_retry),
                   s.find(k::timeline_ipvsadm),
                   s.find(k::timeline_sysctl),
                   s.find(k::timeline_server),
                   s.find(k::ipvs_admin),
                   s.find(k::http_server_workers),
                   s.find(k::director_realserver),
                   s.find(k::scenario_warning),
                   s.find(k::host_sockets),
                   s.find(k::net_queue),
                   s.find(k::lesson_step),
                   s.find(k::http_idle_close),
                   s.find(k::http_keepalive_close)};

    by_kind_.clear();
    by_entity_.clear();
    by_category_.assign(16, {});
    times_.resize(records_.size());
    for (uint32_t i = 0; i < records_.size(); ++i) {
        Record& r = records_[i];
        times_[i] = r.t;
        const std::string_view kind = str(r.kind);
        std::string_view event, to_state;
        if (r.kind == kinds_.tcp_state) {
            event = get_text(r, keys_.event);
            to_state = get_text(r, keys_.to);
        }
        r.category = categorize(kind, event, to_state);
        by_kind_[r.kind].push_back(i);
        by_entity_[r.entity].push_back(i);
        for (int b = 0; b < 16; ++b)
            if ((r.category & (1u << b)) != 0) by_category_[b].push_back(i);
    }
    by_seq_.resize(records_.size());
    for (uint32_t i = 0; i < records_.size(); ++i) by_seq_[i] = i;
    std::stable_sort(by_seq_.begin(), by_seq_.end(),
                     [this](uint32_t a, uint32_t b) { return records_[a].seq < records_[b].seq; });
    if (!records_.empty()) {
        begin_ = std::min<int64_t>(0, records_.front().t);
        end_ = std::max(end_, records_.back().t);
    }
}

const Field* TraceModel::field(const Record& r, StrId key) const {
    if (key == kNoStr) return nullptr;
    for (uint32_t i = r.first_field; i < r.first_field + r.field_count; ++i)
        if (fields_[i].key == key) return &fields_[i];
    return nullptr;
}

int64_t TraceModel::get_int(const Record& r, StrId key, int64_t fallback) const {
    const Field* f = field(r, key);
    if (f == nullptr) return fallback;
    if (f->type == FieldType::Int) return f->i;
    if (f->type == FieldType::Real) return static_cast<int64_t>(f->d);
    return fallback;
}

double TraceModel::get_real(const Record& r, StrId key, double fallback) const {
    const Field* f = field(r, key);
    if (f == nullptr) return fallback;
    if (f->type == FieldType::Int) return static_cast<double>(f->i);
    if (f->type == FieldType::Real) return f->d;
    return fallback;
}

std::string_view TraceModel::get_text(const Record& r, StrId key) const {
    const Field* f = field(r, key);
    return f != nullptr && f->type == FieldType::Text ? str(f->s) : std::string_view();
}

StrId TraceModel::get_text_id(const Record& r, StrId key) const {
    const Field* f = field(r, key);
    return f != nullptr && f->type == FieldType::Text ? f->s : kNoStr;
}

std::string TraceModel::format_value(const Field& f) const {
    if (f.type == FieldType::Int) return std::to_string(f.i);
    if (f.type == FieldType::Real) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.9g", f.d);
        return buf;
    }
    return std::string(str(f.s));
}

const std::vector<uint32_t>& TraceModel::of_kind(StrId kind) const {
    static const std::vector<uint32_t> none;
    const auto it = by_kind_.find(kind);
    return it == by_kind_.end() || kind == kNoStr ? none : it->second;
}

const std::vector<uint32_t>& TraceModel::of_entity(StrId entity) const {
    static const std::vector<uint32_t> none;
    const auto it = by_entity_.find(entity);
    return it == by_entity_.end() ? none : it->second;
}

std::pair<uint32_t, uint32_t> TraceModel::event_records(uint64_t seq) const {
    const auto lo = std::lower_bound(by_seq_.begin(), by_seq_.end(), seq,
                                     [this](uint32_t i, uint64_t s) { return records_[i].seq < s; });
    const auto hi = std::upper_bound(lo, by_seq_.end(), seq,
                                     [this](uint64_t s, uint32_t i) { return s < records_[i].seq; });
    return {static_cast<uint32_t>(lo - by_seq_.begin()), static_cast<uint32_t>(hi - by_seq_.begin())};
}

size_t TraceModel::first_at_or_after(int64_t t) const {
    return static_cast<size_t>(std::lower_bound(times_.begin(), times_.end(), t) - times_.begin());
}

int64_t TraceModel::last_at_or_before(int64_t t) const {
    return static_cast<int64_t>(std::upper_bound(times_.begin(), times_.end(), t) - times_.begin()) - 1;
}

size_t TraceModel::lower_bound(const std::vector<uint32_t>& idx, int64_t t) const {
    return static_cast<size_t>(
        std::lower_bound(idx.begin(), idx.end(), t, [this](uint32_t i, int64_t v) { return times_[i] < v; }) -
        idx.begin());
}

int64_t TraceModel::latest(const std::vector<uint32_t>& idx, int64_t t) const {
    const auto it =
        std::upper_bound(idx.begin(), idx.end(), t, [this](int64_t v, uint32_t i) { return v < times_[i]; });
    return it == idx.begin() ? -1 : static_cast<int64_t>(*(it - 1));
}

}  // namespace lvs::viz
