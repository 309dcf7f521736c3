// The expectation language: small arithmetic and comparisons over named quantities.
//
//   rs1.active >= 1            clients.objects_failed == 0        rs2.conns > 10
//   rs1.state.TIME_WAIT >= 1   rs1.conns == rs1.conns@20s         drain.rs1.no_active_s > 60
//   ie8.page_load_p95 < 500 && clients.retries == 0
//
// Operators: || && == != < <= > >= + - * / unary -, parentheses. Numbers may carry a time
// unit ("60s", "150ms"), which makes them seconds. `name@T` is the quantity's value at time T.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/time.hpp"

namespace lvs::scenario {

struct ExprNode;

class Expr {
public:
    // Throws ExprError (with the 0-based column) on a syntax error.
    static Expr parse(const std::string& text);
    Expr();
    ~Expr();
    Expr(Expr&&) noexcept;
    Expr& operator=(Expr&&) noexcept;

    // A quantity reference: its name and, for `name@T`, the time.
    struct Ref {
        std::string name;
        std::optional<sim::Time> at;
        size_t column = 0;
    };
    const std::vector<Ref>& refs() const { return refs_; }
    // Evaluates with `value(ref)` giving each quantity; comparisons and logic yield 0 or 1.
    double eval(const std::function<double(const Ref&)>& value) const;
    bool is_condition() const;  // the top operator is a comparison or a logical one
    const std::string& text() const { return text_; }

private:
    std::unique_ptr<ExprNode> root_;
    std::vector<Ref> refs_;
    std::string text_;
};

struct ExprError : std::runtime_error {
    ExprError(const std::string& m, size_t c) : std::runtime_error(m), column(c) {}
    size_t column;
};

}  // namespace lvs::scenario
