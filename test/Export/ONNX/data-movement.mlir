// Data-movement qc ops to ONNX: shapes, axes, starts/ends/steps, pads,
// split sizes and resize scales become int64/float initializer inputs (named
// "<node>_<input>"); a resize whose scale does not reproduce the result size
// in float (a scale that came from `sizes`) is written with sizes.

// RUN: rm -rf %t && mkdir -p %t/in
// RUN: quantc %s --emit=onnx-qdq -o %t/model.onnx
// RUN: %onnxdump %t/model.onnx | FileCheck %s
// RUN: %npy write %t/in/x.npy f4 1,2,3,4 -2.9,-2.65,-2.4,-2.15,-1.9,-1.65,-1.4,-1.15,-0.9,-0.65,-0.4,-0.15,0.1,0.35,0.6,0.85,1.1,1.35,1.6,1.85,2.1,2.35,2.6,2.85
// RUN: quant-run %s --inputs %t/in --outputs %t/ref
// RUN: quant-run %t/model.onnx --inputs %t/in --outputs %t/out
// RUN: for y in reshaped moved concat split0 split1 sliced padded resized expanded casted gathered; do \
// RUN:   %npy compare %t/out/$y.npy %t/ref/$y.npy 1e-6 || exit 1; done

// CHECK: ir_version 8 opset 17 producer quantc
// CHECK: node reshape: Reshape(x, reshape_shape) -> (reshaped)
// CHECK: node tr: Transpose(x) -> (tr_output_0) perm=[0, 2, 1, 3]
// CHECK: node tr_all: Transpose(tr_output_0) -> (tr_all_output_0)
// CHECK: node sq: Squeeze(tr_all_output_0, sq_axes) -> (sq_output_0)
// CHECK: node sq_all: Squeeze(sq_output_0) -> (sq_all_output_0)
// CHECK: node unsq: Unsqueeze(sq_all_output_0, unsq_axes) -> (moved)
// CHECK: node cat: Concat(x, x) -> (concat) axis=1
// CHECK: node split: Split(x, split_split) -> (split0, split1) axis=3
// CHECK: node slice: Slice(x, slice_starts, slice_ends, slice_axes, slice_steps) -> (slice_output_0)
// CHECK: node rev: Slice(slice_output_0, rev_starts, rev_ends, rev_axes, rev_steps) -> (rev_output_0)
// CHECK: node corner: Slice(x, corner_starts, corner_ends) -> (corner_output_0)
// CHECK: node pad: Pad(x, pad_pads, pad_value) -> (pad_output_0) mode="constant"
// CHECK: node reflect: Pad(pad_output_0, reflect_pads) -> (reflect_output_0) mode="reflect"
// CHECK: node edge: Pad(reflect_output_0, edge_pads) -> (padded) mode="edge"
// CHECK: node up: Resize(x, , up_scales) -> (up_output_0) coordinate_transformation_mode="asymmetric" cubic_coeff_a=-0.75 exclude_outside=0 mode="nearest" nearest_mode="floor"
// CHECK: node lin: Resize(up_output_0, , lin_scales) -> (resized2) coordinate_transformation_mode="half_pixel" cubic_coeff_a=-0.75 exclude_outside=0 mode="linear" nearest_mode="round_prefer_floor"
// CHECK: node sized: Resize(x, , , sized_sizes) -> (resized) {{.*}} mode="cubic"
// CHECK: node expand: Expand(split0, expand_shape) -> (expanded)
// CHECK: node to_int: Cast(x) -> (to_int_output_0) to=6
// CHECK: node to_bool: Cast(to_int_output_0) -> (to_bool_output_0) to=9
// CHECK: node to_float: Cast(to_bool_output_0) -> (casted) to=1
// CHECK: node gather: Gather(x, idx) -> (gather_output_0) axis=2
// CHECK: node gather32: Gather(gather_output_0, idx32) -> (gathered) axis=-1
// CHECK-DAG: init reshape_shape int64 [2] = 2 12
// CHECK-DAG: init sq_axes int64 [1] = 3
// CHECK-DAG: init unsq_axes int64 [2] = 0 3
// CHECK-DAG: init split_split int64 [2] = 1 3
// CHECK-DAG: init slice_steps int64 [2] = 1 2
// CHECK-DAG: init rev_steps int64 [1] = -1
// CHECK-DAG: init pad_pads int64 [8] = 0 0 1 1 0 0 1 2
// CHECK-DAG: init pad_value float [] = 1.5
// CHECK-DAG: init up_scales float [4] = 1 1 2 2
// CHECK-DAG: init sized_sizes int64 [4] = 1 2 7 4
// CHECK-DAG: init expand_shape int64 [4] = 2 2 3 1
// CHECK-DAG: init idx int64 [2] = 2 0
// CHECK-DAG: init idx32 int32 [1] = -1
// CHECK-DAG: value tr_output_0 float [1, 3, 2, 4]

