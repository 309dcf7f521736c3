// The sweep's statistics: mean and 95% confidence interval over a point's replications. Pure
// functions of the values, kept apart so that they are tested (and read) without a simulation.
#include <cmath>

#include "models/scenario/sweep.hpp"

namespace lvs::scenario {

double student_t95(uint32_t df) {
    // Two-sided 95% quantiles of Student's t (any statistics table, e.g. NIST/SEMATECH
    // e-Handbook §1.3.6.7.2).
    static constexpr double kTable[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                                        2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
                                        2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                                        2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
    if (df == 0) return 0;
    if (df <= 30) return kTable[df - 1];
    // Beyond the table, the Cornish-Fisher expansion around z = 1.96 (error < 0.001 here).
    const double z = 1.959964, n = df;
    return z + (z * z * z + z) / (4 * n) + (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * n * n);
}

Estimate estimate(const std::vector<double>& xs) {
    Estimate e;
    double sum = 0;
    for (double x : xs) {
        if (std::isnan(x)) {
            ++e.missing;
            continue;
        }
        sum += x;
        ++e.n;
    }
    if (e.n == 0) return e;
    e.mean = sum / e.n;
    if (e.n < 2) return e;
    double ss = 0;
    for (double x : xs)
        if (!std::isnan(x)) ss += (x - e.mean) * (x - e.mean);
    const double sd = std::sqrt(ss / (e.n - 1));
    e.half_width = student_t95(e.n - 1) * sd / std::sqrt(static_cast<double>(e.n));
    return e;
}

}  // namespace lvs::scenario
