#include "kokeilu/stats/resampling.hpp"

#include "stats/checks.hpp"
#include "stats/random_indices.hpp"

#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

namespace kokeilu::stats {

namespace {

using detail::num;
using detail::IndexRange;
using detail::RandomWords;
using detail::uniform_index;

// The fixed number of random streams; threads never change it, so results do not depend on them.
constexpr std::size_t stream_count = 2;

void check_options(const ResamplingOptions& options) {
    if (options.resamples < 100) {
        throw InvalidArgumentError("resamples",
                                   Message{"stats.resampling.too_few_resamples",
                                           {{"value", static_cast<std::int64_t>(options.resamples)}}});
    }
    if (options.threads < 1 || options.threads > stream_count) {
        throw InvalidArgumentError("threads",
                                   Message{"stats.resampling.threads",
                                           {{"value", static_cast<std::int64_t>(options.threads)}}});
    }
}

void check_values(std::span<const double> values, const std::string& field, std::size_t minimum) {
    if (values.size() > (std::size_t{1} << 31U)) {
        throw InvalidArgumentError(field, Message{"stats.resampling.too_many_values", {}});
    }
    if (values.size() < minimum) {
        throw NotEnoughDataError(field,
                                 Message{"stats.resampling.too_few_values",
                                         {{"minimum", static_cast<std::int64_t>(minimum)},
                                          {"n", static_cast<std::int64_t>(values.size())}}});
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values[i])) {
            throw InvalidArgumentError(field + "[" + std::to_string(i) + "]",
                                       Message{"stats.number.not_finite_plain", {}});
        }
    }
}

