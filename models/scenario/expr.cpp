#include "models/scenario/expr.hpp"

#include <cctype>
#include <cmath>

#include "models/socket/socket.hpp"

namespace lvs::scenario {

// Recursive descent over the text; nodes go into the expression's vector, children first.
class ExprParser {
public:
    ExprParser(Expr& e) : e_(e), t_(e.text_) {}
    void parse() {
        if (t_.size() > Expr::kMaxLength)
            throw ExprError("the condition is " + std::to_string(t_.size()) +
                                " characters long; the limit is " + std::to_string(Expr::kMaxLength),
                            Expr::kMaxLength, "split it into several expectations");
        parse_or();
        skip();
        if (i_ != t_.size()) throw ExprError("unexpected '" + t_.substr(i_, 1) + "'", i_);
    }

private:
    using Op = Expr::Op;
    void skip() {
        while (i_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[i_]))) ++i_;
    }
    bool eat(const std::string& s) {
        skip();
        if (t_.compare(i_, s.size(), s) == 0) {
            i_ += s.size();
            return true;
        }
        return false;
    }
    uint32_t add(Expr::Node n) {
        if (e_.nodes_.size() >= Expr::kMaxNodes)
            throw ExprError("the condition has more than " + std::to_string(Expr::kMaxNodes) + " terms",
                            n.column, "split it into several expectations");
        e_.nodes_.push_back(n);
        return static_cast<uint32_t>(e_.nodes_.size() - 1);
    }
    uint32_t bin(Op op, uint32_t a, uint32_t b, size_t column) {
        Expr::Node n;
        n.op = op;
        n.a = a;
        n.b = b;
        n.column = column;
        return add(n);
    }
    // Nesting (parentheses, unary minus) is bounded, so is the recursion of parse and eval.
    struct Deeper {
        ExprParser& p;
        explicit Deeper(ExprParser& parser, size_t column) : p(parser) {
            if (++p.depth_ > Expr::kMaxDepth)
                throw ExprError(
                    "the condition nests deeper than " + std::to_string(Expr::kMaxDepth) + " levels", column);
        }
        ~Deeper() { --p.depth_; }
    };
    uint32_t parse_or() {
        uint32_t n = parse_and();
        for (size_t c = i_; eat("||"); c = i_) n = bin(Op::Or, n, parse_and(), c);
        return n;
    }
    uint32_t parse_and() {
        uint32_t n = parse_cmp();
        for (size_t c = i_; eat("&&"); c = i_) n = bin(Op::And, n, parse_cmp(), c);
        return n;
    }
    uint32_t parse_cmp() {
        const uint32_t n = parse_sum();
        skip();
        const size_t c = i_;
        static const std::pair<const char*, Op> kOps[] = {{"==", Op::Eq}, {"!=", Op::Ne}, {"<=", Op::Le},
                                                          {">=", Op::Ge}, {"<", Op::Lt},  {">", Op::Gt}};
        for (const auto& [text, op] : kOps)
            if (eat(text)) return bin(op, n, parse_sum(), c);
        if (i_ < t_.size() && t_[i_] == '=') throw ExprError("'=' is not a comparison: write '=='", i_);
        return n;
    }
    uint32_t parse_sum() {
        uint32_t n = parse_term();
        for (;;) {
            skip();
            const size_t c = i_;
            if (eat("+")) n = bin(Op::Add, n, parse_term(), c);
            else if (eat("-")) n = bin(Op::Sub, n, parse_term(), c);
            else return n;
        }
    }
    uint32_t parse_term() {
        uint32_t n = parse_factor();
        for (;;) {
            skip();
            const size_t c = i_;
            if (eat("*")) n = bin(Op::Mul, n, parse_factor(), c);
            else if (eat("/")) n = bin(Op::Div, n, parse_factor(), c);
            else return n;
        }
    }
    uint32_t parse_factor() {
        skip();
        if (i_ >= t_.size()) throw ExprError("the condition ends too early", i_);
        const size_t start = i_;
        if (eat("(")) {
            const Deeper d(*this, start);
            const uint32_t n = parse_or();
            if (!eat(")")) throw ExprError("missing ')'", i_);
            return n;
        }
        if (eat("-")) {
            const Deeper d(*this, start);
            Expr::Node n;
            n.op = Op::Neg;
            n.a = parse_factor();
            n.column = start;
            return add(n);
        }
        if (std::isdigit(static_cast<unsigned char>(t_[i_])) || t_[i_] == '.') {
            while (i_ < t_.size() &&
                   (std::isalnum(static_cast<unsigned char>(t_[i_])) || t_[i_] == '.' || t_[i_] == '_'))
                ++i_;
            const std::string word = t_.substr(start, i_ - start);
            Expr::Node n;
            n.column = start;
            size_t end = 0;
            try {
                n.number = std::stod(word, &end);
            } catch (...) {
                throw ExprError("not a number: '" + word + "'", start);
            }
            if (!std::isfinite(n.number)) throw ExprError("the number '" + word + "' is too large", start);
            if (end != word.size()) {
                // A time: kept in nanoseconds until the unit check knows what it meets.
                try {
                    n.time_ns = sim::parse_duration(word).ns();
                } catch (const sim::TimeParseError& e) {
                    throw ExprError(e.what(), start + e.column(), e.hint());
                }
                n.time_literal = true;
                n.number = static_cast<double>(n.time_ns) * 1e-9;
            }
            return add(n);
        }
        if (std::isalpha(static_cast<unsigned char>(t_[i_])) || t_[i_] == '_') {
            while (i_ < t_.size() &&
                   (std::isalnum(static_cast<unsigned char>(t_[i_])) || t_[i_] == '_' || t_[i_] == '.'))
                ++i_;
            while (i_ > start && t_[i_ - 1] == '.') --i_;
            Expr::Ref ref;
            ref.name = t_.substr(start, i_ - start);
            ref.column = start;
            if (i_ < t_.size() && t_[i_] == '@') {
                const size_t at = ++i_;
                while (i_ < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[i_])) || t_[i_] == '.'))
                    ++i_;
                try {
                    ref.at = sim::parse_time(t_.substr(at, i_ - at));
                } catch (const sim::TimeParseError& e) {
                    throw ExprError(std::string("after '@': ") + e.what(), at + e.column(), e.hint());
                }
            }
            Expr::Node n;
            n.op = Op::Ref;
            n.ref = static_cast<uint32_t>(e_.refs_.size());
            n.column = start;
            e_.refs_.push_back(std::move(ref));
            return add(n);
        }
        throw ExprError("unexpected '" + t_.substr(i_, 1) + "'", i_);
    }

    Expr& e_;
    const std::string& t_;
    size_t i_ = 0;
    size_t depth_ = 0;
};

