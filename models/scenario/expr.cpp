#include "models/scenario/expr.hpp"

#include <cctype>
#include <cmath>

namespace lvs::scenario {

struct ExprNode {
    enum class Kind { Number, Ref, Neg, Bin } kind = Kind::Number;
    double number = 0;
    size_t ref = 0;
    std::string op;
    std::unique_ptr<ExprNode> a, b;
};

namespace {

class Parser {
public:
    Parser(const std::string& t, std::vector<Expr::Ref>& refs) : t_(t), refs_(refs) {}
    std::unique_ptr<ExprNode> parse() {
        auto n = parse_or();
        skip();
        if (i_ != t_.size()) throw ExprError("unexpected '" + t_.substr(i_, 1) + "'", i_);
        return n;
    }

private:
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
    std::unique_ptr<ExprNode> bin(std::string op, std::unique_ptr<ExprNode> a, std::unique_ptr<ExprNode> b) {
        auto n = std::make_unique<ExprNode>();
        n->kind = ExprNode::Kind::Bin;
        n->op = std::move(op);
        n->a = std::move(a);
        n->b = std::move(b);
        return n;
    }
    std::unique_ptr<ExprNode> parse_or() {
        auto n = parse_and();
        while (eat("||")) n = bin("||", std::move(n), parse_and());
        return n;
    }
    std::unique_ptr<ExprNode> parse_and() {
        auto n = parse_cmp();
        while (eat("&&")) n = bin("&&", std::move(n), parse_cmp());
        return n;
    }
    std::unique_ptr<ExprNode> parse_cmp() {
        auto n = parse_sum();
        for (const char* op : {"==", "!=", "<=", ">=", "<", ">"})
            if (eat(op)) return bin(op, std::move(n), parse_sum());
        skip();
        if (i_ < t_.size() && t_[i_] == '=') throw ExprError("'=' is not a comparison: write '=='", i_);
        return n;
    }
    std::unique_ptr<ExprNode> parse_sum() {
        auto n = parse_term();
        for (;;) {
            if (eat("+")) n = bin("+", std::move(n), parse_term());
            else if (eat("-")) n = bin("-", std::move(n), parse_term());
            else return n;
        }
    }
    std::unique_ptr<ExprNode> parse_term() {
        auto n = parse_factor();
        for (;;) {
            if (eat("*")) n = bin("*", std::move(n), parse_factor());
            else if (eat("/")) n = bin("/", std::move(n), parse_factor());
            else return n;
        }
    }
    std::unique_ptr<ExprNode> parse_factor() {
        skip();
        if (i_ >= t_.size()) throw ExprError("expression ends too early", i_);
        if (eat("(")) {
            auto n = parse_or();
            if (!eat(")")) throw ExprError("missing ')'", i_);
            return n;
        }
        if (eat("-")) {
            auto n = std::make_unique<ExprNode>();
            n->kind = ExprNode::Kind::Neg;
            n->a = parse_factor();
            return n;
        }
        const size_t start = i_;
        if (std::isdigit(static_cast<unsigned char>(t_[i_])) || t_[i_] == '.') {
            while (i_ < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[i_])) || t_[i_] == '.' || t_[i_] == '_')) ++i_;
            const std::string word = t_.substr(start, i_ - start);
            auto n = std::make_unique<ExprNode>();
            size_t end = 0;
            try {
                n->number = std::stod(word, &end);
            } catch (...) {
                throw ExprError("not a number: '" + word + "'", start);
            }
            if (end != word.size()) {
                // A duration: seconds.
                try {
                    n->number = sim::parse_duration(word).seconds();
                } catch (const sim::TimeParseError& e) {
                    throw ExprError(e.what(), start + e.column());
                }
            }
            return n;
        }
        if (std::isalpha(static_cast<unsigned char>(t_[i_])) || t_[i_] == '_') {
            while (i_ < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[i_])) || t_[i_] == '_' || t_[i_] == '.')) ++i_;
            while (i_ > start && t_[i_ - 1] == '.') --i_;
            Expr::Ref ref;
            ref.name = t_.substr(start, i_ - start);
            ref.column = start;
            if (i_ < t_.size() && t_[i_] == '@') {
                const size_t at = ++i_;
                while (i_ < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[i_])) || t_[i_] == '.')) ++i_;
                try {
                    ref.at = sim::parse_time(t_.substr(at, i_ - at));
                } catch (const sim::TimeParseError& e) {
                    throw ExprError(std::string("after '@': ") + e.what(), at + e.column());
                }
            }
            auto n = std::make_unique<ExprNode>();
            n->kind = ExprNode::Kind::Ref;
            n->ref = refs_.size();
            refs_.push_back(std::move(ref));
            return n;
        }
        throw ExprError("unexpected '" + t_.substr(i_, 1) + "'", i_);
    }

    const std::string& t_;
    std::vector<Expr::Ref>& refs_;
    size_t i_ = 0;
};

double eval_node(const ExprNode& n, const std::vector<Expr::Ref>& refs, const std::function<double(const Expr::Ref&)>& value) {
    switch (n.kind) {
        case ExprNode::Kind::Number: return n.number;
        case ExprNode::Kind::Ref: return value(refs[n.ref]);
        case ExprNode::Kind::Neg: return -eval_node(*n.a, refs, value);
        case ExprNode::Kind::Bin: break;
    }
    const double a = eval_node(*n.a, refs, value);
    if (n.op == "&&") return (a != 0 && eval_node(*n.b, refs, value) != 0) ? 1 : 0;
    if (n.op == "||") return (a != 0 || eval_node(*n.b, refs, value) != 0) ? 1 : 0;
    const double b = eval_node(*n.b, refs, value);
    if (n.op == "+") return a + b;
    if (n.op == "-") return a - b;
    if (n.op == "*") return a * b;
    if (n.op == "/") return b == 0 ? NAN : a / b;
    // Comparisons with a small tolerance so that sums of floats compare as people expect.
    const double eps = 1e-9 * std::max(1.0, std::max(std::fabs(a), std::fabs(b)));
    if (n.op == "==") return std::fabs(a - b) <= eps;
    if (n.op == "!=") return std::fabs(a - b) > eps;
    if (n.op == "<") return a < b - eps;
    if (n.op == "<=") return a <= b + eps;
    if (n.op == ">") return a > b + eps;
    if (n.op == ">=") return a >= b - eps;
    return NAN;
}

}  // namespace

Expr::Expr() = default;
Expr::~Expr() = default;
Expr::Expr(Expr&&) noexcept = default;
Expr& Expr::operator=(Expr&&) noexcept = default;

Expr Expr::parse(const std::string& text) {
    Expr e;
    e.text_ = text;
    Parser p(e.text_, e.refs_);
    e.root_ = p.parse();
    return e;
}

double Expr::eval(const std::function<double(const Ref&)>& value) const { return eval_node(*root_, refs_, value); }

bool Expr::is_condition() const {
    if (root_->kind != ExprNode::Kind::Bin) return false;
    const std::string& op = root_->op;
    return op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=" || op == "&&" || op == "||";
}

}  // namespace lvs::scenario
