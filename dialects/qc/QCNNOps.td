//===- QCNNOps.td - contractions, normalisation, pooling, reductions -*- tablegen -*-===//

#ifndef QC_NN_OPS_TD
#define QC_NN_OPS_TD

include "QCAttrs.td"

class QC_InferredOp<string mnemonic, list<Trait> traits = []>
    : QC_Op<mnemonic, !listconcat([Pure, InferTypeOpAdaptor], traits)>;

//===----------------------------------------------------------------------===//
// Contractions.
//===----------------------------------------------------------------------===//

def QC_ConvOp : QC_InferredOp<"conv", [SameOperandsAndResultElementType]> {
  let summary = "N-d convolution (ONNX Conv)";
  let description = [{
    Cross-correlation of `x` (`N x C x D1 x ... x Dn`) with `w`
    (`M x C/group x k1 x ... x kn`) plus an optional bias `b` (`M`), as ONNX
    `Conv`. `strides` and `dilations` default to ones and `pads` (begins then
    ends, `2n` values) to zeros; ONNX `auto_pad` is resolved into `pads` at
    import. Each output spatial size is
    `floor((D + pad_begin + pad_end - ((k - 1) * dilation + 1)) / stride) + 1`.

    ```mlir
    %y = qc.conv %x, %w, %b {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
        : (tensor<1x3x640x640xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x320x320xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$x, QC_FloatTensor:$w,
                   Optional<QC_FloatTensor>:$b,
                   OptionalAttr<DenseI64ArrayAttr>:$strides,
                   OptionalAttr<DenseI64ArrayAttr>:$pads,
                   OptionalAttr<DenseI64ArrayAttr>:$dilations,
                   DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs QC_FloatTensor:$y);
  let assemblyFormat = [{
    $x `,` $w (`,` $b^)? attr-dict `:` functional-type(operands, results)
  }];
}

def QC_ConvTransposeOp : QC_InferredOp<"conv_transpose",
                                       [SameOperandsAndResultElementType]> {
  let summary = "N-d transposed convolution (ONNX ConvTranspose)";
  let description = [{
    The gradient of `qc.conv` with respect to its input, as ONNX
    `ConvTranspose`: `x` is `N x C x D1 x ... x Dn`, `w` is
    `C x M/group x k1 x ... x kn`, the optional bias `b` is `M`. ONNX
    `output_shape` and `auto_pad` are resolved into `pads` at import. Each
    output spatial size is
    `stride * (D - 1) + output_padding + ((k - 1) * dilation + 1) - pad_begin - pad_end`.
  }];
  let arguments = (ins QC_FloatTensor:$x, QC_FloatTensor:$w,
                   Optional<QC_FloatTensor>:$b,
                   OptionalAttr<DenseI64ArrayAttr>:$strides,
                   OptionalAttr<DenseI64ArrayAttr>:$pads,
                   OptionalAttr<DenseI64ArrayAttr>:$dilations,
                   OptionalAttr<DenseI64ArrayAttr>:$output_padding,
                   DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs QC_FloatTensor:$y);
  let assemblyFormat = [{
    $x `,` $w (`,` $b^)? attr-dict `:` functional-type(operands, results)
  }];
}

def QC_MatMulOp : QC_InferredOp<"matmul", [SameOperandsAndResultElementType]> {
  let summary = "numpy-style matrix product (ONNX MatMul)";
  let description = [{
    Matrix product with numpy semantics, as ONNX `MatMul`: operands of rank
    2 or more are stacks of matrices whose batch dimensions broadcast; a 1-D
    `lhs` gets a 1 prepended and a 1-D `rhs` a 1 appended, and those are
    removed from the result.
  }];
  let arguments = (ins QC_NumericTensor:$lhs, QC_NumericTensor:$rhs);
  let results = (outs QC_NumericTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

def QC_GemmOp : QC_InferredOp<"gemm", [SameOperandsAndResultElementType]> {
  let summary = "general matrix multiply (ONNX Gemm)";
  let description = [{
    `y = alpha * op(a) * op(b) + beta * c`, where `op` transposes when
    `trans_a`/`trans_b` is set, `a` and `b` are 2-D, and the optional `c`
    broadcasts unidirectionally to the `M x N` result (ONNX `Gemm`).
  }];
  let arguments = (ins QC_FloatTensor:$a, QC_FloatTensor:$b,
                   Optional<QC_FloatTensor>:$c,
                   DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                   DefaultValuedAttr<F32Attr, "1.0">:$beta,
                   DefaultValuedAttr<BoolAttr, "false">:$trans_a,
                   DefaultValuedAttr<BoolAttr, "false">:$trans_b);
  let results = (outs QC_FloatTensor:$y);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Normalisation.
//===----------------------------------------------------------------------===//

def QC_BatchNormalizationOp : QC_Op<"batch_normalization",
    [Pure, SameOperandsElementType, AllTypesMatch<["x", "y"]>]> {
  let summary = "inference-mode batch normalisation (ONNX BatchNormalization)";
  let description = [{
    `y = scale * (x - mean) / sqrt(var + epsilon) + bias` along the channel
    dimension (dimension 1) of `x`, with running statistics, as ONNX
    `BatchNormalization` in inference mode. `scale`, `bias`, `mean` and `var`
    are 1-D of size `C`. Training mode is rejected at import.
  }];
  let arguments = (ins QC_FloatTensor:$x, QC_FloatTensor:$scale,
                   QC_FloatTensor:$bias, QC_FloatTensor:$mean,
                   QC_FloatTensor:$var,
                   DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs QC_FloatTensor:$y);
  let assemblyFormat = [{
    $x `,` $scale `,` $bias `,` $mean `,` $var attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QC_LayerNormalizationOp : QC_Op<"layer_normalization",
    [Pure, SameOperandsElementType, AllTypesMatch<["x", "y"]>]> {
  let summary = "layer normalisation (ONNX LayerNormalization)";
  let description = [{
    Normalises `x` over the dimensions `axis..rank-1` to zero mean and unit
    variance (`epsilon` added to the variance), then multiplies by `scale`
    and adds the optional `bias`, both broadcast to the normalised shape, as
    ONNX `LayerNormalization` (opset 17). Only the first result `Y` of the
    ONNX op is modelled.
  }];
  let arguments = (ins QC_FloatTensor:$x, QC_FloatTensor:$scale,
                   Optional<QC_FloatTensor>:$bias,
                   DefaultValuedAttr<I64Attr, "-1">:$axis,
                   DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs QC_FloatTensor:$y);
  let assemblyFormat = [{
    $x `,` $scale (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

class QC_SoftmaxLikeOp<string mnemonic, string onnxName, string formula>
    : QC_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = formula # " along one axis (ONNX " # onnxName # ")";
  let description = "Computes `" # formula # "` along `axis` (default -1), "
      # "with the per-axis semantics of ONNX `" # onnxName # "` opset 13; the "
      # "importer rewrites older opsets' flatten-to-2-D semantics with reshapes.";
  let arguments = (ins QC_FloatTensor:$x,
                   DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs QC_FloatTensor:$y);
  let assemblyFormat = "$x attr-dict `:` type($y)";
  let hasVerifier = 1;
}
def QC_SoftmaxOp : QC_SoftmaxLikeOp<"softmax", "Softmax",
                                    "exp(x) / sum(exp(x))">;
def QC_LogSoftmaxOp : QC_SoftmaxLikeOp<"log_softmax", "LogSoftmax",
                                       "x - log(sum(exp(x)))">;

//===----------------------------------------------------------------------===//
// Pooling.
//===----------------------------------------------------------------------===//

class QC_PoolOp<string mnemonic, string onnxName, string what>
    : QC_InferredOp<mnemonic, [SameOperandsAndResultElementType]> {
  let summary = what # " pooling (ONNX " # onnxName # ")";
  let description = "Takes the " # what # " of each `kernel_shape` window of "
      # "`x` (`N x C x D1 x ... x Dn`), as ONNX `" # onnxName # "`. `strides` "
      # "and `dilations` default to ones and `pads` to zeros; `auto_pad` is "
      # "resolved at import. With `ceil_mode` the output size rounds up, but "
      # "a window that would start in the end padding is dropped.";
  let results = (outs QC_FloatTensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
}

def QC_AveragePoolOp : QC_PoolOp<"average_pool", "AveragePool", "average"> {
  let arguments = (ins QC_FloatTensor:$x,
                   DenseI64ArrayAttr:$kernel_shape,
                   OptionalAttr<DenseI64ArrayAttr>:$strides,
                   OptionalAttr<DenseI64ArrayAttr>:$pads,
                   OptionalAttr<DenseI64ArrayAttr>:$dilations,
                   DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                   DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
}

def QC_MaxPoolOp : QC_PoolOp<"max_pool", "MaxPool", "maximum"> {
  let arguments = (ins QC_FloatTensor:$x,
                   DenseI64ArrayAttr:$kernel_shape,
                   OptionalAttr<DenseI64ArrayAttr>:$strides,
                   OptionalAttr<DenseI64ArrayAttr>:$pads,
                   OptionalAttr<DenseI64ArrayAttr>:$dilations,
                   DefaultValuedAttr<BoolAttr, "false">:$ceil_mode);
}

class QC_GlobalPoolOp<string mnemonic, string onnxName, string what>
    : QC_InferredOp<mnemonic, [SameOperandsAndResultElementType]> {
  let summary = "global " # what # " pooling (ONNX " # onnxName # ")";
  let description = "Takes the " # what # " over all spatial dimensions of "
      # "`x` (`N x C x D1 x ... x Dn`); the result is `N x C x 1 x ... x 1` "
      # "(ONNX `" # onnxName # "`).";
  let arguments = (ins QC_FloatTensor:$x);
  let results = (outs QC_FloatTensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
}
def QC_GlobalAveragePoolOp
    : QC_GlobalPoolOp<"global_average_pool", "GlobalAveragePool", "average">;
def QC_GlobalMaxPoolOp
    : QC_GlobalPoolOp<"global_max_pool", "GlobalMaxPool", "maximum">;

//===----------------------------------------------------------------------===//
// Reductions.
//===----------------------------------------------------------------------===//

class QC_ReduceOp<string mnemonic, string onnxName, string what,
                  Type operandType = QC_NumericTensor, bit foldsUnit = 1>
    : QC_InferredOp<mnemonic, [SameOperandsAndResultElementType]> {
  let summary = what # " over axes (ONNX " # onnxName # ")";
  let description = "Reduces `x` with " # what # " over `axes` (all axes "
      # "when absent; negative axes count from the back), keeping the "
      # "reduced dimensions as 1 when `keepdims` is set (ONNX `" # onnxName
      # "`). ONNX's `axes` input (opset 13/18) must be constant and becomes "
      # "this attribute at import, as does `noop_with_empty_axes`."
      # !if(foldsUnit, " A reduction whose reduced dimensions are all 1 and "
          # "that keeps them folds to its operand.", "");
  let arguments = (ins operandType:$x,
                   OptionalAttr<DenseI64ArrayAttr>:$axes,
                   DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs operandType:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = foldsUnit;
}

def QC_ReduceMeanOp : QC_ReduceOp<"reduce_mean", "ReduceMean", "the mean">;
def QC_ReduceSumOp : QC_ReduceOp<"reduce_sum", "ReduceSum", "the sum">;
def QC_ReduceMaxOp : QC_ReduceOp<"reduce_max", "ReduceMax", "the maximum">;
def QC_ReduceMinOp : QC_ReduceOp<"reduce_min", "ReduceMin", "the minimum">;
def QC_ReduceProdOp : QC_ReduceOp<"reduce_prod", "ReduceProd", "the product">;
def QC_ReduceL1Op : QC_ReduceOp<"reduce_l1", "ReduceL1",
    "the sum of absolute values", QC_NumericTensor, 0>;
def QC_ReduceL2Op : QC_ReduceOp<"reduce_l2", "ReduceL2",
    "the square root of the sum of squares", QC_FloatTensor, 0>;
def QC_ReduceSumSquareOp : QC_ReduceOp<"reduce_sum_square", "ReduceSumSquare",
    "the sum of squares", QC_NumericTensor, 0>;

class QC_ArgReduceOp<string mnemonic, string onnxName, string what>
    : QC_InferredOp<mnemonic> {
  let summary = "index of the " # what # " along an axis (ONNX " # onnxName # ")";
  let description = "Returns, as `i64`, the index of the " # what # " of `x` "
      # "along `axis`, the first occurrence unless `select_last_index` is set; "
      # "the axis is kept as 1 when `keepdims` is set (ONNX `" # onnxName # "`).";
  let arguments = (ins QC_NumericTensor:$x,
                   DefaultValuedAttr<I64Attr, "0">:$axis,
                   DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                   DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs QC_I64Tensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
}
def QC_ArgMaxOp : QC_ArgReduceOp<"argmax", "ArgMax", "maximum">;
def QC_ArgMinOp : QC_ArgReduceOp<"argmin", "ArgMin", "minimum">;

#endif // QC_NN_OPS_TD
