//===- Hadamard.h - Hadamard matrices and orthogonal rotations ---*- C++ -*-===//
//
// The rotations behind qc-fuse-rotations (QuaRot-style rotation of activations
// so that their outlier channels are spread over many channels):
//
// - Sylvester Hadamard matrices H_n (n a power of two, H_1 = [1],
//   H_2n = [[H_n, H_n], [H_n, -H_n]]) and the fast Walsh-Hadamard transform
//   that multiplies by them in n log n operations, in the same (Sylvester)
//   order as the qc.hadamard op. Normalised, H_n / sqrt(n) is symmetric and
//   orthogonal, hence its own inverse.
// - Randomised Hadamard rotations H_n diag(s) / sqrt(n) with seeded random
//   signs s.
// - Mean-preserving Hadamard rotations: orthogonal matrices with entries
//   +-1/sqrt(b) in b x b diagonal blocks whose rows and columns all sum to 1,
//   so they map the all-ones vector to itself. Built from the regular
//   Hadamard matrix J_4 - 2 I_4 (rows sum to 2) and its Kronecker powers,
//   which exist for b = 4^k, randomised by seeded permutations on both sides.
//   Centring a vector (subtracting its mean) commutes with such a rotation,
//   so a LayerNormalization without scale commutes with it exactly.
//
// Everything is deterministic: the same seed gives the same rotation on every
// platform (the random bits come straight from std::mt19937_64, whose output
// the C++ standard fixes).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_SUPPORT_HADAMARD_H
#define QUANTC_SUPPORT_HADAMARD_H

#include "llvm/ADT/ArrayRef.h"
#include <cstdint>
#include <vector>

namespace mlir::qc {

/// Whether `n` is a positive power of two.
bool isPowerOfTwo(int64_t n);
/// Whether `n` is a power of four (1, 4, 16, 64, ...).
bool isPowerOfFour(int64_t n);

/// The n x n Sylvester Hadamard matrix, row-major, entries +-1 (or
/// +-1/sqrt(n) when `normalized`). `n` must be a power of two.
std::vector<double> sylvesterHadamard(int64_t n, bool normalized = true);

/// In-place fast Walsh-Hadamard transform of each block of `block`
/// consecutive elements of `v` (Sylvester order, as qc.hadamard), divided by
/// sqrt(block) when `normalized`. `block` must be a power of two dividing
/// `v.size()`.
void fastWalshHadamard(llvm::MutableArrayRef<double> v, int64_t block,
                       bool normalized = true);
void fastWalshHadamard(llvm::MutableArrayRef<float> v, int64_t block,
                       bool normalized = true);

/// `n` random signs (+1 or -1) drawn from `seed`.
std::vector<int8_t> randomSigns(int64_t n, uint64_t seed);

/// The randomised Hadamard rotation H_n diag(s) / sqrt(n), row-major, with
/// s = randomSigns(n, seed). Orthogonal.
std::vector<double> randomizedHadamard(int64_t n, uint64_t seed);

/// A uniformly random permutation of 0..n-1 drawn from `seed`.
std::vector<int64_t> randomPermutation(int64_t n, uint64_t seed);

/// The n x n regular Hadamard matrix (J_4 - 2 I_4)^(x k) / 2^k for n = 4^k:
/// symmetric, orthogonal, entries +-1/sqrt(n), every row and column sums
/// to 1.
std::vector<double> regularHadamard(int64_t n);

/// An orthogonal n x n rotation Q = P_in B P_out that maps the all-ones
/// vector to itself: B is block diagonal with n / block copies of
/// regularHadamard(block), P_in and P_out are seeded random permutations.
/// `block` must be a power of four dividing `n`.
class MeanPreservingRotation {
public:
  MeanPreservingRotation(int64_t n, int64_t block, uint64_t seed);

  int64_t size() const { return n; }
  int64_t blockSize() const { return block; }

  /// v <- v Q for a row vector v of size n (in double).
  void applyRow(llvm::MutableArrayRef<double> v) const;
  /// v <- v Q^T.
  void applyRowTransposed(llvm::MutableArrayRef<double> v) const;
  /// The dense matrix, row-major (for tests).
  std::vector<double> matrix() const;

private:
  /// In-place multiplication of each block by regularHadamard(block).
  void applyBlocks(llvm::MutableArrayRef<double> v) const;

  int64_t n, block;
  /// Q[i][j] = B[inPerm^-1...]: v Q = ((v P_in) B) P_out, where
  /// (v P)[j] = v[perm[j]].
  std::vector<int64_t> inPerm, outPerm;
};

/// The largest power of four dividing `n` (1 when `n` is odd or 2 mod 4).
int64_t largestPowerOfFourDividing(int64_t n);
/// The largest power of two dividing `n`.
int64_t largestPowerOfTwoDividing(int64_t n);

} // namespace mlir::qc

#endif // QUANTC_SUPPORT_HADAMARD_H