func.func @main(%x: tensor<1x2x3x4xf32> {onnx.name = "x"})
    -> (tensor<2x12xf32> {onnx.name = "reshaped"}, tensor<1x4x2x1x3xf32> {onnx.name = "moved"},
        tensor<1x4x3x4xf32> {onnx.name = "concat"}, tensor<1x2x3x1xf32> {onnx.name = "split0"},
        tensor<1x2x3x3xf32> {onnx.name = "split1"}, tensor<1x2x3x2xf32> {onnx.name = "sliced"},
        tensor<1x2x7x9xf32> {onnx.name = "padded"}, tensor<1x2x7x4xf32> {onnx.name = "resized"},
        tensor<1x2x9x12xf32> {onnx.name = "resized2"},
        tensor<2x2x3x1xf32> {onnx.name = "expanded"}, tensor<1x2x3x4xf32> {onnx.name = "casted"},
        tensor<1x2x2x1xf32> {onnx.name = "gathered"}) {
  %r = qc.reshape %x : (tensor<1x2x3x4xf32>) -> tensor<2x12xf32> loc("reshape")
  %t = qc.transpose %x {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x3x4xf32>) -> tensor<1x3x2x4xf32> loc("tr")
  %t2 = qc.transpose %t : (tensor<1x3x2x4xf32>) -> tensor<4x2x3x1xf32> loc("tr_all")
  %s = qc.squeeze %t2 {axes = array<i64: 3>} : (tensor<4x2x3x1xf32>) -> tensor<4x2x3xf32> loc("sq")
  %s2 = qc.squeeze %s : (tensor<4x2x3xf32>) -> tensor<4x2x3xf32> loc("sq_all")
  %u = qc.unsqueeze %s2 {axes = array<i64: 0, 3>} : (tensor<4x2x3xf32>) -> tensor<1x4x2x1x3xf32> loc("unsq")
  %c = qc.concat %x, %x {axis = 1 : i64} : (tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>) -> tensor<1x4x3x4xf32> loc("cat")
  %p0, %p1 = qc.split %x {axis = 3 : i64, split = array<i64: 1, 3>} : (tensor<1x2x3x4xf32>) -> (tensor<1x2x3x1xf32>, tensor<1x2x3x3xf32>) loc("split")
  %sl = qc.slice %x {starts = array<i64: 0, 1>, ends = array<i64: 2, 100>, axes = array<i64: 1, 3>, steps = array<i64: 1, 2>} : (tensor<1x2x3x4xf32>) -> tensor<1x2x3x2xf32> loc("slice")
  %rv = qc.slice %sl {starts = array<i64: -1>, ends = array<i64: -100>, axes = array<i64: 2>, steps = array<i64: -1>} : (tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32> loc("rev")
  %cn = qc.slice %x {starts = array<i64: 0, 0, 0, 0>, ends = array<i64: 1, 2, 3, 2>} : (tensor<1x2x3x4xf32>) -> tensor<1x2x3x2xf32> loc("corner")
  %slr = qc.add %rv, %cn : (tensor<1x2x3x2xf32>, tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32>
  %pd = qc.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 2>, value = 1.5 : f32} : (tensor<1x2x3x4xf32>) -> tensor<1x2x5x7xf32> loc("pad")
  %pr = qc.pad %pd {pads = array<i64: 0, 0, 1, 0, 0, 0, 0, 1>, mode = #qc<pad_mode reflect>} : (tensor<1x2x5x7xf32>) -> tensor<1x2x6x8xf32> loc("reflect")
  %pe = qc.pad %pr {pads = array<i64: 0, 0, 0, 1, 0, 0, 1, 0>, mode = #qc<pad_mode edge>} : (tensor<1x2x6x8xf32>) -> tensor<1x2x7x9xf32> loc("edge")
  %up = qc.resize %x {scales = array<f32: 1.0, 1.0, 2.0, 2.0>, coordinate_transformation_mode = #qc<coordinate_transform asymmetric>, nearest_mode = #qc<nearest_mode floor>} : (tensor<1x2x3x4xf32>) -> tensor<1x2x6x8xf32> loc("up")
  %lin = qc.resize %up {scales = array<f32: 1.0, 1.0, 1.5, 1.5>, mode = #qc<resize_mode linear>} : (tensor<1x2x6x8xf32>) -> tensor<1x2x9x12xf32> loc("lin")
  %sz = qc.resize %x {scales = array<f32: 1.0, 1.0, 2.33333325, 1.0>, mode = #qc<resize_mode cubic>} : (tensor<1x2x3x4xf32>) -> tensor<1x2x7x4xf32> loc("sized")
  %e = qc.expand %p0 : (tensor<1x2x3x1xf32>) -> tensor<2x2x3x1xf32> loc("expand")
  %ci = qc.cast %x : (tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xi32> loc("to_int")
  %cb = qc.cast %ci : (tensor<1x2x3x4xi32>) -> tensor<1x2x3x4xi1> loc("to_bool")
  %cf = qc.cast %cb : (tensor<1x2x3x4xi1>) -> tensor<1x2x3x4xf32> loc("to_float")
  %idx = arith.constant dense<[2, 0]> : tensor<2xi64> loc("idx")
  %g = qc.gather %x, %idx {axis = 2 : i64} : (tensor<1x2x3x4xf32>, tensor<2xi64>) -> tensor<1x2x2x4xf32> loc("gather")
  %idx32 = arith.constant dense<[-1]> : tensor<1xi32> loc("idx32")
  %g2 = qc.gather %g, %idx32 {axis = -1 : i64} : (tensor<1x2x2x4xf32>, tensor<1xi32>) -> tensor<1x2x2x1xf32> loc("gather32")
  return %r, %u, %c, %p0, %p1, %slr, %pe, %sz, %lin, %e, %cf, %g2 : tensor<2x12xf32>, tensor<1x4x2x1x3xf32>, tensor<1x4x3x4xf32>, tensor<1x2x3x1xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x2xf32>, tensor<1x2x7x9xf32>, tensor<1x2x7x4xf32>, tensor<1x2x9x12xf32>, tensor<2x2x3x1xf32>, tensor<1x2x3x4xf32>, tensor<1x2x2x1xf32>
}
