// Contractions, normalization, pooling and reductions to ONNX: Conv keeps
// kernel_shape/pads/strides/dilations/group, Reduce* axes are an input from
// opset 18 (an attribute before, except ReduceSum's), a reduction over no
// axes is an Identity; the export evaluates to the same values.

// RUN: rm -rf %t && mkdir -p %t/in
// RUN: quantc %s --emit=onnx-qdq -o %t/model.onnx
// RUN: %onnxdump %t/model.onnx | FileCheck %s
// RUN: quantc %s --emit=onnx-qdq --onnx-opset=18 -o %t/model18.onnx
// RUN: %onnxdump %t/model18.onnx | FileCheck %s --check-prefix=OPSET18
// RUN: %npy write %t/in/x.npy f4 1,2,5,5 0.25,-0.319,-0.321,-0.178,0.349,-0.174,-0.195,-0.564,-0.013,-0.862,0.523,0.804,-0.773,0.86,0.405,0.003,0.977,-0.173,-0.62,0.42,-0.195,-0.265,0.996,-0.796,-0.428,0.245,-0.772,0.886,0.083,0.373,-0.484,0.137,-0.062,-0.418,0.72,0.571,-0.237,-0.958,-0.318,-0.451,-0.978,0.464,-0.919,-0.077,0.586,0.974,0.266,0.639,0.257,-0.556
// RUN: quant-run %s --inputs %t/in --outputs %t/ref
// RUN: quant-run %t/model.onnx --inputs %t/in --outputs %t/out
// RUN: quant-run %t/model18.onnx --inputs %t/in --outputs %t/out18
// RUN: for y in gemm gemm_t mm ln sm lsm pools reduce_all reduce_l argmax argmin; do \
// RUN:   %npy compare %t/out/$y.npy %t/ref/$y.npy 1e-5 && \
// RUN:   %npy compare %t/out18/$y.npy %t/ref/$y.npy 1e-5 || exit 1; done

// CHECK: ir_version 8 opset 17 producer quantc
// CHECK: node conv: Conv(x, {{.*}}, conv.b) -> (conv_output_0) group=1 kernel_shape=[3, 3] pads=[1, 1, 1, 1] strides=[2, 2]
// CHECK: node dwconv: Conv(conv_output_0, dw) -> (dwconv_output_0) dilations=[2, 2] group=4 kernel_shape=[3, 3] pads=[2, 2, 2, 2]
// CHECK: node deconv: ConvTranspose(dwconv_output_0, tw) -> (deconv_output_0) group=1 kernel_shape=[2, 2] strides=[2, 2]
// CHECK: node bn: BatchNormalization(deconv_output_0, {{.*}}) -> (bn_output_0) epsilon=0.00100000005
// CHECK: node mp: MaxPool(bn_output_0) -> (mp_output_0) ceil_mode=0 kernel_shape=[2, 2] strides=[2, 2]
// CHECK: node ap: AveragePool(mp_output_0) -> (ap_output_0) ceil_mode=0 count_include_pad=0 kernel_shape=[3, 3] pads=[1, 1, 1, 1]
// CHECK: node ap2: AveragePool(ap_output_0) -> (ap2_output_0) ceil_mode=1 count_include_pad=1 kernel_shape=[2, 2] pads=[0, 0, 1, 1] strides=[2, 2]
// CHECK: GlobalAveragePool(
// CHECK: GlobalMaxPool(
// CHECK: node rmean: ReduceMean(ap_output_0) -> (rmean_output_0) axes=[2, 3] keepdims=1
// CHECK: node rsum: ReduceSum(ap_output_0, rsum_axes) -> (rsum_output_0) keepdims=0
// CHECK: node rmax: ReduceMax(ap_output_0) -> (reduce_all) keepdims=1
// CHECK: node rmin: ReduceMin(ap_output_0) -> (rmin_output_0) axes=[-1] keepdims=1
// CHECK: ReduceProd(
// CHECK: ReduceL1(
// CHECK: ReduceL2(
// CHECK: ReduceSumSquare(
// CHECK: node rnone: Identity(ap_output_0) -> (rnone_output_0)
// CHECK: node amax: ArgMax(x) -> (argmax) axis=1 keepdims=0 select_last_index=0
// CHECK: node amin: ArgMin(x) -> (argmin) axis=2 keepdims=1 select_last_index=1
// CHECK: node flat: Flatten(ap_output_0) -> (flat_output_0) axis=1
// CHECK: node gemm: Gemm(flat_output_0, g, gc) -> (gemm) alpha=0.5 beta=2 transA=0 transB=0
// CHECK: node gemm_t: Gemm(flat_output_0, gt) -> (gemm_t) alpha=1 beta=1 transA=0 transB=1
// CHECK: node mm: MatMul(flat_output_0, m) -> (mm)
// CHECK: node ln: LayerNormalization(gemm, ln.scale, ln.bias) -> (ln) axis=-1 epsilon=0.00100000005
// CHECK: node sm: Softmax(gemm_t) -> (sm) axis=1
// CHECK: node lsm: LogSoftmax(gemm_t) -> (lsm) axis=-1
// CHECK-DAG: init rsum_axes int64 [1] = 1