// Infers each node's unit bottom-up, converting time literals to the unit they meet and
// scaling a seconds operand against a milliseconds one.
class UnitChecker {
public:
    // What a node's value is: a plain number (adapts to what it meets), a time literal not
    // yet placed, or a unit of the quantity table.
    struct Kind {
        enum class Is : uint8_t { Bare, TimeLiteral, Quantity } is = Is::Bare;
        Unit unit = Unit::Count;
        size_t column = 0;
        std::string what;  // for messages: "clients.page_load_p50 (ms)"
    };

    explicit UnitChecker(Expr& e) : e_(e) {}
    void check() {
        std::vector<Kind> kinds(e_.nodes_.size());
        for (size_t i = 0; i < e_.nodes_.size(); ++i) kinds[i] = infer(static_cast<uint32_t>(i), kinds);
    }

private:
    using Op = Expr::Op;
    static bool is_time_kind(const Kind& k) {
        return k.is == Kind::Is::TimeLiteral || (k.is == Kind::Is::Quantity && is_time(k.unit));
    }
    static double unit_ns(Unit u) { return u == Unit::Milliseconds ? 1e6 : 1e9; }

    // Puts every time literal under node i into `unit`.
    void place_literals(uint32_t i, Unit unit) {
        Expr::Node& n = e_.nodes_[i];
        if (n.op == Op::Number && n.time_literal) n.number = static_cast<double>(n.time_ns) / unit_ns(unit);
        if (n.op == Op::Neg || n.op >= Op::Add) place_literals(n.a, unit);
        if (n.op >= Op::Add) place_literals(n.b, unit);
    }

