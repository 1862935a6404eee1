//===- QCQuantOps.td - quantize, dequantize, requantize, hadamard -*- tablegen -*-===//

#ifndef QC_QUANT_OPS_TD
#define QC_QUANT_OPS_TD

include "QCAttrs.td"

def QC_QuantizeOp : QC_Op<"quantize", [Pure]> {
  let summary = "quantize a float tensor to a !quant.uniform tensor";
  let description = [{
    `q = clamp(round_half_to_even(x / scale) + zero_point, qmin, qmax)` with
    the scales and zero points of the result's `!quant.uniform` type:
    per-tensor, per-axis or sub-channel (blockwise). The operand's element
    type must be the quantized type's expressed type and the shapes must
    match; a per-axis type must name a dimension of the tensor with as many
    scales as the dimension's size, and a sub-channel type must have block
    sizes that divide the tensor and a scale tensor of the right shape.
    ONNX `QuantizeLinear` imports to this op.

    ```mlir
    %q = qc.quantize %x : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8:f32, 0.05:-3>>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$x);
  let results = (outs QC_QuantizedTensor:$y);
  let assemblyFormat = "$x attr-dict `:` type($x) `->` type($y)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QC_DequantizeOp : QC_Op<"dequantize", [Pure]> {
  let summary = "dequantize a !quant.uniform tensor to float";
  let description = [{
    `x = (q - zero_point) * scale` with the parameters of the operand's
    `!quant.uniform` type (ONNX `DequantizeLinear`). The result element type
    is the quantized type's expressed type and the shapes match. A
    `qc.dequantize` of a `qc.quantize` is a fake-quantization and is never
    folded away.
  }];
  let arguments = (ins QC_QuantizedTensor:$x);
  let results = (outs QC_FloatTensor:$y);
  let assemblyFormat = "$x attr-dict `:` type($x) `->` type($y)";
  let hasVerifier = 1;
}

def QC_RequantizeOp : QC_Op<"requantize", [Pure]> {
  let summary = "convert between two quantized types";
  let description = [{
    Re-expresses a quantized tensor in another `!quant.uniform` type with
    the same shape and expressed type: `quantize(dequantize(x))` computed
    exactly. A requantize to the operand's own type folds away.
  }];
  let arguments = (ins QC_QuantizedTensor:$x);
  let results = (outs QC_QuantizedTensor:$y);
  let assemblyFormat = "$x attr-dict `:` type($x) `->` type($y)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QC_HadamardOp : QC_Op<"hadamard", [Pure, SameOperandsAndResultType]> {
  let summary = "online orthonormal Hadamard rotation of the last dimension";
  let description = [{
    Multiplies each block of `block_size` consecutive elements of the last
    dimension by the normalised Sylvester Hadamard matrix
    `H / sqrt(block_size)` (a fast Walsh-Hadamard transform), so the
    rotation is orthogonal and its own inverse. `block_size` defaults to the
    whole last dimension and must be a power of two that divides it.
    `qc-fuse-rotations` inserts this op where a rotation cannot be folded into
    weights. Two consecutive rotations with the same block size fold away.

    ```mlir
    %r = qc.hadamard %x {block_size = 64} : tensor<1x16x256xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$x, OptionalAttr<I64Attr>:$block_size);
  let results = (outs QC_FloatTensor:$y);
  let assemblyFormat = "$x attr-dict `:` type($y)";
  let extraClassDeclaration = [{
    /// The block size with its default (the whole last dimension) applied.
    int64_t getEffectiveBlockSize();
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // QC_QUANT_OPS_TD