double mean_of(std::span<const double> values) {
    return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

// The sum of values[i] over `draws` indices drawn uniformly from [0, values.size()). Indices are
// drawn a block at a time into a small buffer and then gathered into four sums, so that neither
// the generator nor the chain of additions waits for the other; the order of the additions is
// fixed (element k goes to sum k mod 4), so the result is the same on every run.
double resampled_sum(RandomWords& words, std::span<const double> values, const IndexRange& range, std::size_t draws) {
    constexpr std::size_t block = 512;
    std::array<std::uint32_t, block> indices;  // filled before it is read
    std::array<double, 4> sums{};
    for (std::size_t done = 0; done < draws; done += block) {
        const std::size_t count = std::min(block, draws - done);
        words.fill_indices(std::span<std::uint32_t>(indices.data(), count), range);
        std::size_t k = 0;
        for (; k + 4 <= count; k += 4) {
            sums[0] += values[indices[k]];
            sums[1] += values[indices[k + 1]];
            sums[2] += values[indices[k + 2]];
            sums[3] += values[indices[k + 3]];
        }
        for (; k < count; ++k) sums[k % 4] += values[indices[k]];
    }
    return (sums[0] + sums[1]) + (sums[2] + sums[3]);
}

// Resamples [first, last) of stream s are done by `work(s, first, last)`; streams run on up to
// `threads` threads. Each stream writes only its own results, so there is nothing to lock.
void run_streams(std::int64_t resamples, unsigned threads,
                 const std::function<void(std::size_t, std::int64_t, std::int64_t)>& work) {
    std::array<std::int64_t, stream_count + 1> bounds{};
    for (std::size_t s = 0; s <= stream_count; ++s) {
        bounds[s] = resamples * static_cast<std::int64_t>(s) / static_cast<std::int64_t>(stream_count);
    }
    if (threads == 1) {
        for (std::size_t s = 0; s < stream_count; ++s) {
            work(s, bounds[s], bounds[s + 1]);
        }
        return;
    }
    // std::jthread joins on destruction, also when the calling thread's work throws.
    std::vector<std::jthread> workers;
    for (std::size_t s = 1; s < stream_count; ++s) {
        workers.emplace_back([&, s] { work(s, bounds[s], bounds[s + 1]); });
    }
    work(0, bounds[0], bounds[1]);
}

// Linear interpolation between order statistics (numpy.percentile's default).
double quantile_sorted(const std::vector<double>& sorted, double q) {
    const double position = q * static_cast<double>(sorted.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(position));
    const std::size_t above = std::min(below + 1, sorted.size() - 1);
    const double fraction = position - static_cast<double>(below);
    return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

}  // namespace

PermutationResult permutation_test(std::span<const double> treatment, std::span<const double> control,
                                   const ResamplingOptions& options, TwoSidedP two_sided) {
    check_options(options);
    check_values(treatment, "treatment", 1);
    check_values(control, "control", 1);
    std::vector<double> pool(treatment.begin(), treatment.end());
    pool.insert(pool.end(), control.begin(), control.end());
    const std::size_t nt = treatment.size();
    const std::size_t n = pool.size();
    const double total = std::accumulate(pool.begin(), pool.end(), 0.0);
    const double observed = mean_of(treatment) - mean_of(control);
    // Differences equal to the observed one up to rounding count as "as extreme".
    const double tolerance = std::abs(observed) * 1e-12 + 1e-300;
    const double threshold = std::abs(observed) - tolerance;
    const auto nt_d = static_cast<double>(nt);
    const auto nc_d = static_cast<double>(n - nt);

    // Per stream: |d| >= |observed|, d >= observed, d <= observed.
    std::array<std::array<std::int64_t, 3>, stream_count> counts{};
    run_streams(options.resamples, options.threads, [&](std::size_t s, std::int64_t first, std::int64_t last) {
        RandomWords words(options.seed, s);
        std::vector<double> local = pool;
        std::array<std::int64_t, 3> count{};
        for (std::int64_t b = first; b < last; ++b) {
            // A partial Fisher-Yates shuffle draws a uniformly random treatment group of size nt.
            double sum = 0.0;
            for (std::size_t j = 0; j < nt; ++j) {
                const std::size_t pick = j + uniform_index(words, static_cast<std::uint32_t>(n - j));
                std::swap(local[j], local[pick]);
                sum += local[j];
            }
            const double difference = sum / nt_d - (total - sum) / nc_d;
            count[0] += std::abs(difference) >= threshold ? 1 : 0;
            count[1] += difference >= observed - tolerance ? 1 : 0;
            count[2] += difference <= observed + tolerance ? 1 : 0;
        }
        counts[s] = count;
    });
    PermutationResult r;
    r.estimate = observed;
    r.resamples = options.resamples;
    r.two_sided = two_sided;
    for (const auto& c : counts) {
        r.as_extreme += c[0];
        r.at_least += c[1];
        r.at_most += c[2];
    }
    const auto p_of = [&](std::int64_t count) {
        return static_cast<double>(count + 1) / static_cast<double>(options.resamples + 1);
    };
    r.p_value = two_sided == TwoSidedP::absolute ? p_of(r.as_extreme)
                                                 : std::min(1.0, 2.0 * std::min(p_of(r.at_least), p_of(r.at_most)));
    return r;
}

BootstrapResult bootstrap_difference(std::span<const double> treatment, std::span<const double> control,
                                     double confidence, const ResamplingOptions& options) {
    detail::check_confidence(confidence);
    check_options(options);
    check_values(treatment, "treatment", 2);
    check_values(control, "control", 2);
    const auto [t_min, t_max] = std::minmax_element(treatment.begin(), treatment.end());
    const auto [c_min, c_max] = std::minmax_element(control.begin(), control.end());
    if (*t_min == *t_max && *c_min == *c_max) {
        throw NotEnoughDataError("treatment", Message{"stats.resampling.all_equal", {}});
    }
    const double mt = mean_of(treatment);
    const double mc = mean_of(control);
    const double observed = mt - mc;

    std::vector<double> stats(static_cast<std::size_t>(options.resamples));
    run_streams(options.resamples, options.threads, [&](std::size_t s, std::int64_t first, std::int64_t last) {
        RandomWords words(options.seed, s);
        // Every treatment resample of the stream first, then every control one: each pass gathers
        // from one sample only, which stays in the core's cache where both together might not.
        const IndexRange range_t(static_cast<std::uint32_t>(treatment.size()));
        const auto nt = static_cast<double>(treatment.size());
        for (std::int64_t b = first; b < last; ++b) {
            stats[static_cast<std::size_t>(b)] = resampled_sum(words, treatment, range_t, treatment.size()) / nt;
        }
        const IndexRange range_c(static_cast<std::uint32_t>(control.size()));
        const auto nc = static_cast<double>(control.size());
        for (std::int64_t b = first; b < last; ++b) {
            stats[static_cast<std::size_t>(b)] -= resampled_sum(words, control, range_c, control.size()) / nc;
        }
    });

    BootstrapResult r;
    r.estimate = observed;
    r.confidence = confidence;
    r.resamples = options.resamples;
    const double alpha = 1.0 - confidence;
    const double b_count = static_cast<double>(stats.size());
    const double below = static_cast<double>(std::count_if(stats.begin(), stats.end(), [&](double x) { return x < observed; }));
    const double stats_mean = std::accumulate(stats.begin(), stats.end(), 0.0) / b_count;
    double squares = 0.0;
    for (double x : stats) {
        squares += (x - stats_mean) * (x - stats_mean);
    }
    r.std_error = std::sqrt(squares / (b_count - 1.0));
    std::sort(stats.begin(), stats.end());
    r.percentile = {quantile_sorted(stats, alpha / 2.0), quantile_sorted(stats, 1.0 - alpha / 2.0)};

    // BCa. For a difference of means the jackknife values are closed-form: leaving out x_i of the
    // treatment gives U_i = (n - 1)(theta_dot - theta_(i)) = x_i - mean_t, and of the control
    // U_i = -(x_i - mean_c). The acceleration is a = sum(U^3 / n^3) / (6 (sum(U^2 / n^2))^1.5) over
    // both samples, as in scipy.stats.bootstrap.
    double cubes = 0.0;
    double square_sum = 0.0;
    auto jackknife = [&](std::span<const double> values, double mean, double sign) {
        const auto nd = static_cast<double>(values.size());
        double u3 = 0.0;
        double u2 = 0.0;
        for (double x : values) {
            const double u = sign * (x - mean);
            u3 += u * u * u;
            u2 += u * u;
        }
        cubes += u3 / (nd * nd * nd);
        square_sum += u2 / (nd * nd);
    };
    jackknife(treatment, mt, 1.0);
    jackknife(control, mc, -1.0);
    const double acceleration = cubes / (6.0 * std::pow(square_sum, 1.5));
    const double share_below = below / b_count;
    if (share_below <= 0.0 || share_below >= 1.0) {
        r.notes = "the bootstrap distribution lies on one side of the estimate; no BCa interval";
        return r;
    }
    const boost::math::normal standard;
    const double z0 = boost::math::quantile(standard, share_below);
    auto adjusted = [&](double q) {
        const double zq = boost::math::quantile(standard, q);
        return boost::math::cdf(standard, z0 + (z0 + zq) / (1.0 - acceleration * (z0 + zq)));
    };
    const double q_low = adjusted(alpha / 2.0);
    const double q_high = adjusted(1.0 - alpha / 2.0);
    if (!(std::isfinite(q_low) && std::isfinite(q_high))) {
        r.notes = "the BCa adjustment is undefined for this sample (extreme acceleration); no BCa interval";
        return r;
    }
    r.bca = Interval{quantile_sorted(stats, std::clamp(q_low, 0.0, 1.0)), quantile_sorted(stats, std::clamp(q_high, 0.0, 1.0))};
    return r;
}

}  // namespace kokeilu::stats