    Kind infer(uint32_t i, const std::vector<Kind>& kinds) {
        Expr::Node& n = e_.nodes_[i];
        Kind k;
        k.column = n.column;
        switch (n.op) {
            case Op::Number:
                if (n.time_literal) {
                    k.is = Kind::Is::TimeLiteral;
                    k.what = "a time";
                }
                return k;
            case Op::Ref: {
                const Expr::Ref& r = e_.refs_[n.ref];
                k.is = Kind::Is::Quantity;
                k.unit = definition(r.quantity).unit;
                k.what = r.name;
                return k;
            }
            case Op::Neg: return kinds[n.a];
            case Op::And:
            case Op::Or:
                k.is = Kind::Is::Quantity;
                k.unit = Unit::Flag;
                return k;
            case Op::Mul:
            case Op::Div: {
                // Scaling: a bare factor keeps the other side's unit; anything else is a ratio
                // (a time literal here counts in seconds, as parsed).
                const Kind &a = kinds[n.a], &b = kinds[n.b];
                if (b.is == Kind::Is::Bare) return a.is == Kind::Is::TimeLiteral ? seconds(k) : a;
                if (a.is == Kind::Is::Bare && n.op == Op::Mul)
                    return b.is == Kind::Is::TimeLiteral ? seconds(k) : b;
                k.is = Kind::Is::Quantity;
                k.unit = Unit::Ratio;
                return k;
            }
            default: break;
        }
        // + - and comparisons: both sides in one unit.
        const Kind &a = kinds[n.a], &b = kinds[n.b];
        Kind result = a.is == Kind::Is::Bare ? b : a;
        if (a.is == Kind::Is::Quantity && b.is == Kind::Is::Quantity && is_time(a.unit) && is_time(b.unit)) {
            if (a.unit != b.unit) n.scale_b = b.unit == Unit::Seconds ? 1000.0 : 0.001;  // b into a's unit
        } else if (a.is == Kind::Is::TimeLiteral && b.is == Kind::Is::TimeLiteral) {
            // Both literals: they stay nanoseconds-exact until something places them.
        } else if (a.is == Kind::Is::TimeLiteral || b.is == Kind::Is::TimeLiteral) {
            const Kind& lit = a.is == Kind::Is::TimeLiteral ? a : b;
            const Kind& other = a.is == Kind::Is::TimeLiteral ? b : a;
            const uint32_t lit_node = a.is == Kind::Is::TimeLiteral ? n.a : n.b;
            if (other.is == Kind::Is::Quantity && !is_time(other.unit))
                throw ExprError(other.what + " is " + phrase(other.unit) + ", not a time", lit.column,
                                "compare it with a plain number (no s or ms)");
            if (other.is == Kind::Is::Quantity) {
                place_literals(lit_node, other.unit);
                result = other;
            } else {
                result = lit;
            }
        } else if (a.is == Kind::Is::Quantity && b.is == Kind::Is::Quantity &&
                   is_time(a.unit) != is_time(b.unit)) {
            const Kind& t = is_time(a.unit) ? a : b;
            const Kind& c = is_time(a.unit) ? b : a;
            throw ExprError(t.what + " is a time (" + std::string(to_string(t.unit)) + ") and " + c.what +
                                " is " + phrase(c.unit),
                            n.column, "compare a time with a time, a count with a count");
        }
        if (n.op >= Op::Eq) {
            // Literals that met no time quantity stay in seconds, as parsed.
            Kind flag;
            flag.is = Kind::Is::Quantity;
            flag.unit = Unit::Flag;
            flag.column = n.column;
            return flag;
        }
        return result;
    }
    static std::string phrase(Unit u) {
        switch (u) {
            case Unit::Count: return "a count";
            case Unit::Ratio: return "a ratio";
            case Unit::Erlangs: return "in erlangs";
            case Unit::Flag: return "a 0/1 flag";
            default: return "a time (" + std::string(to_string(u)) + ")";
        }
    }
    static Kind seconds(Kind k) {
        k.is = Kind::Is::Quantity;
        k.unit = Unit::Seconds;
        return k;
    }

    Expr& e_;
};

Expr Expr::parse(const std::string& text) {
    Expr e;
    e.text_ = text;
    ExprParser p(e);
    p.parse();
    return e;
}

Expr Expr::compile(const std::string& text, const Scenario& s) {
    Expr e = parse(text);
    // errno names (EPIPE, ECONNRESET, ...) are numbers, to compare with a call's errno.
    for (Node& n : e.nodes_)
        if (n.op == Op::Ref)
            if (const int v = sock::errno_named(e.refs_[n.ref].name); v != 0) {
                n.op = Op::Number;
                n.number = v;
            }
    for (Ref& r : e.refs_) {
        if (sock::errno_named(r.name) != 0) continue;
        QuantityError err;
        const auto q = resolve_quantity(r.name, s, &err);
        if (!q) throw ExprError(err.message, r.column, err.hint);
        r.quantity = *q;
    }
    UnitChecker(e).check();
    return e;
}

double Expr::eval(const std::function<double(const Ref&)>& value) const {
    return nodes_.empty() ? NAN : eval_node(static_cast<uint32_t>(nodes_.size() - 1), value);
}

double Expr::eval_node(uint32_t i, const std::function<double(const Ref&)>& value) const {
    const Node& n = nodes_[i];
    switch (n.op) {
        case Op::Number: return n.number;
        case Op::Ref: return value(refs_[n.ref]);
        case Op::Neg: return -eval_node(n.a, value);
        case Op::And: return (eval_node(n.a, value) != 0 && eval_node(n.b, value) != 0) ? 1 : 0;
        case Op::Or: return (eval_node(n.a, value) != 0 || eval_node(n.b, value) != 0) ? 1 : 0;
        default: break;
    }
    const double a = eval_node(n.a, value);
    const double b = eval_node(n.b, value) * n.scale_b;
    // Comparisons with a small tolerance so that sums of floats compare as people expect.
    const double eps = 1e-9 * std::max(1.0, std::max(std::fabs(a), std::fabs(b)));
    switch (n.op) {
        case Op::Add: return a + b;
        case Op::Sub: return a - b;
        case Op::Mul: return a * b;
        case Op::Div: return b == 0 ? NAN : a / b;
        case Op::Eq: return std::fabs(a - b) <= eps;
        case Op::Ne: return std::fabs(a - b) > eps;
        case Op::Lt: return a < b - eps;
        case Op::Le: return a <= b + eps;
        case Op::Gt: return a > b + eps;
        case Op::Ge: return a >= b - eps;
        default: return NAN;
    }
}

bool Expr::is_condition() const {
    if (nodes_.empty()) return false;
    const Op op = nodes_.back().op;
    return op >= Op::Eq;
}

}  // namespace lvs::scenario
