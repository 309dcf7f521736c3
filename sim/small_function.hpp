// A move-only callable with inline storage and no heap allocation for small captures.
//
// Used where an entity keeps a callback for a long time (timers, socket upcalls). Captures
// up to N bytes (typically `this` plus a word or two) live inside the object itself.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace lvs::sim {

template <class Sig, size_t N = 24>
class SmallFunction;

template <class R, class... Args, size_t N>
class SmallFunction<R(Args...), N> {
public:
    SmallFunction() = default;

    template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, SmallFunction>>>
    SmallFunction(F&& f) {  // NOLINT(google-explicit-constructor): lambdas convert implicitly
        using Fn = std::decay_t<F>;
        static_assert(sizeof(Fn) <= N, "capture too large for SmallFunction; capture less");
        static_assert(alignof(Fn) <= alignof(std::max_align_t));
        static_assert(std::is_nothrow_move_constructible_v<Fn>);
        ::new (static_cast<void*>(buf_)) Fn(std::forward<F>(f));
        call_ = [](void* p, Args... args) -> R {
            return (*static_cast<Fn*>(p))(std::forward<Args>(args)...);
        };
        manage_ = [](void* dst, void* src) {
            if (dst != nullptr) ::new (dst) Fn(std::move(*static_cast<Fn*>(src)));
            static_cast<Fn*>(src)->~Fn();
        };
    }

    SmallFunction(SmallFunction&& o) noexcept { take(o); }
    SmallFunction& operator=(SmallFunction&& o) noexcept {
        if (this != &o) {
            reset();
            take(o);
        }
        return *this;
    }
    SmallFunction(const SmallFunction&) = delete;
    SmallFunction& operator=(const SmallFunction&) = delete;
    ~SmallFunction() { reset(); }

    explicit operator bool() const { return call_ != nullptr; }
    R operator()(Args... args) const {
        return call_(const_cast<unsigned char*>(buf_), std::forward<Args>(args)...);
    }

    void reset() {
        if (manage_ != nullptr) manage_(nullptr, buf_);
        call_ = nullptr;
        manage_ = nullptr;
    }

private:
    void take(SmallFunction& o) {
        if (o.manage_ != nullptr) o.manage_(buf_, o.buf_);
        call_ = o.call_;
        manage_ = o.manage_;
        o.call_ = nullptr;
        o.manage_ = nullptr;
    }

    alignas(std::max_align_t) unsigned char buf_[N];
    R (*call_)(void*, Args...) = nullptr;
    void (*manage_)(void*, void*) = nullptr;
};

}  // namespace lvs::sim
