//===- Knapsack.h - exact multiple-choice knapsack ---------------*- C++
//-*-===//
//
// The integer program behind mixed-precision assignment (qc-assign-precision,
// in the style of HAWQ-V3 and BAQ): every item (a layer) takes exactly one
// of its options (a bit width), each with an error and a cost in one or
// more resources (weight bits, bytes, latency); choose one option per item
// so that the total error is smallest while the total cost of every
// resource stays within its capacity.
//
// The solver is exact: a dynamic program over the items whose states are
// partial assignments of the items seen so far, kept only when no other
// state is at least as good in error and in every cost (Pareto pruning) and
// when the cheapest completion still fits. With one resource and integer
// costs the number of states is bounded by the number of distinct partial
// costs, as in the classic DP over the capacity, but usually far smaller.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_ANALYSIS_KNAPSACK_H
#define QUANTC_ANALYSIS_KNAPSACK_H

#include <cstddef>
#include <vector>

namespace mlir::qc {

/// One choice for an item.
struct KnapsackOption {
  /// Cost in each resource (as many entries as KnapsackProblem::capacity).
  std::vector<double> cost;
  double error = 0;
};

struct KnapsackProblem {
  /// The options of each item; every item needs at least one.
  std::vector<std::vector<KnapsackOption>> items;
  /// The largest total cost allowed per resource.
  std::vector<double> capacity;
};

struct KnapsackSolution {
  enum class Status {
    Optimal,
    /// Even the cheapest option of every item exceeds some capacity.
    Infeasible,
    /// More than `maxStates` Pareto states were needed at some item.
    TooLarge,
    /// An item has no options or an option has the wrong number of costs.
    Malformed,
  };
  Status status = Status::Malformed;
  /// The option index chosen for each item (Optimal only).
  std::vector<size_t> choice;
  double error = 0;
  std::vector<double> cost;
  /// The most Pareto states kept after any item.
  size_t maxFrontier = 0;
};

/// Solves `problem` exactly. Among assignments of equal total error the one
/// found first in a sweep by increasing cost is returned, which makes the
/// result deterministic.
KnapsackSolution solveKnapsack(const KnapsackProblem &problem,
                               size_t maxStates = size_t(1) << 22);

} // namespace mlir::qc

#endif // QUANTC_ANALYSIS_KNAPSACK_H
