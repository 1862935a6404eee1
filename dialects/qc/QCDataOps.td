//===- QCDataOps.td - shape and data movement ops ------------*- tablegen -*-===//
//
// These ops accept any element type, quantized ones included, so quantized
// tensors can be moved without dequantizing them.
//
//===----------------------------------------------------------------------===//

#ifndef QC_DATA_OPS_TD
#define QC_DATA_OPS_TD

include "QCAttrs.td"

def QC_ReshapeOp : QC_Op<"reshape", [Pure, SameOperandsAndResultElementType]> {
  let summary = "change the shape, keeping the elements (ONNX Reshape)";
  let description = [{
    Reinterprets `x` in row-major order with the shape of the result type,
    which must hold the same number of elements (ONNX `Reshape`, with its
    `0` and `-1` entries resolved at import). `qc.flatten`, `qc.squeeze` and
    `qc.unsqueeze` canonicalize to this op; a reshape to the operand's own
    type folds away and a reshape of a reshape folds into one.
  }];
  let arguments = (ins QC_AnyTensor:$x);
  let results = (outs QC_AnyTensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QC_FlattenOp : QC_Op<"flatten", [Pure, SameOperandsAndResultElementType,
                                     InferTypeOpAdaptor]> {
  let summary = "flatten to 2-D around an axis (ONNX Flatten)";
  let description = [{
    Reshapes `x` to `(d0 * ... * d(axis-1)) x (d(axis) * ... * d(n-1))`
    (ONNX `Flatten`); `axis` may be negative. Canonicalizes to `qc.reshape`.
  }];
  let arguments = (ins QC_AnyTensor:$x, DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs QC_AnyTensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasCanonicalizer = 1;
}

def QC_SqueezeOp : QC_Op<"squeeze", [Pure, SameOperandsAndResultElementType,
                                     InferTypeOpAdaptor]> {
  let summary = "remove dimensions of size 1 (ONNX Squeeze)";
  let description = [{
    Removes the dimensions listed in `axes`, each of which must be 1, or all
    dimensions of size 1 when `axes` is absent (ONNX `Squeeze`).
    Canonicalizes to `qc.reshape`.
  }];
  let arguments = (ins QC_AnyTensor:$x, OptionalAttr<DenseI64ArrayAttr>:$axes);
  let results = (outs QC_AnyTensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasCanonicalizer = 1;
}

def QC_UnsqueezeOp : QC_Op<"unsqueeze", [Pure, SameOperandsAndResultElementType,
                                         InferTypeOpAdaptor]> {
  let summary = "insert dimensions of size 1 (ONNX Unsqueeze)";
  let description = [{
    Inserts a dimension of size 1 at each position of `axes`, which refer
    to the result's dimensions (ONNX `Unsqueeze`). Canonicalizes to
    `qc.reshape`.
  }];
  let arguments = (ins QC_AnyTensor:$x, DenseI64ArrayAttr:$axes);
  let results = (outs QC_AnyTensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasCanonicalizer = 1;
}

def QC_TransposeOp : QC_Op<"transpose", [Pure, SameOperandsAndResultElementType,
                                         InferTypeOpAdaptor]> {
  let summary = "permute dimensions (ONNX Transpose)";
  let description = [{
    Result dimension `i` is operand dimension `perm[i]`; without `perm` the
    dimensions are reversed (ONNX `Transpose`). An identity permutation folds
    away and a transpose of a transpose folds into one.
  }];
  let arguments = (ins QC_AnyTensor:$x, OptionalAttr<DenseI64ArrayAttr>:$perm);
  let results = (outs QC_AnyTensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def QC_ConcatOp : QC_Op<"concat", [Pure, SameOperandsAndResultElementType,
                                   InferTypeOpAdaptor]> {
  let summary = "concatenate along an axis (ONNX Concat)";
  let description = [{
    Joins `inputs` along `axis` (negative counts from the back); all other
    dimensions must agree (ONNX `Concat`). A concat of one input folds to it.
  }];
  let arguments = (ins Variadic<QC_AnyTensor>:$inputs, I64Attr:$axis);
  let results = (outs QC_AnyTensor:$y);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def QC_SplitOp : QC_Op<"split", [Pure, InferTypeOpAdaptor]> {
  let summary = "split into pieces along an axis (ONNX Split)";
  let description = [{
    Cuts `x` along `axis` into one result per entry of `split`, the sizes of
    the pieces, which must add up to the dimension (ONNX `Split`; equal
    splits and `num_outputs` are resolved into `split` at import).
  }];
  let arguments = (ins QC_AnyTensor:$x, DefaultValuedAttr<I64Attr, "0">:$axis,
                   DenseI64ArrayAttr:$split);
  let results = (outs Variadic<QC_AnyTensor>:$outputs);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def QC_SliceOp : QC_Op<"slice", [Pure, SameOperandsAndResultElementType,
                                 InferTypeOpAdaptor]> {
  let summary = "strided slice (ONNX Slice)";
  let description = [{
    Takes `x[starts[i] : ends[i] : steps[i]]` along `axes[i]` with the ONNX
    `Slice` rules: negative indices count from the back, out-of-range
    indices are clamped, negative steps walk backwards. `axes` defaults to
    `0..n-1` and `steps` to ones. ONNX's inputs must be constants and become
    these attributes at import. A slice that keeps everything folds away.
  }];
  let arguments = (ins QC_AnyTensor:$x, DenseI64ArrayAttr:$starts,
                   DenseI64ArrayAttr:$ends,
                   OptionalAttr<DenseI64ArrayAttr>:$axes,
                   OptionalAttr<DenseI64ArrayAttr>:$steps);
  let results = (outs QC_AnyTensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def QC_GatherOp : QC_Op<"gather", [Pure, InferTypeOpAdaptor]> {
  let summary = "gather slices along an axis (ONNX Gather)";
  let description = [{
    Indexes `data` along `axis` with every element of `indices` (negative
    indices count from the back). The result shape is
    `data.shape[:axis] + indices.shape + data.shape[axis+1:]` (ONNX `Gather`).
  }];
  let arguments = (ins QC_AnyTensor:$data, QC_IndexTensor:$indices,
                   DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs QC_AnyTensor:$y);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
}

def QC_PadOp : QC_Op<"pad", [Pure, SameOperandsAndResultElementType,
                             InferTypeOpAdaptor]> {
  let summary = "pad with a constant, reflection, edge or wrap (ONNX Pad)";
  let description = [{
    Adds `pads[i]` elements before and `pads[rank + i]` after dimension `i`
    (negative values remove elements), filled according to `mode`; `value`
    is the fill of constant mode (ONNX `Pad`, whose `pads`,
    `constant_value` and `axes` inputs must be constants and are resolved
    at import). A pad of all zeros folds away.
  }];
  let arguments = (ins QC_AnyTensor:$x, DenseI64ArrayAttr:$pads,
                   DefaultValuedAttr<QC_PadModeAttr,
                       "::mlir::qc::PadMode::constant">:$mode,
                   DefaultValuedAttr<F32Attr, "0.0">:$value);
  let results = (outs QC_AnyTensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def QC_ResizeOp : QC_Op<"resize", [Pure, SameOperandsAndResultElementType]> {
  let summary = "resize by interpolation (ONNX Resize)";
  let description = [{
    Resamples `x` to the shape of the result type, as ONNX `Resize` (opset
    19 semantics): `scales` has one factor per dimension, and each result
    dimension is `floor(input_dim * scale)`; when ONNX gives `sizes`, the
    importer sets `scale = size / input_dim`. `coordinate_transformation_mode`,
    `nearest_mode`, `cubic_coeff_a` and `exclude_outside` mean what they mean
    in ONNX. `tf_crop_and_resize` (which needs `roi`) is not supported.
  }];
  let arguments = (ins QC_FloatTensor:$x, DenseF32ArrayAttr:$scales,
                   DefaultValuedAttr<QC_ResizeModeAttr,
                       "::mlir::qc::ResizeMode::nearest">:$mode,
                   DefaultValuedAttr<QC_CoordinateTransformAttr,
                       "::mlir::qc::CoordinateTransform::half_pixel">:
                       $coordinate_transformation_mode,
                   DefaultValuedAttr<QC_NearestModeAttr,
                       "::mlir::qc::NearestMode::round_prefer_floor">:$nearest_mode,
                   DefaultValuedAttr<F32Attr, "-0.75">:$cubic_coeff_a,
                   DefaultValuedAttr<BoolAttr, "false">:$exclude_outside);
  let results = (outs QC_FloatTensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def QC_ExpandOp : QC_Op<"expand", [Pure, SameOperandsAndResultElementType]> {
  let summary = "broadcast to a larger shape (ONNX Expand)";
  let description = [{
    Broadcasts `x` with numpy rules against the shape ONNX `Expand` was
    given; the result type holds the broadcast shape, so every dimension of
    `x` must be 1 or equal to the matching result dimension. An expand to
    the operand's own type folds away.
  }];
  let arguments = (ins QC_AnyTensor:$x);
  let results = (outs QC_AnyTensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QC_CastOp : QC_Op<"cast", [Pure]> {
  let summary = "convert the element type (ONNX Cast)";
  let description = [{
    Converts every element to the result's element type, as ONNX `Cast`:
    float to integer truncates toward zero, integer to float rounds to
    nearest, float to float rounds to nearest even. Shapes must match. A
    cast to the operand's own type folds away.
  }];
  let arguments = (ins QC_NumericTensor:$x);
  let results = (outs QC_NumericTensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // QC_DATA_OPS_TD
