//===- Knapsack.cpp - exact multiple-choice knapsack ----------------------===//

#include "quantc/Analysis/Knapsack.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

using namespace mlir::qc;

namespace {

/// The states after some prefix of the items, stored flat: state s has
/// costs [s * dims, (s + 1) * dims), its error, the state of the previous
/// level it extends and the option it took.
struct Level {
  std::vector<double> costs, errors;
  std::vector<uint32_t> parents, options;
  size_t size() const { return errors.size(); }
};

} // namespace

/// Keeps the states of `in` that no other state dominates (error and every
/// cost at most the other's): of equal ones, the first in (cost, error)
/// order for one resource, in (error, costs) order for several.
static Level prune(const Level &in, size_t dims) {
  std::vector<size_t> order(in.size());
  std::iota(order.begin(), order.end(), 0);
  const double *costs = in.costs.data();
  std::vector<size_t> kept;
  if (dims == 1) {
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      if (costs[a] != costs[b])
        return costs[a] < costs[b];
      return in.errors[a] < in.errors[b];
    });
    double best = INFINITY;
    for (size_t s : order)
      if (in.errors[s] < best) {
        best = in.errors[s];
        kept.push_back(s);
      }
  } else {
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      if (in.errors[a] != in.errors[b])
        return in.errors[a] < in.errors[b];
      return std::lexicographical_compare(
          costs + a * dims, costs + (a + 1) * dims, costs + b * dims,
          costs + (b + 1) * dims);
    });
    // Every kept state has an error at most s's: s is dominated when one of
    // them also costs at most as much in every resource.
    for (size_t s : order) {
      bool dominated = std::any_of(kept.begin(), kept.end(), [&](size_t k) {
        for (size_t d = 0; d < dims; ++d)
          if (costs[k * dims + d] > costs[s * dims + d])
            return false;
        return true;
      });
      if (!dominated)
        kept.push_back(s);
    }
  }
  Level out;
  out.costs.reserve(kept.size() * dims);
  for (size_t s : kept) {
    out.costs.insert(out.costs.end(), costs + s * dims, costs + (s + 1) * dims);
    out.errors.push_back(in.errors[s]);
    out.parents.push_back(in.parents[s]);
    out.options.push_back(in.options[s]);
  }
  return out;
}

KnapsackSolution mlir::qc::solveKnapsack(const KnapsackProblem &problem,
                                         size_t maxStates) {
  using Status = KnapsackSolution::Status;
  KnapsackSolution result;
  size_t dims = problem.capacity.size();
  size_t n = problem.items.size();
  for (const auto &item : problem.items) {
    if (item.empty())
      return result;
    for (const KnapsackOption &o : item)
      if (o.cost.size() != dims)
        return result;
  }

  // minRest[i * dims + d]: the least cost in resource d of items i..n-1, a
  // lower bound on what any completion of a state at level i still needs.
  std::vector<double> minRest((n + 1) * dims, 0.0);
  for (size_t i = n; i-- > 0;)
    for (size_t d = 0; d < dims; ++d) {
      double least = INFINITY;
      for (const KnapsackOption &o : problem.items[i])
        least = std::min(least, o.cost[d]);
      minRest[i * dims + d] = minRest[(i + 1) * dims + d] + least;
    }
  // The bound is a sum in another order than the states' costs: allow for
  // rounding so it never removes a state whose exact total fits.
  auto fitsLater = [&](const double *cost, size_t level) {
    for (size_t d = 0; d < dims; ++d) {
      double cap = problem.capacity[d];
      double slack = 1e-9 * std::max(1.0, std::fabs(cap));
      if (cost[d] + minRest[level * dims + d] > cap + slack)
        return false;
    }
    return true;
  };

  // Only the back pointers of earlier levels are kept.
  std::vector<std::pair<std::vector<uint32_t>, std::vector<uint32_t>>> trace;
  trace.reserve(n);
  Level root;
  root.costs.assign(dims, 0.0);
  root.errors.push_back(0.0);
  root.parents.push_back(0);
  root.options.push_back(0);
  if (!fitsLater(root.costs.data(), 0)) {
    result.status = Status::Infeasible;
    return result;
  }
  Level prev = std::move(root);
  std::vector<double> cost(dims);
  for (size_t i = 0; i < n; ++i) {
    const auto &item = problem.items[i];
    Level next;
    for (size_t s = 0; s < prev.size(); ++s)
      for (size_t o = 0; o < item.size(); ++o) {
        bool fits = true;
        for (size_t d = 0; d < dims; ++d) {
          cost[d] = prev.costs[s * dims + d] + item[o].cost[d];
          fits = fits && cost[d] <= problem.capacity[d];
        }
        if (!fits || !fitsLater(cost.data(), i + 1))
          continue;
        next.costs.insert(next.costs.end(), cost.begin(), cost.end());
        next.errors.push_back(prev.errors[s] + item[o].error);
        next.parents.push_back(static_cast<uint32_t>(s));
        next.options.push_back(static_cast<uint32_t>(o));
      }
    if (next.size() == 0) {
      result.status = Status::Infeasible;
      return result;
    }
    next = prune(next, dims);
    result.maxFrontier = std::max(result.maxFrontier, next.size());
    if (next.size() > maxStates) {
      result.status = Status::TooLarge;
      return result;
    }
    trace.emplace_back(next.parents, next.options);
    prev = std::move(next);
  }

  const Level &last = prev;
  size_t best = 0;
  for (size_t s = 1; s < last.size(); ++s)
    if (last.errors[s] < last.errors[best])
      best = s;
  result.status = Status::Optimal;
  result.error = last.errors[best];
  result.cost.assign(last.costs.begin() + best * dims,
                     last.costs.begin() + (best + 1) * dims);
  result.choice.assign(n, 0);
  size_t s = best;
  for (size_t i = n; i > 0; --i) {
    result.choice[i - 1] = trace[i - 1].second[s];
    s = trace[i - 1].first[s];
  }
  return result;
}
