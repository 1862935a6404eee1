//===- KnapsackTest.cpp - exact multiple-choice knapsack ------------------===//

#include "quantc/Analysis/Knapsack.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace mlir::qc;
using Status = KnapsackSolution::Status;

namespace {

/// The optimum by enumerating every assignment (costs summed in item
/// order, as the solver does).
KnapsackSolution bruteForce(const KnapsackProblem &p) {
  KnapsackSolution best;
  best.status = Status::Infeasible;
  best.error = INFINITY;
  size_t n = p.items.size(), dims = p.capacity.size();
  std::vector<size_t> choice(n, 0);
  while (true) {
    std::vector<double> cost(dims, 0.0);
    double error = 0;
    for (size_t i = 0; i < n; ++i) {
      const KnapsackOption &o = p.items[i][choice[i]];
      for (size_t d = 0; d < dims; ++d)
        cost[d] += o.cost[d];
      error += o.error;
    }
    bool fits = true;
    for (size_t d = 0; d < dims; ++d)
      fits = fits && cost[d] <= p.capacity[d];
    if (fits && error < best.error) {
      best.status = Status::Optimal;
      best.error = error;
      best.choice = choice;
      best.cost = cost;
    }
    size_t i = 0;
    while (i < n && ++choice[i] == p.items[i].size())
      choice[i++] = 0;
    if (i == n)
      break;
  }
  return best;
}

/// Items shaped like layers at candidate bit widths: resource 0 costs
/// bits * size, further resources are random (latency-like), the error
/// falls with the bits. The capacity lies between the cheapest and the
/// dearest total, sometimes below the cheapest (infeasible).
KnapsackProblem randomProblem(std::mt19937 &rng, size_t items, size_t dims,
                              bool integerErrors) {
  std::uniform_int_distribution<int> numOptions(1, 4), size(1, 40),
      smallError(0, 6);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  KnapsackProblem p;
  std::vector<double> lo(dims, 0.0), hi(dims, 0.0);
  for (size_t i = 0; i < items; ++i) {
    std::vector<KnapsackOption> options(numOptions(rng));
    double elements = size(rng);
    double sensitivity = std::pow(10.0, 3 * unit(rng));
    for (auto &o : options) {
      int bits = 2 + static_cast<int>(unit(rng) * 7);
      o.cost.push_back(bits * elements);
      for (size_t d = 1; d < dims; ++d)
        o.cost.push_back(std::round(100 * unit(rng)) / 8);
      o.error =
          integerErrors ? smallError(rng) : sensitivity * std::pow(4.0, -bits);
    }
    for (size_t d = 0; d < dims; ++d) {
      double least = INFINITY, most = 0;
      for (auto &o : options) {
        least = std::min(least, o.cost[d]);
        most = std::max(most, o.cost[d]);
      }
      lo[d] += least;
      hi[d] += most;
    }
    p.items.push_back(std::move(options));
  }
  for (size_t d = 0; d < dims; ++d)
    p.capacity.push_back(
        std::floor(lo[d] + (hi[d] - lo[d]) * (1.1 * unit(rng) - 0.05)));
  return p;
}

void expectSameOptimum(const KnapsackProblem &p, const KnapsackSolution &got,
                       const KnapsackSolution &want) {
  ASSERT_EQ(got.status, want.status);
  if (want.status != Status::Optimal)
    return;
  EXPECT_DOUBLE_EQ(got.error, want.error);
  // The choice may differ among equal-error optima; it must be feasible
  // and add up to what the solver reports.
  ASSERT_EQ(got.choice.size(), p.items.size());
  std::vector<double> cost(p.capacity.size(), 0.0);
  double error = 0;
  for (size_t i = 0; i < p.items.size(); ++i) {
    ASSERT_LT(got.choice[i], p.items[i].size());
    const KnapsackOption &o = p.items[i][got.choice[i]];
    for (size_t d = 0; d < cost.size(); ++d)
      cost[d] += o.cost[d];
    error += o.error;
  }
  EXPECT_DOUBLE_EQ(error, got.error);
  for (size_t d = 0; d < cost.size(); ++d) {
    EXPECT_LE(cost[d], p.capacity[d]);
    EXPECT_DOUBLE_EQ(cost[d], got.cost[d]);
  }
}

} // namespace

