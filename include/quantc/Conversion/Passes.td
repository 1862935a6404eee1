//===- Passes.td - quantc conversions ------------------------*- tablegen -*-===//

#ifndef QUANTC_CONVERSION_PASSES
#define QUANTC_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def ConvertQCToLinalg : Pass<"convert-qc-to-linalg", "ModuleOp"> {
  let summary = "Lower qc ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Rewrites every `qc` op into upstream ops on tensors: elementwise ops and
    everything without a named equivalent become `linalg.generic` (with
    numpy broadcasting expressed in the indexing maps), convolutions become
    `linalg.conv_2d_nchw_fchw` / `linalg.depthwise_conv_2d_nchw_chw` (after a
    `tensor.pad`) or a grouped `linalg.generic`, matrix products
    `linalg.matmul` / `linalg.batch_matmul`, data movement `tensor` ops, and
    quantization ops a `linalg.generic` that rounds half to even and clamps
    (upstream `lower-quant-ops` truncates, so it is not used), and the online
    Hadamard rotation `qc.hadamard` a fast Walsh-Hadamard transform:
    log2(block) elementwise butterfly stages (the reference evaluator's
    operations in its order, so the results agree to the bit) instead of a
    product with the block x block matrix.

    Quantized element types disappear: a `tensor<...x!quant.uniform<i8:...>>`
    becomes its storage type `tensor<...xi8>` (the scales and zero points are
    baked into the lowered ops), and integer types lose their signedness
    (`ui8` becomes `i8`; the lowered ops use unsigned arithmetic where the qc
    type was unsigned). Function signatures are converted accordingly.

    Before:
    ```mlir
    %0 = qc.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    ```
    After:
    ```mlir
    %e = tensor.empty() : tensor<2x3xf32>
    %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
        affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
        iterator_types = ["parallel", "parallel"]}
        ins(%a, %b : tensor<2x3xf32>, tensor<3xf32>) outs(%e : tensor<2x3xf32>) {
    ^bb0(%x: f32, %y: f32, %o: f32):
      %s = arith.addf %x, %y : f32
      linalg.yield %s : f32
    } -> tensor<2x3xf32>
    ```
    An op the conversion does not support is reported with its location and
    the pass fails.

    With `data-tiling`, f32 convolutions and matrix products (`qc.matmul`,
    and `qc.gemm` without trans_a) with constant weights become GEMMs on
    packed tiles (activations in row tiles of 1, 2, 4, 8 or 16 rows, the
    fewest that hold them; weights packed at compile time,
    activations by a generic, im2col for spatial kernels) around a
    `linalg.generic` tagged `qc.ukernel = "mmt4d_f32"` in linalg.mmt4d's
    layout, for the CPU's microkernels. W8A8 contractions (a u8 per-tensor
    activation and a constant s8 weight, both through `qc.dequantize`)
    become integer GEMMs (`mmt4d_u8s8s32`, `conv2d_im2col_s8u8s32`,
    `conv2d_direct_s8u8s32`) with an f32 requantization epilogue. Depthwise
    convolutions become a generic with loops (c, oh, kh, kw, ow) on the
    padded input, tagged `dwconv2d_acc_f32`, or, W8A8, an int32 generic on
    the zero-point-padded u8 input tagged `dwconv2d_acc_u8s8s32` followed by
    the per-channel requantization
    `fma(float(acc - zx * sum(w[c])), sx * sw[c], bias[c])`. Matrix
    products of f32 activations (at most 16 rows) with a constant weight of
    at most 4 bits (W4A16; per tensor, per channel or in blocks along K)
    become a generic tagged `gemv_w4_f32` over the weights as unsigned
    4-bit bytes [N][K] and a scale and zero point per (channel, group of
    `qc.w4_group` k): `y[m][n] += x[m][k] * ((q[n][k] - z[n][k/G]) *
    s[n][k/G])`, with G a group size of the runtime's int4 kernel (16, 32,
    64 or a multiple of 128; a per-channel weight takes the smallest that
    covers K, a multiple of 128 when K > 64). Convolutions (group 1) and
    matrix products with more rows (or groups the GEMV lacks) with such
    weights become the f32 GEMM above with the weight operand kept packed:
    a generic tagged `mmt4d_f32_wq` whose weight operand is
    [R1][K][2 * bits] i8 (16 rows of 2- or 4-bit values per k, row j at
    bits [bits*j, bits*j + bits) of the little-endian word) with scales and
    zero points [R1][ceil(K/G)][16] f32 (G: the largest group within which
    every row's parameters are constant; at least 8) and `qc.wq` = [weight
    operand (0: LHS, 1: RHS), bits, G]; its body decodes the weight as
    `(float((byte >> (bits * (row % (8/bits)))) & mask) - z) * s`. Other
    quantized weights of float ops are dequantized at compile time.

    With `packed-w4` (and no `data-tiling`: the CUDA target), only the
    `gemv_w4_f32` form is used, for matrix products with any number of
    rows and for convolutions (group 1, batch 1) on the im2col of their
    input with pixels as rows and implicit zero padding (`A[p][k]`; one
    zero channel with zero-point weights when K is odd), followed by an
    epilogue that
    reads the result transposed, adds the bias and writes NCHW: the CUDA
    pipeline's `qc-gpu-w4a16-gemm` turns it into a tensor-core kernel on
    the packed weights.

    With `integer-contractions` (and no `data-tiling`: the CUDA target), a
    W8A8 matrix product (u8 per-tensor activations through qc.dequantize
    times a constant symmetric s8 weight) becomes an integer GEMM generic
    tagged `matmul_u8s8s32` over the weights transposed to [N][K] i8:
    `acc[m][n] += zext(x[m][k]) * sext(w[n][k])` in i32, followed by the
    requantizing epilogue `float(acc - zx * colsum[n]) * (sx * sw[n])`. A
    W8A8 convolution (group 1) becomes the same GEMM on the im2col of its
    u8 input with pixels as rows and implicit zero-point padding (reads
    outside the input select the zero point: no padded copy; `A[p][k]`; a
    few zero-point channels with zero weights make K a multiple of 4) and an
    epilogue that reads the accumulator transposed, adds the bias and
    writes NCHW; a depthwise one the i32 generic of the CPU's depthwise
    microkernel, as loops. All sum exact integers, like the reference
    evaluator; the CUDA pipeline's `qc-gpu-w8a8-gemm` turns the GEMM
    generics into an int8 tensor-core kernel.

    `qc.hadamard` is a fast Walsh-Hadamard transform: log2(block)
    elementwise butterfly generics that repeat the reference evaluator's
    additions, subtractions and final scaling in its order (the same
    result to the bit). With `fwht-kernel` (the CUDA target), a block of
    at most 8192 becomes instead one generic tagged `fwht_f32` over the
    rows `[rows][block]`,
    `y[r][i] += x[r][j] * (popcount(i & j) odd ? -1 : 1) / sqrt(block)` into
    a zero-filled `y`: the product with the Hadamard matrix, signs from the
    indices. The CUDA pipeline's `qc-gpu-hadamard` replaces it with a
    shared-memory kernel that performs the butterflies in the evaluator's
    order.
  }];
  let options = [
    Option<"dataTiling", "data-tiling", "bool", /*default=*/"false",
           "Lower contractions to packed mmt4d tiles (CPU)">,
    Option<"packedW4", "packed-w4", "bool", /*default=*/"false",
           "Without data-tiling: keep constant int4 weights of f32 matrix "
           "products and convolutions as the tagged gemv_w4_f32 generic "
           "(after an im2col for convolutions) (CUDA)">,
    Option<"integerContractions", "integer-contractions", "bool",
           /*default=*/"false",
           "Without data-tiling: W8A8 matrix products and convolutions as "
           "the tagged matmul_u8s8s32 integer GEMM (after an im2col for "
           "convolutions) and a requantizing epilogue, depthwise ones as an "
           "integer generic (CUDA)">,
    Option<"fwhtKernel", "fwht-kernel", "bool", /*default=*/"false",
           "qc.hadamard with blocks of at most 8192 as one generic tagged "
           "fwht_f32 instead of butterfly stages (CUDA: qc-gpu-hadamard)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // QUANTC_CONVERSION_PASSES
