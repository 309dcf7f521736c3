// Holding a record against the vocabulary: what the invariant checks and the tests run, apart
// from the table itself.
#include "models/trace/vocabulary.hpp"
#include "sim/check.hpp"

namespace lvs::trace {

namespace {

FieldType type_of(const sim::TraceField& f) {
    return f.is_int() ? FieldType::Int : f.is_real() ? FieldType::Real : FieldType::Text;
}

}  // namespace

std::string check_record(const sim::TraceRecord& r) {
    const KindSpec* k = find_kind(r.kind);
    if (k == nullptr) return "record kind '" + std::string(r.kind) + "' is not in the trace vocabulary";
    for (const sim::TraceField& f : r.fields) {
        const FieldSpec* spec = k->field(f.key);
        if (spec == nullptr)
            return std::string(r.kind) + ": field '" + std::string(f.key) + "' is not in the vocabulary";
        if (spec->type != type_of(f))
            return std::string(r.kind) + ": field '" + std::string(f.key) + "' is " +
                   std::string(to_string(type_of(f))) + ", the vocabulary says " +
                   std::string(to_string(spec->type));
    }
    for (const FieldSpec& spec : k->fields)
        if (spec.always && r.find(spec.key) == nullptr)
            return std::string(r.kind) + ": field '" + std::string(spec.key) + "' is missing";
    return {};
}

void VocabularyCheck::on_record(const sim::TraceRecord& r) {
    const std::string problem = check_record(r);
    if (!problem.empty())
        throw sim::InvariantError("trace vocabulary (models/trace/vocabulary.cpp): " + problem, r.time, r.seq,
                                  std::string(r.entity_name));
}

}  // namespace lvs::trace