TEST(Knapsack, MatchesBruteForceOneResource) {
  std::mt19937 rng(1);
  for (int t = 0; t < 400; ++t) {
    KnapsackProblem p = randomProblem(rng, 1 + t % 9, 1, t % 3 == 0);
    SCOPED_TRACE("instance " + std::to_string(t));
    expectSameOptimum(p, solveKnapsack(p), bruteForce(p));
  }
}

TEST(Knapsack, MatchesBruteForceSeveralResources) {
  std::mt19937 rng(2);
  for (int t = 0; t < 400; ++t) {
    KnapsackProblem p = randomProblem(rng, 1 + t % 8, 2 + t % 2, t % 3 == 0);
    SCOPED_TRACE("instance " + std::to_string(t));
    expectSameOptimum(p, solveKnapsack(p), bruteForce(p));
  }
}

TEST(Knapsack, SensitiveItemGetsTheWideOption) {
  // Three layers of 100 weights at 4 or 8 bits, budget 4 * 300 + 4 * 100
  // (one upgrade): the layer whose error falls most gets 8 bits.
  KnapsackProblem p;
  p.capacity = {1600};
  for (double e4 : {1.0, 50.0, 2.0})
    p.items.push_back({{{400}, e4}, {{800}, e4 / 256}});
  KnapsackSolution s = solveKnapsack(p);
  ASSERT_EQ(s.status, Status::Optimal);
  EXPECT_EQ(s.choice, (std::vector<size_t>{0, 1, 0}));
  EXPECT_DOUBLE_EQ(s.cost[0], 1600);
  EXPECT_DOUBLE_EQ(s.error, 3.0 + 50.0 / 256);
}

TEST(Knapsack, InfeasibleAndMalformed) {
  KnapsackProblem p;
  p.capacity = {10};
  p.items.push_back({{{6}, 1.0}, {{8}, 0.5}});
  p.items.push_back({{{5}, 1.0}});
  EXPECT_EQ(solveKnapsack(p).status, Status::Infeasible);
  p.capacity = {11};
  KnapsackSolution s = solveKnapsack(p);
  ASSERT_EQ(s.status, Status::Optimal);
  EXPECT_EQ(s.choice, (std::vector<size_t>{0, 0}));
  p.items.push_back({});
  EXPECT_EQ(solveKnapsack(p).status, Status::Malformed);
  p.items.back().push_back({{1, 2}, 0.0});
  EXPECT_EQ(solveKnapsack(p).status, Status::Malformed);
}

TEST(Knapsack, NoItems) {
  KnapsackProblem p;
  p.capacity = {0};
  KnapsackSolution s = solveKnapsack(p);
  EXPECT_EQ(s.status, Status::Optimal);
  EXPECT_TRUE(s.choice.empty());
}

TEST(Knapsack, ManyLayersStaySmall) {
  // 80 layers with two widths and distinct sizes: the Pareto frontier of
  // one resource holds at most one state per distinct cost.
  KnapsackProblem p;
  double total = 0;
  for (int i = 0; i < 80; ++i) {
    double n = 1000 + 37 * i;
    total += n;
    double sens = 1.0 + (i * 7919 % 101);
    p.items.push_back({{{4 * n}, sens}, {{8 * n}, sens / 256}});
  }
  p.capacity = {4.5 * total};
  KnapsackSolution s = solveKnapsack(p);
  ASSERT_EQ(s.status, Status::Optimal);
  EXPECT_LE(s.cost[0], p.capacity[0]);
  EXPECT_EQ(solveKnapsack(p, 10).status, Status::TooLarge);
}
