// The expectation language: small arithmetic and comparisons over named quantities.
//
//   rs1.active >= 1            clients.objects_failed == 0        rs2.conns > 10
//   rs1.state.TIME_WAIT >= 1   rs1.conns == rs1.conns@20s         drain.rs1.no_active_s > 60
//   ie8.page_load_p95 < 500 && clients.retries == 0               clients.page_load_p50 < 1s
//
// Operators: || && == != < <= > >= + - * / unary -, parentheses. `name@T` is the quantity's
// value at time T. Parsing gives the syntax; compiling resolves every name against the
// scenario's quantity table (quantity.hpp) and checks units: a bare number is in the unit of
// what it meets (ms for page_load_*, s for *_s), a number with a time unit is converted to it,
// and a time compared with a count is an error.
//
// An Expr is a plain value (its nodes sit in one vector), copied with the scenario it is in.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/scenario/quantity.hpp"
#include "sim/time.hpp"

namespace lvs::scenario {

// A syntax, name or unit error at a 0-based column of the expression.
struct ExprError : std::runtime_error {
    ExprError(const std::string& m, size_t c, std::string h = {})
        : std::runtime_error(m), column(c), hint(std::move(h)) {}
    size_t column;
    std::string hint;
};

class Expr {
public:
    // Limits that keep parsing and evaluation bounded (recursion, memory).
    static constexpr size_t kMaxLength = 4096;
    static constexpr size_t kMaxDepth = 64;
    static constexpr size_t kMaxNodes = 512;

    // A quantity reference: its name as written, `name@T`'s time, and (once compiled) what it
    // resolved to.
    struct Ref {
        std::string name;
        std::optional<sim::Time> at;
        size_t column = 0;
        QuantityRef quantity;
    };

    // Syntax only; throws ExprError.
    static Expr parse(const std::string& text);
    // Parses, resolves every name against `s` and checks units; throws ExprError.
    static Expr compile(const std::string& text, const Scenario& s);

    const std::vector<Ref>& refs() const { return refs_; }
    // Evaluates with `value(ref)` giving each quantity in its own unit; comparisons and logic
    // yield 0 or 1.
    double eval(const std::function<double(const Ref&)>& value) const;
    bool is_condition() const;  // the top operator is a comparison or a logical one
    const std::string& text() const { return text_; }

    enum class Op : uint8_t { Number, Ref, Neg, Add, Sub, Mul, Div, Eq, Ne, Lt, Le, Gt, Ge, And, Or };
    struct Node {
        Op op = Op::Number;
        double number = 0;    // Number: the value (after unit conversion)
        int64_t time_ns = 0;  // Number written with a time unit: its nanoseconds
        bool time_literal = false;
        uint32_t a = 0, b = 0;  // operands (node indices)
        uint32_t ref = 0;       // Ref: index into refs()
        double scale_b = 1;     // b's value is multiplied by this (s against ms)
        size_t column = 0;
    };

private:
    friend class ExprParser;
    friend class UnitChecker;
    double eval_node(uint32_t i, const std::function<double(const Ref&)>& value) const;

    std::vector<Node> nodes_;  // children before parents; the root is the last
    std::vector<Ref> refs_;
    std::string text_;
};

}  // namespace lvs::scenario
