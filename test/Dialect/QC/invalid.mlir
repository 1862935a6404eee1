// RUN: quant-opt %s -split-input-file -verify-diagnostics

// Every verifier, type-inference and ODS constraint failure of the qc
// dialect, one case per check. When result-type inference fails, MLIR reports
// the specific message and then "failed to infer returned types".

//===----------------------------------------------------------------------===//
// Type constraints and traits shared by many ops.
//===----------------------------------------------------------------------===//

func.func @relu_integer(%x: tensor<2x3xi32>) -> tensor<2x3xi32> {
  // expected-error @+1 {{'qc.relu' op operand #0 must be statically shaped tensor of floating-point values, but got 'tensor<2x3xi32>'}}
  %0 = qc.relu %x : tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

func.func @relu_dynamic_shape(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{'qc.relu' op operand #0 must be statically shaped tensor of floating-point values, but got 'tensor<?x3xf32>'}}
  %0 = qc.relu %x : tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

func.func @relu_unranked(%x: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{'qc.relu' op operand #0 must be statically shaped tensor of floating-point values, but got 'tensor<*xf32>'}}
  %0 = "qc.relu"(%x) : (tensor<*xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @relu_result_type_differs(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'qc.relu' op requires the same type for all operands and results}}
  %0 = "qc.relu"(%x) : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @abs_index(%x: tensor<2x3xindex>) -> tensor<2x3xindex> {
  // expected-error @+1 {{'qc.abs' op operand #0 must be statically shaped tensor of floating-point or integer values, but got 'tensor<2x3xindex>'}}
  %0 = qc.abs %x : tensor<2x3xindex>
  return %0 : tensor<2x3xindex>
}

// -----

func.func @add_dynamic_shape(%a: tensor<?x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'qc.add' op operand #0 must be statically shaped tensor of floating-point or integer values, but got 'tensor<?x3xf32>'}}
  %0 = qc.add %a, %b : (tensor<?x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @reshape_dynamic_result(%x: tensor<2x3xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{'qc.reshape' op result #0 must be statically shaped tensor of any type values, but got 'tensor<?xf32>'}}
  %0 = qc.reshape %x : (tensor<2x3xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Elementwise ops.
//===----------------------------------------------------------------------===//

func.func @add_not_broadcastable(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'qc.add' op operand shapes [2, 3] and [4, 3] are not broadcast-compatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.add %a, %b : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @max_not_broadcastable(%a: tensor<2x1x4xf32>, %b: tensor<3x5xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+2 {{'qc.max' op operand shapes [2, 1, 4] and [3, 5] are not broadcast-compatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.max %a, %b : (tensor<2x1x4xf32>, tensor<3x5xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @add_wrong_broadcast_result(%a: tensor<2x1xf32>, %b: tensor<3xf32>) -> tensor<2x1xf32> {
  // expected-error @+2 {{'qc.add' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<2x1xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.add %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @add_element_type_mismatch(%a: tensor<2x3xf32>, %b: tensor<2x3xf16>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'qc.add' op requires the same element type for all operands and results}}
  %0 = qc.add %a, %b : (tensor<2x3xf32>, tensor<2x3xf16>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @sub_result_element_type_mismatch(%a: tensor<2x3xi32>, %b: tensor<2x3xi32>) -> tensor<2x3xi64> {
  // expected-error @+1 {{'qc.sub' op requires the same element type for all operands and results}}
  %0 = qc.sub %a, %b : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// -----

func.func @pow_integer(%a: tensor<2x3xi32>, %b: tensor<2x3xi32>) -> tensor<2x3xi32> {
  // expected-error @+1 {{'qc.pow' op operand #0 must be statically shaped tensor of floating-point values, but got 'tensor<2x3xi32>'}}
  %0 = qc.pow %a, %b : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

func.func @prelu_slope_not_broadcastable(%x: tensor<1x8x4x4xf32>, %slope: tensor<8x1xf32>) -> tensor<1x8x4x4xf32> {
  // expected-error @+1 {{'qc.prelu' op expected slope shape [8, 1] to broadcast to the input shape [1, 8, 4, 4]}}
  %0 = qc.prelu %x, %slope : (tensor<1x8x4x4xf32>, tensor<8x1xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

func.func @prelu_slope_higher_rank(%x: tensor<4x4xf32>, %slope: tensor<1x4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'qc.prelu' op expected slope shape [1, 4, 4] to broadcast to the input shape [4, 4]}}
  %0 = qc.prelu %x, %slope : (tensor<4x4xf32>, tensor<1x4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @prelu_result_type(%x: tensor<1x8x4x4xf32>, %slope: tensor<8x1x1xf32>) -> tensor<1x8x4x5xf32> {
  // expected-error @+1 {{'qc.prelu' op expected the result type to equal the input type 'tensor<1x8x4x4xf32>', found 'tensor<1x8x4x5xf32>'}}
  %0 = qc.prelu %x, %slope : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x5xf32>
  return %0 : tensor<1x8x4x5xf32>
}

// -----

func.func @prelu_element_type(%x: tensor<4xf32>, %slope: tensor<4xf16>) -> tensor<4xf32> {
  // expected-error @+1 {{'qc.prelu' op requires the same element type for all operands and results}}
  %0 = qc.prelu %x, %slope : (tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @clip_nan_min(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'qc.clip' op expected min to be a number, found NaN}}
  %0 = qc.clip %x {min = 0x7FC00000 : f32, max = 6.0 : f32} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @clip_min_greater_than_max(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'qc.clip' op expected min <= max, found min = 6.000000e+00 and max = 5.000000e-01}}
  %0 = qc.clip %x {min = 6.0 : f32, max = 0.5 : f32} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Convolutions.
//===----------------------------------------------------------------------===//

func.func @conv_input_rank(%x: tensor<3x8xf32>, %w: tensor<4x3xf32>) -> tensor<3x4xf32> {
  // expected-error @+2 {{'qc.conv' op expected an input of rank 3 or more (N x C x D1 ...), found rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv %x, %w : (tensor<3x8xf32>, tensor<4x3xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @conv_weight_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'qc.conv' op expected a weight of rank 4 like the input, found rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_group_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'qc.conv' op expected a positive group, found 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv %x, %w {group = 0 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_group_negative(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'qc.conv' op expected a positive group, found -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv %x, %w {group = -1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_output_channels_not_multiple_of_group(%x: tensor<1x6x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'qc.conv' op expected output channels (4) to be a multiple of group (3)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv %x, %w {group = 3 : i64} : (tensor<1x6x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_bias_size(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'qc.conv' op expected a bias of shape [4], found [8]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<8xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_bias_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<1x4xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'qc.conv' op expected a bias of shape [4], found [1, 4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<1x4xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_channel_mismatch(%x: tensor<1x3x8x8xf32>, %w: tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'qc.conv' op expected input channels (3) to equal weight input channels (4) times group (1)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv %x, %w : (tensor<1x3x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_grouped_channel_mismatch(%x: tensor<1x8x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'qc.conv' op expected input channels (8) to equal weight input channels (2) times group (2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv %x, %w {group = 2 : i64} : (tensor<1x8x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_strides_count(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x3x3xf32> {
  // expected-error @+2 {{'qc.conv' op expected 2 strides (one per spatial dimension), found 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv %x, %w {strides = array<i64: 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}

// -----

func.func @conv_strides_not_positive(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'qc.conv' op expected positive strides, found [1, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv %x, %w {strides = array<i64: 1, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_dilations_count(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'qc.conv' op expected 2 dilations (one per spatial dimension), found 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv %x, %w {dilations = array<i64: 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_dilations_not_positive(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'qc.conv' op expected positive dilations, found [-1, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv %x, %w {dilations = array<i64: -1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_pads_count(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{'qc.conv' op expected 4 pads (begins then ends), found 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv %x, %w {pads = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @conv_pads_negative(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'qc.conv' op expected non-negative pads, found [0, 0, -1, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv %x, %w {pads = array<i64: 0, 0, -1, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_window_too_big(%x: tensor<1x3x8x2xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x1xf32> {
  // expected-error @+2 {{'qc.conv' op expected the kernel window to fit the padded input along spatial dimension 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv %x, %w : (tensor<1x3x8x2xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x1xf32>
  return %0 : tensor<1x4x6x1xf32>
}

// -----

func.func @conv_dilated_window_too_big(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32> {
  // expected-error @+2 {{'qc.conv' op expected the kernel window to fit the padded input along spatial dimension 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv %x, %w {dilations = array<i64: 4, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32>
  return %0 : tensor<1x4x1x1xf32>
}

// -----

func.func @conv_wrong_result_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{'qc.conv' op inferred type(s) 'tensor<1x4x6x6xf32>' are incompatible with return type(s) of operation 'tensor<1x4x8x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @conv_element_type_mismatch(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf16>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'qc.conv' op requires the same element type for all operands and results}}
  %0 = qc.conv %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf16>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_integer(%x: tensor<1x3x8x8xi8>, %w: tensor<4x3x3x3xi8>) -> tensor<1x4x6x6xi8> {
  // expected-error @+1 {{'qc.conv' op operand #0 must be statically shaped tensor of floating-point values, but got 'tensor<1x3x8x8xi8>'}}
  %0 = qc.conv %x, %w : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>) -> tensor<1x4x6x6xi8>
  return %0 : tensor<1x4x6x6xi8>
}

// -----

func.func @conv_transpose_input_rank(%x: tensor<1x8xf32>, %w: tensor<8x4xf32>) -> tensor<1x4xf32> {
  // expected-error @+2 {{'qc.conv_transpose' op expected an input of rank 3 or more (N x C x D1 ...), found rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv_transpose %x, %w : (tensor<1x8xf32>, tensor<8x4xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

func.func @conv_transpose_weight_rank(%x: tensor<1x8x10x10xf32>, %w: tensor<8x4x2x2x2xf32>) -> tensor<1x4x11x11xf32> {
  // expected-error @+2 {{'qc.conv_transpose' op expected a weight of rank 4 like the input, found rank 5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv_transpose %x, %w : (tensor<1x8x10x10xf32>, tensor<8x4x2x2x2xf32>) -> tensor<1x4x11x11xf32>
  return %0 : tensor<1x4x11x11xf32>
}

// -----

func.func @conv_transpose_channel_mismatch(%x: tensor<1x8x10x10xf32>, %w: tensor<4x4x2x2xf32>) -> tensor<1x4x11x11xf32> {
  // expected-error @+2 {{'qc.conv_transpose' op expected input channels (8) to equal the weight's first dimension (4)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv_transpose %x, %w : (tensor<1x8x10x10xf32>, tensor<4x4x2x2xf32>) -> tensor<1x4x11x11xf32>
  return %0 : tensor<1x4x11x11xf32>
}

// -----

func.func @conv_transpose_group_zero(%x: tensor<1x8x10x10xf32>, %w: tensor<8x4x2x2xf32>) -> tensor<1x4x11x11xf32> {
  // expected-error @+2 {{'qc.conv_transpose' op expected a positive group, found 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv_transpose %x, %w {group = 0 : i64} : (tensor<1x8x10x10xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x11x11xf32>
  return %0 : tensor<1x4x11x11xf32>
}

// -----

func.func @conv_transpose_bias_size(%x: tensor<1x8x10x10xf32>, %w: tensor<8x2x2x2xf32>, %b: tensor<2xf32>) -> tensor<1x4x11x11xf32> {
  // expected-error @+2 {{'qc.conv_transpose' op expected a bias of shape [4], found [2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv_transpose %x, %w, %b {group = 2 : i64} : (tensor<1x8x10x10xf32>, tensor<8x2x2x2xf32>, tensor<2xf32>) -> tensor<1x4x11x11xf32>
  return %0 : tensor<1x4x11x11xf32>
}

// -----

func.func @conv_transpose_input_channels_not_multiple_of_group(%x: tensor<1x6x10x10xf32>, %w: tensor<6x1x2x2xf32>) -> tensor<1x4x11x11xf32> {
  // expected-error @+2 {{'qc.conv_transpose' op expected input channels (6) to be a multiple of group (4)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv_transpose %x, %w {group = 4 : i64} : (tensor<1x6x10x10xf32>, tensor<6x1x2x2xf32>) -> tensor<1x4x11x11xf32>
  return %0 : tensor<1x4x11x11xf32>
}

// -----

func.func @conv_transpose_strides_not_positive(%x: tensor<1x8x10x10xf32>, %w: tensor<8x4x2x2xf32>) -> tensor<1x4x11x11xf32> {
  // expected-error @+2 {{'qc.conv_transpose' op expected positive strides, found [0, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv_transpose %x, %w {strides = array<i64: 0, 1>} : (tensor<1x8x10x10xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x11x11xf32>
  return %0 : tensor<1x4x11x11xf32>
}

// -----

func.func @conv_transpose_output_padding_count(%x: tensor<1x8x10x10xf32>, %w: tensor<8x4x2x2xf32>) -> tensor<1x4x21x21xf32> {
  // expected-error @+2 {{'qc.conv_transpose' op expected 2 output_padding values, found 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv_transpose %x, %w {output_padding = array<i64: 1>, strides = array<i64: 2, 2>} : (tensor<1x8x10x10xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x21x21xf32>
  return %0 : tensor<1x4x21x21xf32>
}

// -----

func.func @conv_transpose_output_padding_too_large(%x: tensor<1x8x10x10xf32>, %w: tensor<8x4x2x2xf32>) -> tensor<1x4x22x20xf32> {
  // expected-error @+2 {{'qc.conv_transpose' op expected output_padding to be non-negative and less than the stride or the dilation, found [2, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv_transpose %x, %w {output_padding = array<i64: 2, 0>, strides = array<i64: 2, 2>} : (tensor<1x8x10x10xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x22x20xf32>
  return %0 : tensor<1x4x22x20xf32>
}

// -----

func.func @conv_transpose_output_padding_without_stride(%x: tensor<1x8x10x10xf32>, %w: tensor<8x4x2x2xf32>) -> tensor<1x4x12x11xf32> {
  // expected-error @+2 {{'qc.conv_transpose' op expected output_padding to be non-negative and less than the stride or the dilation, found [1, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv_transpose %x, %w {output_padding = array<i64: 1, 0>} : (tensor<1x8x10x10xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x12x11xf32>
  return %0 : tensor<1x4x12x11xf32>
}

// -----

func.func @conv_transpose_output_padding_negative(%x: tensor<1x8x10x10xf32>, %w: tensor<8x4x2x2xf32>) -> tensor<1x4x20x19xf32> {
  // expected-error @+2 {{'qc.conv_transpose' op expected output_padding to be non-negative and less than the stride or the dilation, found [0, -1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv_transpose %x, %w {output_padding = array<i64: 0, -1>, strides = array<i64: 2, 2>} : (tensor<1x8x10x10xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x20x19xf32>
  return %0 : tensor<1x4x20x19xf32>
}

// -----

func.func @conv_transpose_non_positive_output(%x: tensor<1x8x1x10xf32>, %w: tensor<8x4x2x2xf32>) -> tensor<1x4x1x11xf32> {
  // expected-error @+2 {{'qc.conv_transpose' op expected a positive output size along spatial dimension 0, found 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv_transpose %x, %w {pads = array<i64: 1, 0, 1, 0>} : (tensor<1x8x1x10xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x1x11xf32>
  return %0 : tensor<1x4x1x11xf32>
}

// -----

func.func @conv_transpose_wrong_result_shape(%x: tensor<1x8x10x10xf32>, %w: tensor<8x4x2x2xf32>) -> tensor<1x4x20x20xf32> {
  // expected-error @+2 {{'qc.conv_transpose' op inferred type(s) 'tensor<1x4x11x11xf32>' are incompatible with return type(s) of operation 'tensor<1x4x20x20xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.conv_transpose %x, %w : (tensor<1x8x10x10xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x20x20xf32>
  return %0 : tensor<1x4x20x20xf32>
}

// -----

//===----------------------------------------------------------------------===//
// MatMul and Gemm.
//===----------------------------------------------------------------------===//

func.func @matmul_rank_zero(%a: tensor<f32>, %b: tensor<3xf32>) -> tensor<f32> {
  // expected-error @+2 {{'qc.matmul' op expected operands of rank 1 or more}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.matmul %a, %b : (tensor<f32>, tensor<3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @matmul_rhs_rank_zero(%a: tensor<3xf32>, %b: tensor<f32>) -> tensor<f32> {
  // expected-error @+2 {{'qc.matmul' op expected operands of rank 1 or more}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.matmul %a, %b : (tensor<3xf32>, tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @matmul_contraction_mismatch(%a: tensor<5x3xf32>, %b: tensor<4x7xf32>) -> tensor<5x7xf32> {
  // expected-error @+2 {{'qc.matmul' op expected the contraction dimensions to match, found 3 (lhs [5, 3]) and 4 (rhs [4, 7])}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.matmul %a, %b : (tensor<5x3xf32>, tensor<4x7xf32>) -> tensor<5x7xf32>
  return %0 : tensor<5x7xf32>
}

// -----

func.func @matmul_vector_contraction_mismatch(%a: tensor<4xf32>, %b: tensor<3x7xf32>) -> tensor<7xf32> {
  // expected-error @+2 {{'qc.matmul' op expected the contraction dimensions to match, found 4 (lhs [4]) and 3 (rhs [3, 7])}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.matmul %a, %b : (tensor<4xf32>, tensor<3x7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

func.func @matmul_batch_mismatch(%a: tensor<2x5x3xf32>, %b: tensor<3x3x7xf32>) -> tensor<2x5x7xf32> {
  // expected-error @+2 {{'qc.matmul' op batch dimensions of [2, 5, 3] and [3, 3, 7] are not broadcast-compatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.matmul %a, %b : (tensor<2x5x3xf32>, tensor<3x3x7xf32>) -> tensor<2x5x7xf32>
  return %0 : tensor<2x5x7xf32>
}

// -----

func.func @matmul_wrong_result_shape(%a: tensor<2x1x5x3xf32>, %b: tensor<4x3x7xf32>) -> tensor<2x5x7xf32> {
  // expected-error @+2 {{'qc.matmul' op inferred type(s) 'tensor<2x4x5x7xf32>' are incompatible with return type(s) of operation 'tensor<2x5x7xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.matmul %a, %b : (tensor<2x1x5x3xf32>, tensor<4x3x7xf32>) -> tensor<2x5x7xf32>
  return %0 : tensor<2x5x7xf32>
}

// -----

func.func @matmul_element_type_mismatch(%a: tensor<5x3xi8>, %b: tensor<3x7xi8>) -> tensor<5x7xi32> {
  // expected-error @+1 {{'qc.matmul' op requires the same element type for all operands and results}}
  %0 = qc.matmul %a, %b : (tensor<5x3xi8>, tensor<3x7xi8>) -> tensor<5x7xi32>
  return %0 : tensor<5x7xi32>
}

// -----

func.func @gemm_rank(%a: tensor<2x5x3xf32>, %b: tensor<3x7xf32>) -> tensor<5x7xf32> {
  // expected-error @+2 {{'qc.gemm' op expected 2-D operands, found ranks 3 and 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.gemm %a, %b : (tensor<2x5x3xf32>, tensor<3x7xf32>) -> tensor<5x7xf32>
  return %0 : tensor<5x7xf32>
}

// -----

func.func @gemm_rhs_rank(%a: tensor<5x3xf32>, %b: tensor<3xf32>) -> tensor<5xf32> {
  // expected-error @+2 {{'qc.gemm' op expected 2-D operands, found ranks 2 and 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.gemm %a, %b : (tensor<5x3xf32>, tensor<3xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @gemm_contraction_mismatch(%a: tensor<5x3xf32>, %b: tensor<7x3xf32>) -> tensor<5x3xf32> {
  // expected-error @+2 {{'qc.gemm' op expected the contraction dimensions to match, found 3 and 7}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.gemm %a, %b : (tensor<5x3xf32>, tensor<7x3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

func.func @gemm_transposed_contraction_mismatch(%a: tensor<5x3xf32>, %b: tensor<3x7xf32>) -> tensor<3x7xf32> {
  // expected-error @+2 {{'qc.gemm' op expected the contraction dimensions to match, found 5 and 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.gemm %a, %b {trans_a = true} : (tensor<5x3xf32>, tensor<3x7xf32>) -> tensor<3x7xf32>
  return %0 : tensor<3x7xf32>
}

// -----

func.func @gemm_c_not_broadcastable(%a: tensor<5x3xf32>, %b: tensor<3x7xf32>, %c: tensor<5xf32>) -> tensor<5x7xf32> {
  // expected-error @+2 {{'qc.gemm' op expected c of shape [5] to broadcast to [5, 7]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.gemm %a, %b, %c : (tensor<5x3xf32>, tensor<3x7xf32>, tensor<5xf32>) -> tensor<5x7xf32>
  return %0 : tensor<5x7xf32>
}

// -----

func.func @gemm_wrong_result_shape(%a: tensor<5x3xf32>, %b: tensor<7x3xf32>) -> tensor<5x3xf32> {
  // expected-error @+2 {{'qc.gemm' op inferred type(s) 'tensor<5x7xf32>' are incompatible with return type(s) of operation 'tensor<5x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.gemm %a, %b {trans_b = true} : (tensor<5x3xf32>, tensor<7x3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Normalisation.
//===----------------------------------------------------------------------===//

func.func @batch_normalization_rank(%x: tensor<4xf32>, %c: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qc.batch_normalization' op expected an input of rank 2 or more (N x C ...), found rank 1}}
  %0 = qc.batch_normalization %x, %c, %c, %c, %c : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @batch_normalization_scale_shape(%x: tensor<1x4x8x8xf32>, %c: tensor<4xf32>, %bad: tensor<3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{'qc.batch_normalization' op expected scale of shape [4], found [3]}}
  %0 = qc.batch_normalization %x, %bad, %c, %c, %c : (tensor<1x4x8x8xf32>, tensor<3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @batch_normalization_bias_shape(%x: tensor<1x4x8x8xf32>, %c: tensor<4xf32>, %bad: tensor<1x4xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{'qc.batch_normalization' op expected bias of shape [4], found [1, 4]}}
  %0 = qc.batch_normalization %x, %c, %bad, %c, %c : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<1x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @batch_normalization_mean_shape(%x: tensor<1x4x8x8xf32>, %c: tensor<4xf32>, %bad: tensor<8xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{'qc.batch_normalization' op expected mean of shape [4], found [8]}}
  %0 = qc.batch_normalization %x, %c, %c, %bad, %c : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<8xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @batch_normalization_var_shape(%x: tensor<1x4x8x8xf32>, %c: tensor<4xf32>, %bad: tensor<f32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{'qc.batch_normalization' op expected var of shape [4], found []}}
  %0 = qc.batch_normalization %x, %c, %c, %c, %bad : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @batch_normalization_result_type(%x: tensor<1x4x8x8xf32>, %c: tensor<4xf32>) -> tensor<1x4x8x9xf32> {
  // expected-error @+1 {{'qc.batch_normalization' op failed to verify that all of {x, y} have same type}}
  %0 = qc.batch_normalization %x, %c, %c, %c, %c : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x9xf32>
  return %0 : tensor<1x4x8x9xf32>
}

// -----

func.func @batch_normalization_operand_element_type(%x: tensor<1x4x8x8xf32>, %c: tensor<4xf32>, %h: tensor<4xf16>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{'qc.batch_normalization' op requires the same element type for all operands}}
  %0 = qc.batch_normalization %x, %c, %c, %c, %h : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf16>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @layer_normalization_axis(%x: tensor<2x16x32xf32>, %g: tensor<32xf32>) -> tensor<2x16x32xf32> {
  // expected-error @+1 {{'qc.layer_normalization' op expected axis in [-3, 3), found 3}}
  %0 = qc.layer_normalization %x, %g {axis = 3 : i64} : (tensor<2x16x32xf32>, tensor<32xf32>) -> tensor<2x16x32xf32>
  return %0 : tensor<2x16x32xf32>
}

// -----

func.func @layer_normalization_negative_axis(%x: tensor<2x16x32xf32>, %g: tensor<32xf32>) -> tensor<2x16x32xf32> {
  // expected-error @+1 {{'qc.layer_normalization' op expected axis in [-3, 3), found -4}}
  %0 = qc.layer_normalization %x, %g {axis = -4 : i64} : (tensor<2x16x32xf32>, tensor<32xf32>) -> tensor<2x16x32xf32>
  return %0 : tensor<2x16x32xf32>
}

// -----

func.func @layer_normalization_scale_shape(%x: tensor<2x16x32xf32>, %g: tensor<16xf32>) -> tensor<2x16x32xf32> {
  // expected-error @+1 {{'qc.layer_normalization' op expected scale of shape [16] to broadcast to the normalized shape [32]}}
  %0 = qc.layer_normalization %x, %g : (tensor<2x16x32xf32>, tensor<16xf32>) -> tensor<2x16x32xf32>
  return %0 : tensor<2x16x32xf32>
}

// -----

func.func @layer_normalization_bias_shape(%x: tensor<2x16x32xf32>, %g: tensor<16x32xf32>, %b: tensor<2x16x32xf32>) -> tensor<2x16x32xf32> {
  // expected-error @+1 {{'qc.layer_normalization' op expected bias of shape [2, 16, 32] to broadcast to the normalized shape [16, 32]}}
  %0 = qc.layer_normalization %x, %g, %b {axis = 1 : i64} : (tensor<2x16x32xf32>, tensor<16x32xf32>, tensor<2x16x32xf32>) -> tensor<2x16x32xf32>
  return %0 : tensor<2x16x32xf32>
}

// -----

func.func @layer_normalization_result_type(%x: tensor<2x16x32xf32>, %g: tensor<32xf32>) -> tensor<2x16x32xf16> {
  // expected-error @+1 {{'qc.layer_normalization' op failed to verify that all of {x, y} have same type}}
  %0 = qc.layer_normalization %x, %g : (tensor<2x16x32xf32>, tensor<32xf32>) -> tensor<2x16x32xf16>
  return %0 : tensor<2x16x32xf16>
}

// -----

func.func @softmax_axis(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  // expected-error @+1 {{'qc.softmax' op expected axis in [-2, 2), found 2}}
  %0 = qc.softmax %x {axis = 2 : i64} : tensor<2x16xf32>
  return %0 : tensor<2x16xf32>
}

// -----

func.func @softmax_result_type(%x: tensor<2x16xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'qc.softmax' op requires the same type for all operands and results}}
  %0 = "qc.softmax"(%x) <{axis = -1 : i64}> : (tensor<2x16xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @log_softmax_axis(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  // expected-error @+1 {{'qc.log_softmax' op expected axis in [-2, 2), found -3}}
  %0 = qc.log_softmax %x {axis = -3 : i64} : tensor<2x16xf32>
  return %0 : tensor<2x16xf32>
}

// -----

func.func @softmax_scalar(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'qc.softmax' op expected axis in [0, 0), found -1}}
  %0 = qc.softmax %x : tensor<f32>
  return %0 : tensor<f32>
}

// -----

//===----------------------------------------------------------------------===//
// Pooling.
//===----------------------------------------------------------------------===//

func.func @max_pool_rank(%x: tensor<8x32xf32>) -> tensor<8x16xf32> {
  // expected-error @+2 {{'qc.max_pool' op expected an input of rank 3 or more (N x C x D1 ...), found rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.max_pool %x {kernel_shape = array<i64: 2>} : (tensor<8x32xf32>) -> tensor<8x16xf32>
  return %0 : tensor<8x16xf32>
}

// -----

func.func @average_pool_rank(%x: tensor<8x32xf32>) -> tensor<8x16xf32> {
  // expected-error @+2 {{'qc.average_pool' op expected an input of rank 3 or more (N x C x D1 ...), found rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.average_pool %x {kernel_shape = array<i64: 2>} : (tensor<8x32xf32>) -> tensor<8x16xf32>
  return %0 : tensor<8x16xf32>
}

// -----

func.func @max_pool_kernel_count(%x: tensor<1x8x32x32xf32>) -> tensor<1x8x31x31xf32> {
  // expected-error @+2 {{'qc.max_pool' op expected 2 kernel_shape values (one per spatial dimension), found 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.max_pool %x {kernel_shape = array<i64: 2>} : (tensor<1x8x32x32xf32>) -> tensor<1x8x31x31xf32>
  return %0 : tensor<1x8x31x31xf32>
}

// -----

func.func @average_pool_kernel_not_positive(%x: tensor<1x8x32x32xf32>) -> tensor<1x8x30x30xf32> {
  // expected-error @+2 {{'qc.average_pool' op expected a positive kernel_shape, found [3, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.average_pool %x {kernel_shape = array<i64: 3, 0>} : (tensor<1x8x32x32xf32>) -> tensor<1x8x30x30xf32>
  return %0 : tensor<1x8x30x30xf32>
}

// -----

func.func @max_pool_kernel_negative(%x: tensor<1x8x32x32xf32>) -> tensor<1x8x30x30xf32> {
  // expected-error @+2 {{'qc.max_pool' op expected a positive kernel_shape, found [-3, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.max_pool %x {kernel_shape = array<i64: -3, 3>} : (tensor<1x8x32x32xf32>) -> tensor<1x8x30x30xf32>
  return %0 : tensor<1x8x30x30xf32>
}

// -----

func.func @max_pool_strides_count(%x: tensor<1x8x32x32xf32>) -> tensor<1x8x16x16xf32> {
  // expected-error @+2 {{'qc.max_pool' op expected 2 strides (one per spatial dimension), found 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2, 2>} : (tensor<1x8x32x32xf32>) -> tensor<1x8x16x16xf32>
  return %0 : tensor<1x8x16x16xf32>
}

// -----

func.func @average_pool_pads_negative(%x: tensor<1x8x32x32xf32>) -> tensor<1x8x30x30xf32> {
  // expected-error @+2 {{'qc.average_pool' op expected non-negative pads, found [0, 0, 0, -1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.average_pool %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, -1>} : (tensor<1x8x32x32xf32>) -> tensor<1x8x30x30xf32>
  return %0 : tensor<1x8x30x30xf32>
}

// -----

func.func @max_pool_pad_begin_not_smaller_than_kernel(%x: tensor<1x8x32x32xf32>) -> tensor<1x8x33x31xf32> {
  // expected-error @+2 {{'qc.max_pool' op expected pads smaller than the kernel, found kernel_shape [2, 2] and pads [2, 0] along spatial dimension 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.max_pool %x {kernel_shape = array<i64: 2, 2>, pads = array<i64: 2, 0, 0, 0>} : (tensor<1x8x32x32xf32>) -> tensor<1x8x33x31xf32>
  return %0 : tensor<1x8x33x31xf32>
}

// -----

func.func @average_pool_pad_end_not_smaller_than_kernel(%x: tensor<1x8x32x32xf32>) -> tensor<1x8x30x33xf32> {
  // expected-error @+2 {{'qc.average_pool' op expected pads smaller than the kernel, found kernel_shape [3, 3] and pads [0, 4] along spatial dimension 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.average_pool %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 4>} : (tensor<1x8x32x32xf32>) -> tensor<1x8x30x33xf32>
  return %0 : tensor<1x8x30x33xf32>
}

// -----

func.func @max_pool_window_too_big(%x: tensor<1x8x4x32xf32>) -> tensor<1x8x1x28xf32> {
  // expected-error @+2 {{'qc.max_pool' op expected the kernel window to fit the padded input along spatial dimension 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.max_pool %x {kernel_shape = array<i64: 5, 5>} : (tensor<1x8x4x32xf32>) -> tensor<1x8x1x28xf32>
  return %0 : tensor<1x8x1x28xf32>
}

// -----

func.func @average_pool_dilated_window_too_big(%x: tensor<1x8x32x4xf32>) -> tensor<1x8x30x1xf32> {
  // expected-error @+2 {{'qc.average_pool' op expected the kernel window to fit the padded input along spatial dimension 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.average_pool %x {kernel_shape = array<i64: 3, 3>, dilations = array<i64: 1, 2>} : (tensor<1x8x32x4xf32>) -> tensor<1x8x30x1xf32>
  return %0 : tensor<1x8x30x1xf32>
}

// -----

func.func @max_pool_wrong_result_shape(%x: tensor<1x8x32x32xf32>) -> tensor<1x8x16x16xf32> {
  // expected-error @+2 {{'qc.max_pool' op inferred type(s) 'tensor<1x8x17x17xf32>' are incompatible with return type(s) of operation 'tensor<1x8x16x16xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.max_pool %x {ceil_mode = true, kernel_shape = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x32x32xf32>) -> tensor<1x8x16x16xf32>
  return %0 : tensor<1x8x16x16xf32>
}

// -----

func.func @global_average_pool_rank(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-error @+2 {{'qc.global_average_pool' op expected an input of rank 3 or more (N x C x D1 ...), found rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.global_average_pool %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @global_max_pool_rank(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+2 {{'qc.global_max_pool' op expected an input of rank 3 or more (N x C x D1 ...), found rank 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.global_max_pool %x : (tensor<8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @global_average_pool_wrong_result_shape(%x: tensor<1x8x4x4xf32>) -> tensor<1x8xf32> {
  // expected-error @+2 {{'qc.global_average_pool' op inferred type(s) 'tensor<1x8x1x1xf32>' are incompatible with return type(s) of operation 'tensor<1x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.global_average_pool %x : (tensor<1x8x4x4xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Reductions.
//===----------------------------------------------------------------------===//

func.func @reduce_sum_axis_out_of_range(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+2 {{'qc.reduce_sum' op expected axes in [-3, 3), found [0, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.reduce_sum %x {axes = array<i64: 0, 3>} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @reduce_mean_negative_axis_out_of_range(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+2 {{'qc.reduce_mean' op expected axes in [-3, 3), found [-4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.reduce_mean %x {axes = array<i64: -4>} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @reduce_max_duplicate_axes(%x: tensor<2x3x4xf32>) -> tensor<1x3x4xf32> {
  // expected-error @+2 {{'qc.reduce_max' op expected unique axes, found [0, -3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.reduce_max %x {axes = array<i64: 0, -3>} : (tensor<2x3x4xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

func.func @reduce_l2_integer(%x: tensor<2x3x4xi32>) -> tensor<2x3x1xi32> {
  // expected-error @+1 {{'qc.reduce_l2' op operand #0 must be statically shaped tensor of floating-point values, but got 'tensor<2x3x4xi32>'}}
  %0 = qc.reduce_l2 %x {axes = array<i64: 2>} : (tensor<2x3x4xi32>) -> tensor<2x3x1xi32>
  return %0 : tensor<2x3x1xi32>
}

// -----

func.func @reduce_prod_wrong_result_shape(%x: tensor<2x3x4xf32>) -> tensor<2x3x1xf32> {
  // expected-error @+2 {{'qc.reduce_prod' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<2x3x1xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.reduce_prod %x {axes = array<i64: 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  return %0 : tensor<2x3x1xf32>
}

// -----

func.func @argmax_axis_out_of_range(%x: tensor<2x3x4xf32>) -> tensor<2x3x1xi64> {
  // expected-error @+2 {{'qc.argmax' op expected axis in [-3, 3), found 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.argmax %x {axis = 3 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x1xi64>
  return %0 : tensor<2x3x1xi64>
}

// -----

func.func @argmin_axis_out_of_range(%x: tensor<2x3x4xf32>) -> tensor<1x3x4xi64> {
  // expected-error @+2 {{'qc.argmin' op expected axis in [-3, 3), found -4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.argmin %x {axis = -4 : i64} : (tensor<2x3x4xf32>) -> tensor<1x3x4xi64>
  return %0 : tensor<1x3x4xi64>
}

// -----

func.func @argmax_i32_result(%x: tensor<2x3x4xf32>) -> tensor<1x3x4xi32> {
  // expected-error @+1 {{'qc.argmax' op result #0 must be statically shaped tensor of 64-bit signless integer values, but got 'tensor<1x3x4xi32>'}}
  %0 = qc.argmax %x : (tensor<2x3x4xf32>) -> tensor<1x3x4xi32>
  return %0 : tensor<1x3x4xi32>
}

// -----

//===----------------------------------------------------------------------===//
// Reshape, flatten, squeeze, unsqueeze, transpose.
//===----------------------------------------------------------------------===//

func.func @reshape_element_count(%x: tensor<2x3xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'qc.reshape' op expected the result to hold as many elements as the input (6), found 8}}
  %0 = qc.reshape %x : (tensor<2x3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @reshape_element_type(%x: tensor<2x3xf32>) -> tensor<6xf16> {
  // expected-error @+1 {{'qc.reshape' op requires the same element type for all operands and results}}
  %0 = qc.reshape %x : (tensor<2x3xf32>) -> tensor<6xf16>
  return %0 : tensor<6xf16>
}

// -----

func.func @flatten_axis(%x: tensor<2x3xf32>) -> tensor<6x1xf32> {
  // expected-error @+2 {{'qc.flatten' op expected axis in [-2, 2], found 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.flatten %x {axis = 3 : i64} : (tensor<2x3xf32>) -> tensor<6x1xf32>
  return %0 : tensor<6x1xf32>
}

// -----

func.func @flatten_negative_axis(%x: tensor<2x3xf32>) -> tensor<1x6xf32> {
  // expected-error @+2 {{'qc.flatten' op expected axis in [-2, 2], found -3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.flatten %x {axis = -3 : i64} : (tensor<2x3xf32>) -> tensor<1x6xf32>
  return %0 : tensor<1x6xf32>
}

// -----

func.func @flatten_wrong_result_shape(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  // expected-error @+2 {{'qc.flatten' op inferred type(s) 'tensor<2x12xf32>' are incompatible with return type(s) of operation 'tensor<6x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.flatten %x : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  return %0 : tensor<6x4xf32>
}

// -----

func.func @squeeze_axis_out_of_range(%x: tensor<2x1x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'qc.squeeze' op expected axes in [-3, 3), found [3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.squeeze %x {axes = array<i64: 3>} : (tensor<2x1x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @squeeze_duplicate_axes(%x: tensor<2x1x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'qc.squeeze' op expected unique axes, found [1, -2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.squeeze %x {axes = array<i64: 1, -2>} : (tensor<2x1x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @squeeze_non_unit_dim(%x: tensor<2x1x3xf32>) -> tensor<1x3xf32> {
  // expected-error @+2 {{'qc.squeeze' op expected dimension 0 to be 1 to squeeze it, found 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.squeeze %x {axes = array<i64: 0>} : (tensor<2x1x3xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

func.func @squeeze_wrong_result_shape(%x: tensor<2x1x3x1xf32>) -> tensor<2x3x1xf32> {
  // expected-error @+2 {{'qc.squeeze' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<2x3x1xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.squeeze %x : (tensor<2x1x3x1xf32>) -> tensor<2x3x1xf32>
  return %0 : tensor<2x3x1xf32>
}

// -----

func.func @unsqueeze_axis_out_of_range(%x: tensor<2x3xf32>) -> tensor<2x3x1xf32> {
  // expected-error @+2 {{'qc.unsqueeze' op expected axes in [-3, 3), found [3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.unsqueeze %x {axes = array<i64: 3>} : (tensor<2x3xf32>) -> tensor<2x3x1xf32>
  return %0 : tensor<2x3x1xf32>
}

// -----

func.func @unsqueeze_duplicate_axes(%x: tensor<2x3xf32>) -> tensor<1x1x2x3xf32> {
  // expected-error @+2 {{'qc.unsqueeze' op expected unique axes, found [0, -4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.unsqueeze %x {axes = array<i64: 0, -4>} : (tensor<2x3xf32>) -> tensor<1x1x2x3xf32>
  return %0 : tensor<1x1x2x3xf32>
}

// -----

func.func @unsqueeze_wrong_result_shape(%x: tensor<2x3xf32>) -> tensor<2x3x1xf32> {
  // expected-error @+2 {{'qc.unsqueeze' op inferred type(s) 'tensor<1x2x3xf32>' are incompatible with return type(s) of operation 'tensor<2x3x1xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.unsqueeze %x {axes = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<2x3x1xf32>
  return %0 : tensor<2x3x1xf32>
}

// -----

func.func @transpose_perm_too_short(%x: tensor<2x3x4xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{'qc.transpose' op expected perm to be a permutation of [0, 3), found [1, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3x4xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_perm_out_of_range(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+2 {{'qc.transpose' op expected perm to be a permutation of [0, 3), found [0, 1, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.transpose %x {perm = array<i64: 0, 1, 3>} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @transpose_perm_negative(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+2 {{'qc.transpose' op expected perm to be a permutation of [0, 3), found [0, 1, -1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.transpose %x {perm = array<i64: 0, 1, -1>} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @transpose_perm_duplicate(%x: tensor<2x3x4xf32>) -> tensor<2x3x3xf32> {
  // expected-error @+2 {{'qc.transpose' op expected perm to be a permutation of [0, 3), found [0, 1, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.transpose %x {perm = array<i64: 0, 1, 1>} : (tensor<2x3x4xf32>) -> tensor<2x3x3xf32>
  return %0 : tensor<2x3x3xf32>
}

// -----

func.func @transpose_wrong_result_shape(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+2 {{'qc.transpose' op inferred type(s) 'tensor<4x3x2xf32>' are incompatible with return type(s) of operation 'tensor<2x3x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.transpose %x : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Concat and split.
//===----------------------------------------------------------------------===//

// SameOperandsAndResultElementType rejects an operand-less concat before
// type inference runs.
func.func @concat_no_inputs() -> tensor<2xf32> {
  // expected-error @+1 {{'qc.concat' op expected 1 or more operands, but found 0}}
  %0 = qc.concat {axis = 0 : i64} : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @concat_axis(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{'qc.concat' op expected axis in [-2, 2), found 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.concat %a, %b {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @concat_mismatched_dims(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>, %c: tensor<4x3xf32>) -> tensor<2x9xf32> {
  // expected-error @+2 {{'qc.concat' op expected input 2 of shape [4, 3] to match the first input [2, 3] except along axis 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.concat %a, %b, %c {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x9xf32>
  return %0 : tensor<2x9xf32>
}

// -----

func.func @concat_mismatched_rank(%a: tensor<2x3xf32>, %b: tensor<2x3x1xf32>) -> tensor<4x3xf32> {
  // expected-error @+2 {{'qc.concat' op expected input 1 of shape [2, 3, 1] to match the first input [2, 3] except along axis 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3x1xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @concat_element_type(%a: tensor<2x3xf32>, %b: tensor<2x3xf16>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'qc.concat' op requires the same element type for all operands and results}}
  %0 = qc.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf16>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @concat_wrong_result_shape(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x7xf32> {
  // expected-error @+2 {{'qc.concat' op inferred type(s) 'tensor<2x8xf32>' are incompatible with return type(s) of operation 'tensor<2x7xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}

// -----

func.func @split_axis(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+2 {{'qc.split' op expected axis in [-2, 2), found -3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.split %x {axis = -3 : i64, split = array<i64: 2>} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @split_negative_size(%x: tensor<2x8xf32>) -> (tensor<2x10xf32>, tensor<2x0xf32>) {
  // expected-error @+2 {{'qc.split' op expected non-negative split sizes, found [10, -2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = qc.split %x {axis = 1 : i64, split = array<i64: 10, -2>} : (tensor<2x8xf32>) -> (tensor<2x10xf32>, tensor<2x0xf32>)
  return %0#0, %0#1 : tensor<2x10xf32>, tensor<2x0xf32>
}

// -----

func.func @split_sizes_sum(%x: tensor<2x8xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  // expected-error @+2 {{'qc.split' op expected split sizes [3, 3] to add up to dimension 1 (8)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = qc.split %x {axis = 1 : i64, split = array<i64: 3, 3>} : (tensor<2x8xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>)
  return %0#0, %0#1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

func.func @split_empty_sizes(%x: tensor<0x8xf32>) {
  // expected-error @+2 {{'qc.split' op expected split sizes [] to add up to dimension 0 (0)}}
  // expected-error @+1 {{failed to infer returned types}}
  qc.split %x {split = array<i64>} : (tensor<0x8xf32>) -> ()
  return
}

// -----

func.func @split_wrong_result_count(%x: tensor<2x8xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  // expected-error @+2 {{'qc.split' op inferred type(s) 'tensor<2x2xf32>', 'tensor<2x2xf32>', 'tensor<2x4xf32>' are incompatible with return type(s) of operation 'tensor<2x4xf32>', 'tensor<2x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = qc.split %x {axis = 1 : i64, split = array<i64: 2, 2, 4>} : (tensor<2x8xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>)
  return %0#0, %0#1 : tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

func.func @split_wrong_result_element_type(%x: tensor<2x8xf32>) -> (tensor<2x4xf32>, tensor<2x4xf16>) {
  // expected-error @+2 {{'qc.split' op inferred type(s) 'tensor<2x4xf32>', 'tensor<2x4xf32>' are incompatible with return type(s) of operation 'tensor<2x4xf32>', 'tensor<2x4xf16>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = qc.split %x {axis = 1 : i64, split = array<i64: 4, 4>} : (tensor<2x8xf32>) -> (tensor<2x4xf32>, tensor<2x4xf16>)
  return %0#0, %0#1 : tensor<2x4xf32>, tensor<2x4xf16>
}

// -----

//===----------------------------------------------------------------------===//
// Slice, gather, pad.
//===----------------------------------------------------------------------===//

func.func @slice_ends_count(%x: tensor<4x6xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{'qc.slice' op expected as many ends as starts (1), found 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.slice %x {starts = array<i64: 0>, ends = array<i64: 2, 6>} : (tensor<4x6xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @slice_axes_count(%x: tensor<4x6xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{'qc.slice' op expected as many axes as starts (1), found 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.slice %x {starts = array<i64: 0>, ends = array<i64: 2>, axes = array<i64: 0, 1>} : (tensor<4x6xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @slice_too_many_starts_without_axes(%x: tensor<4x6xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{'qc.slice' op expected at most 2 starts without axes, found 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.slice %x {starts = array<i64: 0, 0, 0>, ends = array<i64: 2, 6, 1>} : (tensor<4x6xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @slice_steps_count(%x: tensor<4x6xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{'qc.slice' op expected as many steps as starts (1), found 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.slice %x {starts = array<i64: 0>, ends = array<i64: 2>, steps = array<i64>} : (tensor<4x6xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @slice_axis_out_of_range(%x: tensor<4x6xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{'qc.slice' op expected axes in [-2, 2), found [2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.slice %x {starts = array<i64: 0>, ends = array<i64: 2>, axes = array<i64: 2>} : (tensor<4x6xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @slice_duplicate_axes(%x: tensor<4x6xf32>) -> tensor<4x2xf32> {
  // expected-error @+2 {{'qc.slice' op expected unique axes, found [1, -1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.slice %x {starts = array<i64: 0, 0>, ends = array<i64: 2, 2>, axes = array<i64: 1, -1>} : (tensor<4x6xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @slice_zero_step(%x: tensor<4x6xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{'qc.slice' op expected non-zero steps, found [0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.slice %x {starts = array<i64: 0>, ends = array<i64: 2>, steps = array<i64: 0>} : (tensor<4x6xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @slice_wrong_result_shape(%x: tensor<4x6xf32>) -> tensor<4x3xf32> {
  // expected-error @+2 {{'qc.slice' op inferred type(s) 'tensor<4x2xf32>' are incompatible with return type(s) of operation 'tensor<4x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.slice %x {starts = array<i64: -1>, ends = array<i64: 1>, axes = array<i64: 1>, steps = array<i64: -2>} : (tensor<4x6xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @gather_axis(%x: tensor<4x6xf32>, %i: tensor<3xi64>) -> tensor<4x3xf32> {
  // expected-error @+2 {{'qc.gather' op expected axis in [-2, 2), found 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.gather %x, %i {axis = 2 : i64} : (tensor<4x6xf32>, tensor<3xi64>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @gather_float_indices(%x: tensor<4x6xf32>, %i: tensor<3xf32>) -> tensor<3x6xf32> {
  // expected-error @+1 {{'qc.gather' op operand #1 must be statically shaped tensor of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<3xf32>'}}
  %0 = qc.gather %x, %i : (tensor<4x6xf32>, tensor<3xf32>) -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}

// -----

func.func @gather_wrong_result_shape(%x: tensor<4x6xf32>, %i: tensor<2x3xi32>) -> tensor<4x3xf32> {
  // expected-error @+2 {{'qc.gather' op inferred type(s) 'tensor<4x2x3xf32>' are incompatible with return type(s) of operation 'tensor<4x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.gather %x, %i {axis = -1 : i64} : (tensor<4x6xf32>, tensor<2x3xi32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @pad_count(%x: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+2 {{'qc.pad' op expected 4 pads (begins then ends), found 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.pad %x {pads = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @pad_negative_size(%x: tensor<2x3xf32>) -> tensor<2x0xf32> {
  // expected-error @+2 {{'qc.pad' op expected pads [0, -2, 0, -2] to leave a non-negative size along dimension 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.pad %x {pads = array<i64: 0, -2, 0, -2>} : (tensor<2x3xf32>) -> tensor<2x0xf32>
  return %0 : tensor<2x0xf32>
}

// -----

func.func @pad_reflect_before_too_large(%x: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{'qc.pad' op expected reflect pads smaller than the dimension they pad, found [0, 3, 0, 0] for shape [2, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.pad %x {mode = #qc<pad_mode reflect>, pads = array<i64: 0, 3, 0, 0>} : (tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @pad_reflect_after_too_large(%x: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+2 {{'qc.pad' op expected reflect pads smaller than the dimension they pad, found [0, 0, 2, 0] for shape [2, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.pad %x {mode = #qc<pad_mode reflect>, pads = array<i64: 0, 0, 2, 0>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @pad_edge_empty_dim(%x: tensor<2x0xf32>) -> tensor<2x1xf32> {
  // expected-error @+2 {{'qc.pad' op cannot pad an empty dimension in edge mode}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.pad %x {mode = #qc<pad_mode edge>, pads = array<i64: 0, 1, 0, 0>} : (tensor<2x0xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @pad_wrap_empty_dim(%x: tensor<0x3xf32>) -> tensor<1x3xf32> {
  // expected-error @+2 {{'qc.pad' op cannot pad an empty dimension in wrap mode}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.pad %x {mode = #qc<pad_mode wrap>, pads = array<i64: 0, 0, 1, 0>} : (tensor<0x3xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

func.func @pad_wrong_result_shape(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'qc.pad' op inferred type(s) 'tensor<3x5xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qc.pad %x {pads = array<i64: 1, 1, 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Resize, expand, cast.
//===----------------------------------------------------------------------===//

func.func @resize_scale_count(%x: tensor<1x3x10x10xf32>) -> tensor<1x3x20x20xf32> {
  // expected-error @+1 {{'qc.resize' op expected 4 scales (one per dimension), found 2}}
  %0 = qc.resize %x {scales = array<f32: 2.0, 2.0>} : (tensor<1x3x10x10xf32>) -> tensor<1x3x20x20xf32>
  return %0 : tensor<1x3x20x20xf32>
}

// -----

func.func @resize_result_rank(%x: tensor<1x3x10x10xf32>) -> tensor<3x20x20xf32> {
  // expected-error @+1 {{'qc.resize' op expected a result of rank 4, found rank 3}}
  %0 = qc.resize %x {scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x3x10x10xf32>) -> tensor<3x20x20xf32>
  return %0 : tensor<3x20x20xf32>
}

// -----

func.func @resize_tf_crop_and_resize(%x: tensor<1x3x10x10xf32>) -> tensor<1x3x20x20xf32> {
  // expected-error @+1 {{'qc.resize' op tf_crop_and_resize is not supported}}
  %0 = qc.resize %x {coordinate_transformation_mode = #qc<coordinate_transform tf_crop_and_resize>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x3x10x10xf32>) -> tensor<1x3x20x20xf32>
  return %0 : tensor<1x3x20x20xf32>
}

// -----

func.func @resize_zero_scale(%x: tensor<1x3x10x10xf32>) -> tensor<1x3x0x20xf32> {
  // expected-error @+1 {{'qc.resize' op expected positive scales, found 0.000000e+00 for dimension 2}}
  %0 = qc.resize %x {scales = array<f32: 1.0, 1.0, 0.0, 2.0>} : (tensor<1x3x10x10xf32>) -> tensor<1x3x0x20xf32>
  return %0 : tensor<1x3x0x20xf32>
}

// -----

func.func @resize_negative_scale(%x: tensor<1x3x10x10xf32>) -> tensor<1x3x10x10xf32> {
  // expected-error @+1 {{'qc.resize' op expected positive scales, found -1.000000e+00 for dimension 0}}
  %0 = qc.resize %x {scales = array<f32: -1.0, 1.0, 1.0, 1.0>} : (tensor<1x3x10x10xf32>) -> tensor<1x3x10x10xf32>
  return %0 : tensor<1x3x10x10xf32>
}

// -----

func.func @resize_wrong_output_dim(%x: tensor<1x3x10x10xf32>) -> tensor<1x3x20x25xf32> {
  // expected-error @+1 {{'qc.resize' op expected result dimension 3 to be floor(10 * 2.000000e+00) = 20, found 25}}
  %0 = qc.resize %x {scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x3x10x10xf32>) -> tensor<1x3x20x25xf32>
  return %0 : tensor<1x3x20x25xf32>
}

// -----

func.func @resize_wrong_output_dim_fractional_scale(%x: tensor<1x3x10x10xf32>) -> tensor<1x3x10x8xf32> {
  // expected-error @+1 {{'qc.resize' op expected result dimension 3 to be floor(10 * 7.000000e-01) = 6, found 8}}
  %0 = qc.resize %x {scales = array<f32: 1.0, 1.0, 1.0, 0.7>} : (tensor<1x3x10x10xf32>) -> tensor<1x3x10x8xf32>
  return %0 : tensor<1x3x10x8xf32>
}

// -----

func.func @resize_integer(%x: tensor<1x3x10x10xi8>) -> tensor<1x3x20x20xi8> {
  // expected-error @+1 {{'qc.resize' op operand #0 must be statically shaped tensor of floating-point values, but got 'tensor<1x3x10x10xi8>'}}
  %0 = qc.resize %x {scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x3x10x10xi8>) -> tensor<1x3x20x20xi8>
  return %0 : tensor<1x3x20x20xi8>
}

// -----

func.func @expand_not_broadcastable(%x: tensor<2x3xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{'qc.expand' op expected input shape [2, 3] to broadcast to the result shape [3, 3]}}
  %0 = qc.expand %x : (tensor<2x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @expand_to_lower_rank(%x: tensor<1x2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'qc.expand' op expected input shape [1, 2, 3] to broadcast to the result shape [2, 3]}}
  %0 = qc.expand %x : (tensor<1x2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @cast_shape(%x: tensor<2x3xf32>) -> tensor<3x2xf16> {
  // expected-error @+1 {{'qc.cast' op expected the result shape to equal the input shape [2, 3], found [3, 2]}}
  %0 = qc.cast %x : (tensor<2x3xf32>) -> tensor<3x2xf16>
  return %0 : tensor<3x2xf16>
}

// -----

func.func @cast_to_quantized(%x: tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{'qc.cast' op result #0 must be statically shaped tensor of floating-point or integer values, but got 'tensor<2x3x!quant.uniform<i8:f32, 1.000000e-01>>'}}
  %0 = qc.cast %x : (tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<2x3x!quant.uniform<i8:f32, 0.1>>
}

// -----

//===----------------------------------------------------------------------===//
// Quantize, dequantize, requantize.
//===----------------------------------------------------------------------===//

func.func @quantize_shape(%x: tensor<4x8xf32>) -> tensor<4x4x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{'qc.quantize' op expected operand and result shapes to match, found [4, 8] and [4, 4]}}
  %0 = qc.quantize %x : tensor<4x8xf32> -> tensor<4x4x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x4x!quant.uniform<i8:f32, 0.1>>
}

// -----

func.func @quantize_expressed_type(%x: tensor<4x8xf16>) -> tensor<4x8x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{'qc.quantize' op expected the float element type to be the quantized type's expressed type 'f32', found 'f16'}}
  %0 = qc.quantize %x : tensor<4x8xf16> -> tensor<4x8x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x8x!quant.uniform<i8:f32, 0.1>>
}

// -----

func.func @quantize_non_quantized_result(%x: tensor<4x8xf32>) -> tensor<4x8xi8> {
  // expected-error @+1 {{'qc.quantize' op result #0 must be statically shaped tensor of quantized type values, but got 'tensor<4x8xi8>'}}
  %0 = qc.quantize %x : tensor<4x8xf32> -> tensor<4x8xi8>
  return %0 : tensor<4x8xi8>
}

// -----

func.func @quantize_integer_operand(%x: tensor<4x8xi32>) -> tensor<4x8x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{'qc.quantize' op operand #0 must be statically shaped tensor of floating-point values, but got 'tensor<4x8xi32>'}}
  %0 = qc.quantize %x : tensor<4x8xi32> -> tensor<4x8x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x8x!quant.uniform<i8:f32, 0.1>>
}

// -----

func.func @quantize_calibrated_type(%x: tensor<4x8xf32>) -> tensor<4x8x!quant.calibrated<f32<-1.0:1.0>>> {
  // expected-error @+1 {{'qc.quantize' op expected a !quant.uniform element type for the result, found '!quant.calibrated<f32<-1.000000e+00:1.000000e+00>>'}}
  %0 = qc.quantize %x : tensor<4x8xf32> -> tensor<4x8x!quant.calibrated<f32<-1.0:1.0>>>
  return %0 : tensor<4x8x!quant.calibrated<f32<-1.0:1.0>>>
}

// -----

func.func @quantize_any_type(%x: tensor<4x8xf32>) -> tensor<4x8x!quant.any<i8:f32>> {
  // expected-error @+1 {{'qc.quantize' op expected a !quant.uniform element type for the result, found '!quant.any<i8:f32>'}}
  %0 = qc.quantize %x : tensor<4x8xf32> -> tensor<4x8x!quant.any<i8:f32>>
  return %0 : tensor<4x8x!quant.any<i8:f32>>
}

// -----

func.func @quantize_per_axis_dimension_out_of_range(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3, 0.4}>> {
  // expected-error @+1 {{'qc.quantize' op expected the quantized dimension of the result (1) to be less than its rank (1)}}
  %0 = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3, 0.4}>>
  return %0 : tensor<4x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3, 0.4}>>
}

// -----

func.func @quantize_per_axis_scale_count(%x: tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3}>> {
  // expected-error @+1 {{'qc.quantize' op expected 4 scales for dimension 0 of the result, found 3}}
  %0 = qc.quantize %x : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3}>>
  return %0 : tensor<4x8x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3}>>
}

// -----

func.func @quantize_sub_channel_scale_rank(%x: tensor<4x8x2xf32>) -> tensor<4x8x2x!quant.uniform<i8:f32:{0:1, 1:2}, {{0.1, 0.2, 0.3, 0.4}, {0.1, 0.2, 0.3, 0.4}, {0.1, 0.2, 0.3, 0.4}, {0.1, 0.2, 0.3, 0.4}}>> {
  // expected-error @+1 {{'qc.quantize' op expected a scale tensor of rank 3 for the result, found rank 2}}
  %0 = qc.quantize %x : tensor<4x8x2xf32> -> tensor<4x8x2x!quant.uniform<i8:f32:{0:1, 1:2}, {{0.1, 0.2, 0.3, 0.4}, {0.1, 0.2, 0.3, 0.4}, {0.1, 0.2, 0.3, 0.4}, {0.1, 0.2, 0.3, 0.4}}>>
  return %0 : tensor<4x8x2x!quant.uniform<i8:f32:{0:1, 1:2}, {{0.1, 0.2, 0.3, 0.4}, {0.1, 0.2, 0.3, 0.4}, {0.1, 0.2, 0.3, 0.4}, {0.1, 0.2, 0.3, 0.4}}>>
}

// -----

func.func @quantize_sub_channel_dimension_out_of_range(%x: tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i8:f32:{0:1, 2:2}, {{0.1, 0.2, 0.3, 0.4}, {0.1, 0.2, 0.3, 0.4}, {0.1, 0.2, 0.3, 0.4}, {0.1, 0.2, 0.3, 0.4}}>> {
  // expected-error @+1 {{'qc.quantize' op expected quantized dimension 2 of the result to be less than its rank (2)}}
  %0 = qc.quantize %x : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8:f32:{0:1, 2:2}, {{0.1, 0.2, 0.3, 0.4}, {0.1, 0.2, 0.3, 0.4}, {0.1, 0.2, 0.3, 0.4}, {0.1, 0.2, 0.3, 0.4}}>>
  return %0 : tensor<4x8x!quant.uniform<i8:f32:{0:1, 2:2}, {{0.1, 0.2, 0.3, 0.4}, {0.1, 0.2, 0.3, 0.4}, {0.1, 0.2, 0.3, 0.4}, {0.1, 0.2, 0.3, 0.4}}>>
}

// -----

func.func @quantize_sub_channel_block_not_dividing(%x: tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i8:f32:{1:3}, {{0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}}>> {
  // expected-error @+1 {{'qc.quantize' op expected block size 3 to divide dimension 1 of the result (8)}}
  %0 = qc.quantize %x : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8:f32:{1:3}, {{0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}}>>
  return %0 : tensor<4x8x!quant.uniform<i8:f32:{1:3}, {{0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}}>>
}

// -----

func.func @quantize_sub_channel_scale_shape(%x: tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i8:f32:{0:1, 1:4}, {{0.1, 0.2}, {0.1, 0.2}}>> {
  // expected-error @+1 {{'qc.quantize' op expected a scale tensor of shape [4, 2] for the result, found [2, 2]}}
  %0 = qc.quantize %x : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8:f32:{0:1, 1:4}, {{0.1, 0.2}, {0.1, 0.2}}>>
  return %0 : tensor<4x8x!quant.uniform<i8:f32:{0:1, 1:4}, {{0.1, 0.2}, {0.1, 0.2}}>>
}

// -----

func.func @quantize_sub_channel_unlisted_dim_scale_shape(%x: tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i8:f32:{1:4}, {{0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}}>> {
  // expected-error @+1 {{'qc.quantize' op expected a scale tensor of shape [1, 2] for the result, found [4, 2]}}
  %0 = qc.quantize %x : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8:f32:{1:4}, {{0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}}>>
  return %0 : tensor<4x8x!quant.uniform<i8:f32:{1:4}, {{0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}}>>
}

// -----

func.func @dequantize_shape(%q: tensor<4x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'qc.dequantize' op expected operand and result shapes to match, found [4, 4] and [4, 8]}}
  %0 = qc.dequantize %q : tensor<4x4x!quant.uniform<i8:f32, 0.1>> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @dequantize_expressed_type(%q: tensor<4x8x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x8xbf16> {
  // expected-error @+1 {{'qc.dequantize' op expected the float element type to be the quantized type's expressed type 'f32', found 'bf16'}}
  %0 = qc.dequantize %q : tensor<4x8x!quant.uniform<i8:f32, 0.1>> -> tensor<4x8xbf16>
  return %0 : tensor<4x8xbf16>
}

// -----

func.func @dequantize_non_quantized_operand(%q: tensor<4x8xi8>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'qc.dequantize' op operand #0 must be statically shaped tensor of quantized type values, but got 'tensor<4x8xi8>'}}
  %0 = qc.dequantize %q : tensor<4x8xi8> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @dequantize_per_axis_scale_count(%q: tensor<4x8x!quant.uniform<i8:f32:1, {0.1, 0.2}>>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'qc.dequantize' op expected 8 scales for dimension 1 of the operand, found 2}}
  %0 = qc.dequantize %q : tensor<4x8x!quant.uniform<i8:f32:1, {0.1, 0.2}>> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @dequantize_calibrated_type(%q: tensor<4x8x!quant.calibrated<f32<-1.0:1.0>>>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'qc.dequantize' op expected a !quant.uniform element type for the operand, found '!quant.calibrated<f32<-1.000000e+00:1.000000e+00>>'}}
  %0 = qc.dequantize %q : tensor<4x8x!quant.calibrated<f32<-1.0:1.0>>> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @requantize_shape(%q: tensor<4x8x!quant.uniform<i8:f32, 0.1>>) -> tensor<8x4x!quant.uniform<i8:f32, 0.2>> {
  // expected-error @+1 {{'qc.requantize' op expected operand and result shapes to match, found [4, 8] and [8, 4]}}
  %0 = qc.requantize %q : tensor<4x8x!quant.uniform<i8:f32, 0.1>> -> tensor<8x4x!quant.uniform<i8:f32, 0.2>>
  return %0 : tensor<8x4x!quant.uniform<i8:f32, 0.2>>
}

// -----

func.func @requantize_operand_per_axis_scale_count(%q: tensor<4x8x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<4x8x!quant.uniform<i8:f32, 0.2>> {
  // expected-error @+1 {{'qc.requantize' op expected 4 scales for dimension 0 of the operand, found 2}}
  %0 = qc.requantize %q : tensor<4x8x!quant.uniform<i8:f32:0, {0.1, 0.2}>> -> tensor<4x8x!quant.uniform<i8:f32, 0.2>>
  return %0 : tensor<4x8x!quant.uniform<i8:f32, 0.2>>
}

// -----

func.func @requantize_result_per_axis_dimension_out_of_range(%q: tensor<4x8x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x8x!quant.uniform<i8:f32:2, {0.1, 0.2}>> {
  // expected-error @+1 {{'qc.requantize' op expected the quantized dimension of the result (2) to be less than its rank (2)}}
  %0 = qc.requantize %q : tensor<4x8x!quant.uniform<i8:f32, 0.1>> -> tensor<4x8x!quant.uniform<i8:f32:2, {0.1, 0.2}>>
  return %0 : tensor<4x8x!quant.uniform<i8:f32:2, {0.1, 0.2}>>
}

// -----

func.func @requantize_result_calibrated_type(%q: tensor<4x8x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x8x!quant.calibrated<f32<-1.0:1.0>>> {
  // expected-error @+1 {{'qc.requantize' op expected a !quant.uniform element type for the result, found '!quant.calibrated<f32<-1.000000e+00:1.000000e+00>>'}}
  %0 = qc.requantize %q : tensor<4x8x!quant.uniform<i8:f32, 0.1>> -> tensor<4x8x!quant.calibrated<f32<-1.0:1.0>>>
  return %0 : tensor<4x8x!quant.calibrated<f32<-1.0:1.0>>>
}

// -----

func.func @requantize_expressed_type(%q: tensor<4x8x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x8x!quant.uniform<i8:f16, 0.1>> {
  // expected-error @+1 {{'qc.requantize' op expected operand and result to have the same expressed type, found 'f32' and 'f16'}}
  %0 = qc.requantize %q : tensor<4x8x!quant.uniform<i8:f32, 0.1>> -> tensor<4x8x!quant.uniform<i8:f16, 0.1>>
  return %0 : tensor<4x8x!quant.uniform<i8:f16, 0.1>>
}

// -----

func.func @requantize_non_quantized_result(%q: tensor<4x8x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x8xi8> {
  // expected-error @+1 {{'qc.requantize' op result #0 must be statically shaped tensor of quantized type values, but got 'tensor<4x8xi8>'}}
  %0 = qc.requantize %q : tensor<4x8x!quant.uniform<i8:f32, 0.1>> -> tensor<4x8xi8>
  return %0 : tensor<4x8xi8>
}

// -----

//===----------------------------------------------------------------------===//
// Hadamard.
//===----------------------------------------------------------------------===//

func.func @hadamard_rank_zero(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'qc.hadamard' op expected an operand of rank 1 or more}}
  %0 = qc.hadamard %x : tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @hadamard_block_not_power_of_two(%x: tensor<2x12xf32>) -> tensor<2x12xf32> {
  // expected-error @+1 {{'qc.hadamard' op expected a power-of-two block size, found 3}}
  %0 = qc.hadamard %x {block_size = 3 : i64} : tensor<2x12xf32>
  return %0 : tensor<2x12xf32>
}

// -----

func.func @hadamard_default_block_not_power_of_two(%x: tensor<2x12xf32>) -> tensor<2x12xf32> {
  // expected-error @+1 {{'qc.hadamard' op expected a power-of-two block size, found 12}}
  %0 = qc.hadamard %x : tensor<2x12xf32>
  return %0 : tensor<2x12xf32>
}

// -----

func.func @hadamard_block_zero(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  // expected-error @+1 {{'qc.hadamard' op expected a power-of-two block size, found 0}}
  %0 = qc.hadamard %x {block_size = 0 : i64} : tensor<2x16xf32>
  return %0 : tensor<2x16xf32>
}

// -----

func.func @hadamard_block_negative(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  // expected-error @+1 {{'qc.hadamard' op expected a power-of-two block size, found -4}}
  %0 = qc.hadamard %x {block_size = -4 : i64} : tensor<2x16xf32>
  return %0 : tensor<2x16xf32>
}

// -----

func.func @hadamard_block_not_dividing(%x: tensor<2x48xf32>) -> tensor<2x48xf32> {
  // expected-error @+1 {{'qc.hadamard' op expected block size 32 to divide the last dimension (48)}}
  %0 = qc.hadamard %x {block_size = 32 : i64} : tensor<2x48xf32>
  return %0 : tensor<2x48xf32>
}

// -----

func.func @hadamard_result_type(%x: tensor<2x16xf32>) -> tensor<2x16xf16> {
  // expected-error @+1 {{'qc.hadamard' op requires the same type for all operands and results}}
  %0 = "qc.hadamard"(%x) : (tensor<2x16xf32>) -> tensor<2x16xf16>
  return %0 : tensor<2x16xf16>
}

// -----

func.func @hadamard_integer(%x: tensor<2x16xi8>) -> tensor<2x16xi8> {
  // expected-error @+1 {{'qc.hadamard' op operand #0 must be statically shaped tensor of floating-point values, but got 'tensor<2x16xi8>'}}
  %0 = qc.hadamard %x : tensor<2x16xi8>
  return %0 : tensor<2x16xi8>
}

// -----

// floor(10 * 2.0) is 20: one less is wrong even though scales may carry
// float rounding.
func.func @resize_result_one_too_small(%x: tensor<1x3x10x10xf32>) -> tensor<1x3x19x20xf32> {
  // expected-error @+1 {{'qc.resize' op expected result dimension 2 to be floor(10 * 2.000000e+00) = 20, found 19}}
  %0 = qc.resize %x {scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x3x10x10xf32>) -> tensor<1x3x19x20xf32>
  return %0 : tensor<1x3x19x20xf32>
}
