// RUN: quant-opt %s -canonicalize -split-input-file | FileCheck %s

// One function per qc folder or canonicalization pattern, each followed by a
// negative case where the fold must not fire.

//===----------------------------------------------------------------------===//
// Binary ops with a splat identity on the right.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @add_zero(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT:     qc.add
// CHECK:         return %[[X]] : tensor<2x3xf32>
func.func @add_zero(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %zero = arith.constant dense<0.0> : tensor<3xf32>
  %0 = qc.add %x, %zero : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// The constant is moved to the right of the commutative add, then folded.
// CHECK-LABEL: func.func @add_zero_on_the_left(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xi32>)
// CHECK-NOT:     qc.add
// CHECK:         return %[[X]] : tensor<2x3xi32>
func.func @add_zero_on_the_left(%x: tensor<2x3xi32>) -> tensor<2x3xi32> {
  %zero = arith.constant dense<0> : tensor<2x3xi32>
  %0 = qc.add %zero, %x : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

// CHECK-LABEL: func.func @add_non_zero_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK:         %[[C:.*]] = arith.constant dense<1.000000e+00> : tensor<3xf32>
// CHECK:         %[[R:.*]] = qc.add %[[X]], %[[C]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK:         return %[[R]]
func.func @add_non_zero_stays(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %one = arith.constant dense<1.0> : tensor<3xf32>
  %0 = qc.add %x, %one : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @add_non_splat_zero_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK:         %[[C:.*]] = arith.constant dense<[0.000000e+00, 1.000000e+00, 0.000000e+00]> : tensor<3xf32>
// CHECK:         %[[R:.*]] = qc.add %[[X]], %[[C]]
// CHECK:         return %[[R]]
func.func @add_non_splat_zero_stays(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %c = arith.constant dense<[0.0, 1.0, 0.0]> : tensor<3xf32>
  %0 = qc.add %x, %c : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Broadcasting against the zero enlarges the operand: not an identity.
// CHECK-LABEL: func.func @add_zero_broadcast_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<3xf32>)
// CHECK:         %[[C:.*]] = arith.constant dense<0.000000e+00> : tensor<2x3xf32>
// CHECK:         %[[R:.*]] = qc.add %[[X]], %[[C]] : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK:         return %[[R]]
func.func @add_zero_broadcast_stays(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  %zero = arith.constant dense<0.0> : tensor<2x3xf32>
  %0 = qc.add %x, %zero : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @sub_zero(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xi64>)
// CHECK-NOT:     qc.sub
// CHECK:         return %[[X]] : tensor<2x3xi64>
func.func @sub_zero(%x: tensor<2x3xi64>) -> tensor<2x3xi64> {
  %zero = arith.constant dense<0> : tensor<i64>
  %0 = qc.sub %x, %zero : (tensor<2x3xi64>, tensor<i64>) -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// -----

// 0 - x is a negation, not x: sub is not commutative.
// CHECK-LABEL: func.func @sub_from_zero_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK:         %[[C:.*]] = arith.constant dense<0.000000e+00> : tensor<2x3xf32>
// CHECK:         %[[R:.*]] = qc.sub %[[C]], %[[X]]
// CHECK:         return %[[R]]
func.func @sub_from_zero_stays(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %zero = arith.constant dense<0.0> : tensor<2x3xf32>
  %0 = qc.sub %zero, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @mul_one_float(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT:     qc.mul
// CHECK:         return %[[X]] : tensor<2x3xf32>
func.func @mul_one_float(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %one = arith.constant dense<1.0> : tensor<1x1xf32>
  %0 = qc.mul %x, %one : (tensor<2x3xf32>, tensor<1x1xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @mul_one_integer(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xi8>)
// CHECK-NOT:     qc.mul
// CHECK:         return %[[X]] : tensor<2x3xi8>
func.func @mul_one_integer(%x: tensor<2x3xi8>) -> tensor<2x3xi8> {
  %one = arith.constant dense<1> : tensor<3xi8>
  %0 = qc.mul %x, %one : (tensor<2x3xi8>, tensor<3xi8>) -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// -----

// CHECK-LABEL: func.func @mul_zero_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK:         %[[C:.*]] = arith.constant dense<0.000000e+00> : tensor<2x3xf32>
// CHECK:         %[[R:.*]] = qc.mul %[[X]], %[[C]]
// CHECK:         return %[[R]]
func.func @mul_zero_stays(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %zero = arith.constant dense<0.0> : tensor<2x3xf32>
  %0 = qc.mul %x, %zero : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @div_one_float(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf16>)
// CHECK-NOT:     qc.div
// CHECK:         return %[[X]] : tensor<2x3xf16>
func.func @div_one_float(%x: tensor<2x3xf16>) -> tensor<2x3xf16> {
  %one = arith.constant dense<1.0> : tensor<f16>
  %0 = qc.div %x, %one : (tensor<2x3xf16>, tensor<f16>) -> tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}

// -----

// CHECK-LABEL: func.func @div_one_integer(
// CHECK-SAME:    %[[X:.*]]: tensor<4xi32>)
// CHECK-NOT:     qc.div
// CHECK:         return %[[X]] : tensor<4xi32>
func.func @div_one_integer(%x: tensor<4xi32>) -> tensor<4xi32> {
  %one = arith.constant dense<1> : tensor<4xi32>
  %0 = qc.div %x, %one : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// 1 / x is a reciprocal, not x.
// CHECK-LABEL: func.func @div_of_one_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<4xf32>)
// CHECK:         %[[C:.*]] = arith.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK:         %[[R:.*]] = qc.div %[[C]], %[[X]]
// CHECK:         return %[[R]]
func.func @div_of_one_stays(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = arith.constant dense<1.0> : tensor<4xf32>
  %0 = qc.div %one, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @pow_one(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT:     qc.pow
// CHECK:         return %[[X]] : tensor<2x3xf32>
func.func @pow_one(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %one = arith.constant dense<1.0> : tensor<f32>
  %0 = qc.pow %x, %one : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @pow_two_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK:         %[[C:.*]] = arith.constant dense<2.000000e+00> : tensor<f32>
// CHECK:         %[[R:.*]] = qc.pow %[[X]], %[[C]]
// CHECK:         return %[[R]]
func.func @pow_two_stays(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %two = arith.constant dense<2.0> : tensor<f32>
  %0 = qc.pow %x, %two : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Max and min have no folder: max(x, 0) is a relu, not x.
// CHECK-LABEL: func.func @max_zero_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK:         %[[R:.*]] = qc.max %[[X]], %{{.*}}
// CHECK:         return %[[R]]
func.func @max_zero_stays(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %zero = arith.constant dense<0.0> : tensor<2x3xf32>
  %0 = qc.max %x, %zero : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Unary ops.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @idempotent_unary(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>, %[[I:.*]]: tensor<2x3xi32>)
// CHECK:         %[[RELU:.*]] = qc.relu %[[X]] : tensor<2x3xf32>
// CHECK-NOT:     qc.relu
// CHECK:         %[[FLOOR:.*]] = qc.floor %[[RELU]] : tensor<2x3xf32>
// CHECK-NOT:     qc.floor
// CHECK:         %[[CEIL:.*]] = qc.ceil %[[FLOOR]] : tensor<2x3xf32>
// CHECK-NOT:     qc.ceil
// CHECK:         %[[ROUND:.*]] = qc.round %[[CEIL]] : tensor<2x3xf32>
// CHECK-NOT:     qc.round
// CHECK:         %[[ABS:.*]] = qc.abs %[[ROUND]] : tensor<2x3xf32>
// CHECK-NOT:     qc.abs %[[ABS]]
// CHECK:         %[[IABS:.*]] = qc.abs %[[I]] : tensor<2x3xi32>
// CHECK-NOT:     qc.abs
// CHECK:         return %[[ABS]], %[[IABS]]
func.func @idempotent_unary(%x: tensor<2x3xf32>, %i: tensor<2x3xi32>) -> (tensor<2x3xf32>, tensor<2x3xi32>) {
  %0 = qc.relu %x : tensor<2x3xf32>
  %1 = qc.relu %0 : tensor<2x3xf32>
  %2 = qc.floor %1 : tensor<2x3xf32>
  %3 = qc.floor %2 : tensor<2x3xf32>
  %4 = qc.ceil %3 : tensor<2x3xf32>
  %5 = qc.ceil %4 : tensor<2x3xf32>
  %6 = qc.round %5 : tensor<2x3xf32>
  %7 = qc.round %6 : tensor<2x3xf32>
  %8 = qc.abs %7 : tensor<2x3xf32>
  %9 = qc.abs %8 : tensor<2x3xf32>
  %10 = qc.abs %i : tensor<2x3xi32>
  %11 = qc.abs %10 : tensor<2x3xi32>
  return %9, %11 : tensor<2x3xf32>, tensor<2x3xi32>
}

// -----

// Different idempotent ops do not fold into each other.
// CHECK-LABEL: func.func @different_unary_ops_stay(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK:         %[[A:.*]] = qc.floor %[[X]] : tensor<2x3xf32>
// CHECK:         %[[B:.*]] = qc.ceil %[[A]] : tensor<2x3xf32>
// CHECK:         %[[C:.*]] = qc.relu %[[B]] : tensor<2x3xf32>
// CHECK:         return %[[C]]
func.func @different_unary_ops_stay(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = qc.floor %x : tensor<2x3xf32>
  %1 = qc.ceil %0 : tensor<2x3xf32>
  %2 = qc.relu %1 : tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @neg_involution(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>, %[[I:.*]]: tensor<2x3xi8>)
// CHECK-NOT:     qc.neg
// CHECK:         return %[[X]], %[[I]]
func.func @neg_involution(%x: tensor<2x3xf32>, %i: tensor<2x3xi8>) -> (tensor<2x3xf32>, tensor<2x3xi8>) {
  %0 = qc.neg %x : tensor<2x3xf32>
  %1 = qc.neg %0 : tensor<2x3xf32>
  %2 = qc.neg %i : tensor<2x3xi8>
  %3 = qc.neg %2 : tensor<2x3xi8>
  return %1, %3 : tensor<2x3xf32>, tensor<2x3xi8>
}

// -----

// A single negation stays; three negations are one (canonicalize does not
// CSE, so two equal negations of the argument remain).
// CHECK-LABEL: func.func @neg_odd_count_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK:         %[[A:.*]] = qc.neg %[[X]] : tensor<2x3xf32>
// CHECK:         %[[B:.*]] = qc.neg %[[X]] : tensor<2x3xf32>
// CHECK-NOT:     qc.neg
// CHECK:         return %[[A]], %[[B]]
func.func @neg_odd_count_stays(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = qc.neg %x : tensor<2x3xf32>
  %1 = qc.neg %0 : tensor<2x3xf32>
  %2 = qc.neg %1 : tensor<2x3xf32>
  return %0, %2 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @identity(
// CHECK-SAME:    %[[X:.*]]: tensor<4x8x!quant.uniform<i8:f32, 5.000000e-02>>)
// CHECK-NOT:     qc.identity
// CHECK:         return %[[X]]
func.func @identity(%x: tensor<4x8x!quant.uniform<i8:f32, 0.05>>) -> tensor<4x8x!quant.uniform<i8:f32, 0.05>> {
  %0 = qc.identity %x : tensor<4x8x!quant.uniform<i8:f32, 0.05>>
  %1 = qc.identity %0 : tensor<4x8x!quant.uniform<i8:f32, 0.05>>
  return %1 : tensor<4x8x!quant.uniform<i8:f32, 0.05>>
}

// -----

// CHECK-LABEL: func.func @clip_without_bounds(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT:     qc.clip
// CHECK:         return %[[X]]
func.func @clip_without_bounds(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = qc.clip %x : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @clip_with_one_bound_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK:         %[[A:.*]] = qc.clip %[[X]] {min = 0.000000e+00 : f32} : tensor<2x3xf32>
// CHECK:         %[[B:.*]] = qc.clip %[[A]] {max = 6.000000e+00 : f32} : tensor<2x3xf32>
// CHECK:         return %[[B]]
func.func @clip_with_one_bound_stays(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = qc.clip %x {min = 0.0 : f32} : tensor<2x3xf32>
  %1 = qc.clip %0 {max = 6.0 : f32} : tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Reductions over unit dimensions.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @reduce_unit_dims(
// CHECK-SAME:    %[[X:.*]]: tensor<2x1x4x1xf32>, %[[I:.*]]: tensor<1x3xi32>)
// CHECK-NOT:     qc.reduce_
// CHECK:         return %[[X]], %[[X]], %[[X]], %[[X]], %[[I]]
func.func @reduce_unit_dims(%x: tensor<2x1x4x1xf32>, %i: tensor<1x3xi32>) -> (tensor<2x1x4x1xf32>, tensor<2x1x4x1xf32>, tensor<2x1x4x1xf32>, tensor<2x1x4x1xf32>, tensor<1x3xi32>) {
  %0 = qc.reduce_mean %x {axes = array<i64: 1>} : (tensor<2x1x4x1xf32>) -> tensor<2x1x4x1xf32>
  %1 = qc.reduce_sum %x {axes = array<i64: 1, 3>} : (tensor<2x1x4x1xf32>) -> tensor<2x1x4x1xf32>
  %2 = qc.reduce_max %x {axes = array<i64: -1>} : (tensor<2x1x4x1xf32>) -> tensor<2x1x4x1xf32>
  %3 = qc.reduce_min %x {axes = array<i64: -3>} : (tensor<2x1x4x1xf32>) -> tensor<2x1x4x1xf32>
  %4 = qc.reduce_prod %i {axes = array<i64: 0>} : (tensor<1x3xi32>) -> tensor<1x3xi32>
  return %0, %1, %2, %3, %4 : tensor<2x1x4x1xf32>, tensor<2x1x4x1xf32>, tensor<2x1x4x1xf32>, tensor<2x1x4x1xf32>, tensor<1x3xi32>
}

// -----

// A reduction over all axes (none given) of an all-ones shape folds too.
// CHECK-LABEL: func.func @reduce_all_unit_dims(
// CHECK-SAME:    %[[X:.*]]: tensor<1x1xf32>)
// CHECK-NOT:     qc.reduce_
// CHECK:         return %[[X]]
func.func @reduce_all_unit_dims(%x: tensor<1x1xf32>) -> tensor<1x1xf32> {
  %0 = qc.reduce_sum %x : (tensor<1x1xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

// Reducing a non-unit dimension, or dropping the unit dimension, changes the type.
// CHECK-LABEL: func.func @reduce_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<2x1x4xf32>)
// CHECK:         %[[A:.*]] = qc.reduce_sum %[[X]] {axes = array<i64: 2>} : (tensor<2x1x4xf32>) -> tensor<2x1x1xf32>
// CHECK:         %[[B:.*]] = qc.reduce_mean %[[X]] {axes = array<i64: 1>, keepdims = false} : (tensor<2x1x4xf32>) -> tensor<2x4xf32>
// CHECK:         return %[[A]], %[[B]]
func.func @reduce_stays(%x: tensor<2x1x4xf32>) -> (tensor<2x1x1xf32>, tensor<2x4xf32>) {
  %0 = qc.reduce_sum %x {axes = array<i64: 2>} : (tensor<2x1x4xf32>) -> tensor<2x1x1xf32>
  %1 = qc.reduce_mean %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x1x4xf32>) -> tensor<2x4xf32>
  return %0, %1 : tensor<2x1x1xf32>, tensor<2x4xf32>
}

// -----

// reduce_l1, reduce_l2 and reduce_sum_square of one element are |x|, |x|
// and x^2: they have no folder.
// CHECK-LABEL: func.func @reduce_norms_over_unit_dims_stay(
// CHECK-SAME:    %[[X:.*]]: tensor<2x1xf32>)
// CHECK:         %[[A:.*]] = qc.reduce_l1 %[[X]] {axes = array<i64: 1>} : (tensor<2x1xf32>) -> tensor<2x1xf32>
// CHECK:         %[[B:.*]] = qc.reduce_l2 %[[X]] {axes = array<i64: 1>} : (tensor<2x1xf32>) -> tensor<2x1xf32>
// CHECK:         %[[C:.*]] = qc.reduce_sum_square %[[X]] {axes = array<i64: 1>} : (tensor<2x1xf32>) -> tensor<2x1xf32>
// CHECK:         return %[[A]], %[[B]], %[[C]]
func.func @reduce_norms_over_unit_dims_stay(%x: tensor<2x1xf32>) -> (tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>) {
  %0 = qc.reduce_l1 %x {axes = array<i64: 1>} : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %1 = qc.reduce_l2 %x {axes = array<i64: 1>} : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %2 = qc.reduce_sum_square %x {axes = array<i64: 1>} : (tensor<2x1xf32>) -> tensor<2x1xf32>
  return %0, %1, %2 : tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Reshape and the ops that canonicalize to it.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @reshape_to_same_type(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT:     qc.reshape
// CHECK:         return %[[X]]
func.func @reshape_to_same_type(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = qc.reshape %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_of_reshape(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3x4xf32>)
// CHECK:         %[[R:.*]] = qc.reshape %[[X]] : (tensor<2x3x4xf32>) -> tensor<4x6xf32>
// CHECK-NOT:     qc.reshape
// CHECK:         return %[[R]]
func.func @reshape_of_reshape(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = qc.reshape %x : (tensor<2x3x4xf32>) -> tensor<24xf32>
  %1 = qc.reshape %0 : (tensor<24xf32>) -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// -----

// The inner reshape keeps its other use.
// CHECK-LABEL: func.func @reshape_of_reshape_back_to_input(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK:         %[[R:.*]] = qc.reshape %[[X]] : (tensor<2x3xf32>) -> tensor<6xf32>
// CHECK-NOT:     qc.reshape
// CHECK:         return %[[X]], %[[R]]
func.func @reshape_of_reshape_back_to_input(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<6xf32>) {
  %0 = qc.reshape %x : (tensor<2x3xf32>) -> tensor<6xf32>
  %1 = qc.reshape %0 : (tensor<6xf32>) -> tensor<2x3xf32>
  return %1, %0 : tensor<2x3xf32>, tensor<6xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK:         %[[R:.*]] = qc.reshape %[[X]] : (tensor<2x3xf32>) -> tensor<3x2xf32>
// CHECK:         return %[[R]]
func.func @reshape_stays(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = qc.reshape %x : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func.func @flatten_to_reshape(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NOT:     qc.flatten
// CHECK:         %[[R:.*]] = qc.reshape %[[X]] : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
// CHECK:         return %[[R]]
func.func @flatten_to_reshape(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %0 = qc.flatten %x {axis = 2 : i64} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  return %0 : tensor<6x4xf32>
}

// -----

// CHECK-LABEL: func.func @squeeze_to_reshape(
// CHECK-SAME:    %[[X:.*]]: tensor<2x1x3x1xf32>)
// CHECK-NOT:     qc.squeeze
// CHECK:         %[[R:.*]] = qc.reshape %[[X]] : (tensor<2x1x3x1xf32>) -> tensor<2x3x1xf32>
// CHECK:         return %[[R]]
func.func @squeeze_to_reshape(%x: tensor<2x1x3x1xf32>) -> tensor<2x3x1xf32> {
  %0 = qc.squeeze %x {axes = array<i64: 1>} : (tensor<2x1x3x1xf32>) -> tensor<2x3x1xf32>
  return %0 : tensor<2x3x1xf32>
}

// -----

// CHECK-LABEL: func.func @unsqueeze_to_reshape(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xi8>)
// CHECK-NOT:     qc.unsqueeze
// CHECK:         %[[R:.*]] = qc.reshape %[[X]] : (tensor<2x3xi8>) -> tensor<1x2x3x1xi8>
// CHECK:         return %[[R]]
func.func @unsqueeze_to_reshape(%x: tensor<2x3xi8>) -> tensor<1x2x3x1xi8> {
  %0 = qc.unsqueeze %x {axes = array<i64: 0, -1>} : (tensor<2x3xi8>) -> tensor<1x2x3x1xi8>
  return %0 : tensor<1x2x3x1xi8>
}

// -----

// squeeze then unsqueeze of the same axis becomes two reshapes, which fold
// into one and then away.
// CHECK-LABEL: func.func @squeeze_unsqueeze_round_trip(
// CHECK-SAME:    %[[X:.*]]: tensor<2x1x3xf32>)
// CHECK-NOT:     qc.
// CHECK:         return %[[X]]
func.func @squeeze_unsqueeze_round_trip(%x: tensor<2x1x3xf32>) -> tensor<2x1x3xf32> {
  %0 = qc.squeeze %x : (tensor<2x1x3xf32>) -> tensor<2x3xf32>
  %1 = qc.unsqueeze %0 {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2x1x3xf32>
  return %1 : tensor<2x1x3xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Transpose.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @transpose_identity(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3x4xf32>, %[[S:.*]]: tensor<5xf32>)
// CHECK-NOT:     qc.transpose
// CHECK:         return %[[X]], %[[S]]
func.func @transpose_identity(%x: tensor<2x3x4xf32>, %s: tensor<5xf32>) -> (tensor<2x3x4xf32>, tensor<5xf32>) {
  %0 = qc.transpose %x {perm = array<i64: 0, 1, 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  // The default (reversed) permutation of a 1-D tensor is the identity.
  %1 = qc.transpose %s : (tensor<5xf32>) -> tensor<5xf32>
  return %0, %1 : tensor<2x3x4xf32>, tensor<5xf32>
}

// -----

// A non-identity permutation stays even when the shape does not change.
// CHECK-LABEL: func.func @transpose_equal_dims_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<3x3xf32>)
// CHECK:         %[[T:.*]] = qc.transpose %[[X]] {perm = array<i64: 1, 0>} : (tensor<3x3xf32>) -> tensor<3x3xf32>
// CHECK:         return %[[T]]
func.func @transpose_equal_dims_stays(%x: tensor<3x3xf32>) -> tensor<3x3xf32> {
  %0 = qc.transpose %x {perm = array<i64: 1, 0>} : (tensor<3x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// transpose(transpose(x, [1, 2, 0]), [0, 2, 1]) = transpose(x, [1, 0, 2]).
// CHECK-LABEL: func.func @transpose_of_transpose(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3x4xf32>)
// CHECK:         %[[T:.*]] = qc.transpose %[[X]] {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
// CHECK-NOT:     qc.transpose
// CHECK:         return %[[T]]
func.func @transpose_of_transpose(%x: tensor<2x3x4xf32>) -> tensor<3x2x4xf32> {
  %0 = qc.transpose %x {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %1 = qc.transpose %0 {perm = array<i64: 0, 2, 1>} : (tensor<3x4x2xf32>) -> tensor<3x2x4xf32>
  return %1 : tensor<3x2x4xf32>
}

// -----

// Two default (reversing) transposes compose to the identity and vanish.
// CHECK-LABEL: func.func @transpose_of_transpose_default_perms(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NOT:     qc.transpose
// CHECK:         return %[[X]]
func.func @transpose_of_transpose_default_perms(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = qc.transpose %x : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  %1 = qc.transpose %0 : (tensor<4x3x2xf32>) -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}

// -----

// A default perm composed with an explicit one: [2, 1, 0][p] for p in [1, 2, 0].
// CHECK-LABEL: func.func @transpose_of_default_transpose(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3x4xf32>)
// CHECK:         %[[T:.*]] = qc.transpose %[[X]] {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
// CHECK-NOT:     qc.transpose
// CHECK:         return %[[T]]
func.func @transpose_of_default_transpose(%x: tensor<2x3x4xf32>) -> tensor<3x2x4xf32> {
  %0 = qc.transpose %x : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  %1 = qc.transpose %0 {perm = array<i64: 1, 2, 0>} : (tensor<4x3x2xf32>) -> tensor<3x2x4xf32>
  return %1 : tensor<3x2x4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Concat, split, slice, pad, expand, cast.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @concat_of_one_input(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT:     qc.concat
// CHECK:         return %[[X]]
func.func @concat_of_one_input(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = qc.concat %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @concat_of_two_inputs_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK:         %[[C:.*]] = qc.concat %[[X]], %[[X]] {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
// CHECK:         return %[[C]]
func.func @concat_of_two_inputs_stays(%x: tensor<2x3xf32>) -> tensor<2x6xf32> {
  %0 = qc.concat %x, %x {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

// CHECK-LABEL: func.func @split_into_one(
// CHECK-SAME:    %[[X:.*]]: tensor<2x8xf32>)
// CHECK-NOT:     qc.split
// CHECK:         return %[[X]]
func.func @split_into_one(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = qc.split %x {axis = 1 : i64, split = array<i64: 8>} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @split_into_two_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<2x8xf32>)
// CHECK:         %[[S:.*]]:2 = qc.split %[[X]] {axis = 1 : i64, split = array<i64: 8, 0>} : (tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x0xf32>)
// CHECK:         return %[[S]]#0, %[[S]]#1
func.func @split_into_two_stays(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x0xf32>) {
  %0:2 = qc.split %x {axis = 1 : i64, split = array<i64: 8, 0>} : (tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x0xf32>)
  return %0#0, %0#1 : tensor<2x8xf32>, tensor<2x0xf32>
}

// -----

// CHECK-LABEL: func.func @slice_keeps_everything(
// CHECK-SAME:    %[[X:.*]]: tensor<4x6xf32>)
// CHECK-NOT:     qc.slice
// CHECK:         return %[[X]], %[[X]]
func.func @slice_keeps_everything(%x: tensor<4x6xf32>) -> (tensor<4x6xf32>, tensor<4x6xf32>) {
  %0 = qc.slice %x {starts = array<i64: 0>, ends = array<i64: 9223372036854775807>, axes = array<i64: 1>} : (tensor<4x6xf32>) -> tensor<4x6xf32>
  %1 = qc.slice %x {starts = array<i64: -10, 0>, ends = array<i64: 100, 6>, steps = array<i64: 1, 1>} : (tensor<4x6xf32>) -> tensor<4x6xf32>
  return %0, %1 : tensor<4x6xf32>, tensor<4x6xf32>
}

// -----

// A full-size slice with a negative step reverses the dimension.
// CHECK-LABEL: func.func @slice_reversing_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<4x6xf32>)
// CHECK:         %[[S:.*]] = qc.slice %[[X]] {axes = array<i64: 1>, ends = array<i64: -7>, starts = array<i64: -1>, steps = array<i64: -1>} : (tensor<4x6xf32>) -> tensor<4x6xf32>
// CHECK:         return %[[S]]
func.func @slice_reversing_stays(%x: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %0 = qc.slice %x {starts = array<i64: -1>, ends = array<i64: -7>, axes = array<i64: 1>, steps = array<i64: -1>} : (tensor<4x6xf32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

// CHECK-LABEL: func.func @slice_narrowing_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<4x6xf32>)
// CHECK:         %[[S:.*]] = qc.slice %[[X]] {ends = array<i64: 3>, starts = array<i64: 1>} : (tensor<4x6xf32>) -> tensor<2x6xf32>
// CHECK:         return %[[S]]
func.func @slice_narrowing_stays(%x: tensor<4x6xf32>) -> tensor<2x6xf32> {
  %0 = qc.slice %x {starts = array<i64: 1>, ends = array<i64: 3>} : (tensor<4x6xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

// CHECK-LABEL: func.func @pad_of_zeros(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT:     qc.pad
// CHECK:         return %[[X]], %[[X]]
func.func @pad_of_zeros(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = qc.pad %x {pads = array<i64: 0, 0, 0, 0>, value = 1.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = qc.pad %x {mode = #qc<pad_mode reflect>, pads = array<i64: 0, 0, 0, 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// Padding one side and cropping the other keeps the shape but moves the data.
// CHECK-LABEL: func.func @pad_shift_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK:         %[[P:.*]] = qc.pad %[[X]] {pads = array<i64: 0, 1, 0, -1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK:         return %[[P]]
func.func @pad_shift_stays(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = qc.pad %x {pads = array<i64: 0, 1, 0, -1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @expand_to_same_type(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT:     qc.expand
// CHECK:         return %[[X]]
func.func @expand_to_same_type(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = qc.expand %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @expand_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<1x3xf32>)
// CHECK:         %[[E:.*]] = qc.expand %[[X]] : (tensor<1x3xf32>) -> tensor<2x3xf32>
// CHECK:         return %[[E]]
func.func @expand_stays(%x: tensor<1x3xf32>) -> tensor<2x3xf32> {
  %0 = qc.expand %x : (tensor<1x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @cast_to_same_type(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xi32>)
// CHECK-NOT:     qc.cast
// CHECK:         return %[[X]]
func.func @cast_to_same_type(%x: tensor<2x3xi32>) -> tensor<2x3xi32> {
  %0 = qc.cast %x : (tensor<2x3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

// A round trip through a narrower type loses information: it stays.
// CHECK-LABEL: func.func @cast_round_trip_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>)
// CHECK:         %[[A:.*]] = qc.cast %[[X]] : (tensor<2x3xf32>) -> tensor<2x3xf16>
// CHECK:         %[[B:.*]] = qc.cast %[[A]] : (tensor<2x3xf16>) -> tensor<2x3xf32>
// CHECK:         return %[[B]]
func.func @cast_round_trip_stays(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = qc.cast %x : (tensor<2x3xf32>) -> tensor<2x3xf16>
  %1 = qc.cast %0 : (tensor<2x3xf16>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Quantization and Hadamard rotations.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @quantize_of_dequantize(
// CHECK-SAME:    %[[Q:.*]]: tensor<4x8x!quant.uniform<i8:f32, 5.000000e-02:-3>>)
// CHECK-NOT:     qc.dequantize
// CHECK-NOT:     qc.quantize
// CHECK:         return %[[Q]]
func.func @quantize_of_dequantize(%q: tensor<4x8x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<4x8x!quant.uniform<i8:f32, 0.05:-3>> {
  %0 = qc.dequantize %q : tensor<4x8x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<4x8xf32>
  %1 = qc.quantize %0 : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8:f32, 0.05:-3>>
  return %1 : tensor<4x8x!quant.uniform<i8:f32, 0.05:-3>>
}

// -----

// CHECK-LABEL: func.func @quantize_of_dequantize_other_type_stays(
// CHECK-SAME:    %[[Q:.*]]: tensor<4x8x!quant.uniform<i8:f32, 5.000000e-02:-3>>)
// CHECK:         %[[D:.*]] = qc.dequantize %[[Q]] : tensor<4x8x!quant.uniform<i8:f32, 5.000000e-02:-3>> -> tensor<4x8xf32>
// CHECK:         %[[R:.*]] = qc.quantize %[[D]] : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8:f32, 1.000000e-01:-3>>
// CHECK:         return %[[R]]
func.func @quantize_of_dequantize_other_type_stays(%q: tensor<4x8x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<4x8x!quant.uniform<i8:f32, 0.1:-3>> {
  %0 = qc.dequantize %q : tensor<4x8x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<4x8xf32>
  %1 = qc.quantize %0 : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8:f32, 0.1:-3>>
  return %1 : tensor<4x8x!quant.uniform<i8:f32, 0.1:-3>>
}

// -----

// dequantize(quantize(x)) is a fake-quantization and is never folded.
// CHECK-LABEL: func.func @dequantize_of_quantize_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<4x8xf32>)
// CHECK:         %[[Q:.*]] = qc.quantize %[[X]] : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8:f32, 5.000000e-02:-3>>
// CHECK:         %[[D:.*]] = qc.dequantize %[[Q]] : tensor<4x8x!quant.uniform<i8:f32, 5.000000e-02:-3>> -> tensor<4x8xf32>
// CHECK:         return %[[D]]
func.func @dequantize_of_quantize_stays(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = qc.quantize %x : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8:f32, 0.05:-3>>
  %1 = qc.dequantize %0 : tensor<4x8x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func.func @requantize_to_same_type(
// CHECK-SAME:    %[[Q:.*]]: tensor<4x8x!quant.uniform<u8:f32, 1.000000e-01:128>>)
// CHECK-NOT:     qc.requantize
// CHECK:         return %[[Q]]
func.func @requantize_to_same_type(%q: tensor<4x8x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<4x8x!quant.uniform<u8:f32, 0.1:128>> {
  %0 = qc.requantize %q : tensor<4x8x!quant.uniform<u8:f32, 0.1:128>> -> tensor<4x8x!quant.uniform<u8:f32, 0.1:128>>
  return %0 : tensor<4x8x!quant.uniform<u8:f32, 0.1:128>>
}

// -----

// CHECK-LABEL: func.func @requantize_to_other_type_stays(
// CHECK-SAME:    %[[Q:.*]]: tensor<4x8x!quant.uniform<i8:f32, 5.000000e-02:-3>>)
// CHECK:         %[[R:.*]] = qc.requantize %[[Q]] : tensor<4x8x!quant.uniform<i8:f32, 5.000000e-02:-3>> -> tensor<4x8x!quant.uniform<u8:f32, 1.000000e-01:128>>
// CHECK:         return %[[R]]
func.func @requantize_to_other_type_stays(%q: tensor<4x8x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<4x8x!quant.uniform<u8:f32, 0.1:128>> {
  %0 = qc.requantize %q : tensor<4x8x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<4x8x!quant.uniform<u8:f32, 0.1:128>>
  return %0 : tensor<4x8x!quant.uniform<u8:f32, 0.1:128>>
}

// -----

// CHECK-LABEL: func.func @hadamard_pair(
// CHECK-SAME:    %[[X:.*]]: tensor<1x16x256xf32>)
// CHECK-NOT:     qc.hadamard
// CHECK:         return %[[X]], %[[X]], %[[X]]
func.func @hadamard_pair(%x: tensor<1x16x256xf32>) -> (tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>) {
  %0 = qc.hadamard %x : tensor<1x16x256xf32>
  %1 = qc.hadamard %0 : tensor<1x16x256xf32>
  %2 = qc.hadamard %x {block_size = 64 : i64} : tensor<1x16x256xf32>
  %3 = qc.hadamard %2 {block_size = 64 : i64} : tensor<1x16x256xf32>
  // The default block size is the whole last dimension.
  %4 = qc.hadamard %x : tensor<1x16x256xf32>
  %5 = qc.hadamard %4 {block_size = 256 : i64} : tensor<1x16x256xf32>
  return %1, %3, %5 : tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>
}

// -----

// CHECK-LABEL: func.func @hadamard_pair_different_blocks_stays(
// CHECK-SAME:    %[[X:.*]]: tensor<1x16x256xf32>)
// CHECK:         %[[A:.*]] = qc.hadamard %[[X]] {block_size = 64 : i64} : tensor<1x16x256xf32>
// CHECK:         %[[B:.*]] = qc.hadamard %[[A]] : tensor<1x16x256xf32>
// CHECK:         %[[C:.*]] = qc.hadamard %[[X]] {block_size = 32 : i64} : tensor<1x16x256xf32>
// CHECK:         %[[D:.*]] = qc.hadamard %[[C]] {block_size = 64 : i64} : tensor<1x16x256xf32>
// CHECK:         return %[[B]], %[[D]]
func.func @hadamard_pair_different_blocks_stays(%x: tensor<1x16x256xf32>) -> (tensor<1x16x256xf32>, tensor<1x16x256xf32>) {
  %0 = qc.hadamard %x {block_size = 64 : i64} : tensor<1x16x256xf32>
  %1 = qc.hadamard %0 : tensor<1x16x256xf32>
  %2 = qc.hadamard %x {block_size = 32 : i64} : tensor<1x16x256xf32>
  %3 = qc.hadamard %2 {block_size = 64 : i64} : tensor<1x16x256xf32>
  return %1, %3 : tensor<1x16x256xf32>, tensor<1x16x256xf32>
}

// -----

// Three rotations are one.
// CHECK-LABEL: func.func @hadamard_triple(
// CHECK-SAME:    %[[X:.*]]: tensor<4x32xf32>)
// CHECK:         %[[H:.*]] = qc.hadamard %[[X]] : tensor<4x32xf32>
// CHECK-NOT:     qc.hadamard
// CHECK:         return %[[H]]
func.func @hadamard_triple(%x: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %0 = qc.hadamard %x : tensor<4x32xf32>
  %1 = qc.hadamard %0 : tensor<4x32xf32>
  %2 = qc.hadamard %1 : tensor<4x32xf32>
  return %2 : tensor<4x32xf32>
}

// -----

// A wide integer splat that merely truncates to 0 or 1 is not an identity.
// CHECK-LABEL: func.func @wide_integer_splat_no_fold(
// CHECK:         qc.add
// CHECK:         qc.mul
func.func @wide_integer_splat_no_fold(%x: tensor<2xi128>) -> tensor<2xi128> {
  %c = arith.constant dense<18446744073709551616> : tensor<2xi128>
  %d = arith.constant dense<18446744073709551617> : tensor<2xi128>
  %0 = qc.add %x, %c : (tensor<2xi128>, tensor<2xi128>) -> tensor<2xi128>
  %1 = qc.mul %0, %d : (tensor<2xi128>, tensor<2xi128>) -> tensor<2xi128>
  return %1 : tensor<2xi128>
}