// OPSET18: ir_version 8 opset 18 producer quantc
// OPSET18: node rmean: ReduceMean(ap_output_0, rmean_axes) -> (rmean_output_0) keepdims=1
// OPSET18: node rsum: ReduceSum(ap_output_0, rsum_axes) -> (rsum_output_0) keepdims=0
// OPSET18: node rmax: ReduceMax(ap_output_0) -> (reduce_all) keepdims=1
// OPSET18-DAG: init rmean_axes int64 [2] = 2 3

func.func @main(%x: tensor<1x2x5x5xf32> {onnx.name = "x"})
    -> (tensor<1x5xf32> {onnx.name = "gemm"}, tensor<1x5xf32> {onnx.name = "gemm_t"},
        tensor<1x4xf32> {onnx.name = "mm"}, tensor<1x5xf32> {onnx.name = "ln"},
        tensor<1x5xf32> {onnx.name = "sm"}, tensor<1x5xf32> {onnx.name = "lsm"},
        tensor<1x2x1x1xf32> {onnx.name = "pools"}, tensor<1x1x1x1xf32> {onnx.name = "reduce_all"},
        tensor<1x2x3x3xf32> {onnx.name = "reduce_l"},
        tensor<1x5x5xi64> {onnx.name = "argmax"}, tensor<1x2x1x5xi64> {onnx.name = "argmin"}) {
  %w = arith.constant dense<[[[[0.028, -0.649, -0.383], [0.069, 0.895, -0.657], [0.404, -0.547, -0.01]], [[-0.751, -0.832, -0.221], [-0.446, -0.264, 0.967], [0.071, 0.531, 0.293]]], [[[0.534, 0.56, 0.646], [-0.696, 0.251, -0.371], [-0.306, 0.834, 0.04]], [[-0.198, 0.214, 0.571], [0.863, 0.74, 0.733], [0.349, 0.517, 0.164]]], [[[-0.222, -0.289, -0.6], [0.654, -0.168, -0.073], [0.958, -0.747, -0.575]], [[0.917, 0.475, -0.182], [0.56, 0.516, 0.914], [-0.944, -0.363, 0.514]]], [[[-0.514, 0.179, -0.913], [0.912, -0.362, -0.881], [-0.116, 0.83, 0.144]], [[-0.762, 0.14, -0.496], [-0.008, -0.527, -0.046], [-0.188, 0.746, -0.146]]]]> : tensor<4x2x3x3xf32> loc("conv.w")
  %b = arith.constant dense<[-0.945, 0.393, -0.375, -0.212]> : tensor<4xf32> loc("conv.b")
  %c = qc.conv %x, %w, %b {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<1x4x3x3xf32> loc("conv")
  %dw = arith.constant dense<[[[[0.083, -0.566, -0.367], [-0.493, 0.259, -0.036], [-0.745, -0.051, 0.489]]], [[[0.722, 0.007, 0.036], [-0.028, 0.017, 0.327], [-0.946, -0.357, -0.323]]], [[[-0.254, -0.475, -0.564], [0.912, -0.063, 0.023], [-0.837, -0.813, 0.337]]], [[[0.573, -0.319, -0.979], [0.526, -0.911, 0.034], [0.657, 0.568, 0.266]]]]> : tensor<4x1x3x3xf32> loc("dw")
  %d = qc.conv %c, %dw {group = 4 : i64, pads = array<i64: 2, 2, 2, 2>, dilations = array<i64: 2, 2>} : (tensor<1x4x3x3xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x3x3xf32> loc("dwconv")
  %tw = arith.constant dense<[[[[-0.889, 0.475], [-0.36, -0.773]], [[-0.06, -0.726], [-0.32, -0.803]]], [[[0.738, 0.458], [-0.574, -0.836]], [[0.181, 0.158], [-0.994, 0.545]]], [[[-0.801, -0.632], [0.352, 0.008]], [[-0.169, 0.716], [-0.22, -0.78]]], [[[-0.102, 0.364], [0.485, -0.041]], [[-0.585, 0.247], [0.358, -0.736]]]]> : tensor<4x2x2x2xf32> loc("tw")
  %t = qc.conv_transpose %d, %tw {strides = array<i64: 2, 2>} : (tensor<1x4x3x3xf32>, tensor<4x2x2x2xf32>) -> tensor<1x2x6x6xf32> loc("deconv")
  %bs = arith.constant dense<[1.5, 0.5]> : tensor<2xf32>
  %bb = arith.constant dense<[0.1, -0.2]> : tensor<2xf32>
  %bm = arith.constant dense<[0.05, 0.3]> : tensor<2xf32>
  %bv = arith.constant dense<[2.0, 0.25]> : tensor<2xf32>
  %n = qc.batch_normalization %t, %bs, %bb, %bm, %bv {epsilon = 1.0e-3 : f32} : (tensor<1x2x6x6xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32> loc("bn")
  %mp = qc.max_pool %n {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32> loc("mp")
  %ap = qc.average_pool %mp {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> loc("ap")
  %ap2 = qc.average_pool %ap {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, ceil_mode = true, count_include_pad = true} : (tensor<1x2x3x3xf32>) -> tensor<1x2x2x2xf32> loc("ap2")
  %gap = qc.global_average_pool %ap2 : (tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32>
  %gmp = qc.global_max_pool %ap : (tensor<1x2x3x3xf32>) -> tensor<1x2x1x1xf32>
  %rmean = qc.reduce_mean %ap {axes = array<i64: 2, 3>} : (tensor<1x2x3x3xf32>) -> tensor<1x2x1x1xf32> loc("rmean")
  %p0 = qc.add %gap, %gmp : (tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %pools = qc.add %p0, %rmean : (tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %rsum = qc.reduce_sum %ap {axes = array<i64: 1>, keepdims = false} : (tensor<1x2x3x3xf32>) -> tensor<1x3x3xf32> loc("rsum")
  %rmax = qc.reduce_max %ap : (tensor<1x2x3x3xf32>) -> tensor<1x1x1x1xf32> loc("rmax")
  %rmin = qc.reduce_min %ap {axes = array<i64: -1>} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x1xf32> loc("rmin")
  %rprod = qc.reduce_prod %ap {axes = array<i64: 3>} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x1xf32>
  %rl1 = qc.reduce_l1 %ap {axes = array<i64: 3>} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x1xf32>
  %rl2 = qc.reduce_l2 %ap {axes = array<i64: 3>} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x1xf32>
  %rss = qc.reduce_sum_square %ap {axes = array<i64: 3>} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x1xf32>
  %rnone = qc.reduce_mean %ap {axes = array<i64>} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> loc("rnone")
  %l0 = qc.add %rmin, %rprod : (tensor<1x2x3x1xf32>, tensor<1x2x3x1xf32>) -> tensor<1x2x3x1xf32>
  %l1 = qc.add %l0, %rl1 : (tensor<1x2x3x1xf32>, tensor<1x2x3x1xf32>) -> tensor<1x2x3x1xf32>
  %l2 = qc.add %l1, %rl2 : (tensor<1x2x3x1xf32>, tensor<1x2x3x1xf32>) -> tensor<1x2x3x1xf32>
  %l3 = qc.add %l2, %rss : (tensor<1x2x3x1xf32>, tensor<1x2x3x1xf32>) -> tensor<1x2x3x1xf32>
  %l4 = qc.add %l3, %rsum : (tensor<1x2x3x1xf32>, tensor<1x3x3xf32>) -> tensor<1x2x3x3xf32>
  %rl = qc.add %l4, %rnone : (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %amax = qc.argmax %x {axis = 1 : i64, keepdims = false} : (tensor<1x2x5x5xf32>) -> tensor<1x5x5xi64> loc("amax")
  %amin = qc.argmin %x {axis = 2 : i64, select_last_index = true} : (tensor<1x2x5x5xf32>) -> tensor<1x2x1x5xi64> loc("amin")
  %f = qc.flatten %ap : (tensor<1x2x3x3xf32>) -> tensor<1x18xf32> loc("flat")
  %g = arith.constant dense<[[0.139, -0.484, -0.352, 0.946, -0.378], [0.585, 0.105, 0.445, 0.988, 0.194], [0.846, 0.292, 0.39, 0.298, -0.314], [0.037, 0.754, -0.94, 0.957, 0.49], [0.226, 0.519, -0.376, 0.417, 0.633], [-0.46, 0.634, -0.656, -0.852, -0.528], [0.19, -0.561, -0.664, 0.966, 0.618], [0.367, 0.771, -0.623, -0.459, 0.102], [-0.573, -0.804, -0.98, -0.412, 0.006], [0.946, -0.63, 0.228, 0.409, 0.98], [-0.663, 0.106, -0.471, -0.378, -0.699], [-0.104, 0.558, 0.078, -0.77, 0.395], [0.989, -0.427, 0.037, 0.613, -0.489], [-0.873, 0.047, 0.357, 0.97, -0.566], [-0.738, 0.253, -0.399, -0.743, -0.904], [-0.868, -0.3, -0.203, 0.289, -0.268], [-0.058, -0.541, 0.667, 0.643, 0.514], [0.457, -0.546, -0.563, -0.732, -0.297]]> : tensor<18x5xf32> loc("g")
  %gc = arith.constant dense<[0.194, -0.401, -0.337, 0.384, 0.986]> : tensor<5xf32> loc("gc")
  %gemm = qc.gemm %f, %g, %gc {alpha = 0.5 : f32, beta = 2.0 : f32} : (tensor<1x18xf32>, tensor<18x5xf32>, tensor<5xf32>) -> tensor<1x5xf32> loc("gemm")
  %gt = arith.constant dense<[[-0.834, 0.557, -0.344, 0.665, -0.696, -0.105, 0.53, -0.308, -0.762, -0.07, 0.265, -0.58, 0.6, 0.439, 0.366, -0.472, 0.31, 0.752], [-0.437, 0.973, 0.62, 0.323, -0.533, -0.387, -0.632, 0.716, 0.783, 0.73, 0.882, 0.697, 0.021, -0.387, 0.986, -0.88, -0.356, 0.418], [0.519, -0.707, -0.423, 0.464, 0.825, -0.487, -0.965, 0.172, -0.349, -0.547, 0.594, -0.169, 0.871, -0.904, -0.558, -0.632, 0.502, -0.101], [-0.246, 0.325, 0.425, 0.87, -0.872, 0.214, 0.266, -0.741, -0.99, 0.457, 0.854, 0.533, 0.061, 0.078, -0.276, -0.661, 0.391, 0.353], [0.072, 0.13, -0.401, 0.584, -0.386, -0.852, 0.563, 0.214, 0.791, 0.451, -0.087, -0.561, 0.744, -0.331, -0.876, -0.472, 0.509, 0.179]]> : tensor<5x18xf32> loc("gt")
  %gemmt = qc.gemm %f, %gt {trans_b = true} : (tensor<1x18xf32>, tensor<5x18xf32>) -> tensor<1x5xf32> loc("gemm_t")
  %m = arith.constant dense<[[-0.778, 0.64, -0.329, 0.103], [0.667, 0.516, -0.62, 0.188], [-0.263, -0.598, -0.896, -0.324], [-0.982, 0.72, -0.274, 0.511], [-0.578, 0.136, 0.775, -0.062], [-0.59, -0.069, -0.847, 0.007], [0.837, -0.931, -0.92, -0.499], [0.35, -0.852, -0.316, -0.037], [0.288, -0.572, -0.305, 0.52], [0.015, -0.874, -0.353, -0.813], [-0.377, 0.147, -0.934, -0.66], [0.941, 0.467, -0.958, -0.964], [-0.205, -0.672, -0.346, -0.107], [0.447, 0.452, 0.662, -0.817], [0.161, 0.453, 0.924, -0.148], [0.818, 0.63, 0.956, 0.144], [-0.461, -0.656, 0.089, -0.48], [-0.768, -0.85, 0.649, 0.552]]> : tensor<18x4xf32> loc("m")
  %mm = qc.matmul %f, %m : (tensor<1x18xf32>, tensor<18x4xf32>) -> tensor<1x4xf32> loc("mm")
  %lns = arith.constant dense<[1.0, 0.5, 2.0, -1.0, 0.25]> : tensor<5xf32> loc("ln.scale")
  %lnb = arith.constant dense<[0.0, 0.1, 0.2, 0.3, 0.4]> : tensor<5xf32> loc("ln.bias")
  %ln = qc.layer_normalization %gemm, %lns, %lnb {epsilon = 1.0e-3 : f32} : (tensor<1x5xf32>, tensor<5xf32>, tensor<5xf32>) -> tensor<1x5xf32> loc("ln")
  %sm = qc.softmax %gemmt {axis = 1 : i64} : tensor<1x5xf32> loc("sm")
  %lsm = qc.log_softmax %gemmt : tensor<1x5xf32> loc("lsm")
  return %gemm, %gemmt, %mm, %ln, %sm, %lsm, %pools, %rmax, %rl, %amax, %amin : tensor<1x5xf32>, tensor<1x5xf32>, tensor<1x4xf32>, tensor<1x5xf32>, tensor<1x5xf32>, tensor<1x5xf32>, tensor<1x2x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1x2x3x3xf32>, tensor<1x5x5xi64>, tensor<1x2x1x5xi64>
}
