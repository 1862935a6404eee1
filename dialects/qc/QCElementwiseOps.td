//===- QCElementwiseOps.td - unary and broadcasting binary ops -*- tablegen -*-===//

#ifndef QC_ELEMENTWISE_OPS_TD
#define QC_ELEMENTWISE_OPS_TD

include "QCAttrs.td"

//===----------------------------------------------------------------------===//
// Unary elementwise ops: one operand, result of the same type.
//===----------------------------------------------------------------------===//

class QC_UnaryOp<string mnemonic, string onnxName, string formula,
                 list<Trait> traits = [], Type operandType = QC_FloatTensor>
    : QC_Op<mnemonic, !listconcat([Pure, SameOperandsAndResultType], traits)> {
  let summary = "elementwise " # formula # " (ONNX " # onnxName # ")";
  let description = "Computes `" # formula # "` for every element, as ONNX `"
                    # onnxName # "` does. The result has the operand's type.";
  let arguments = (ins operandType:$x);
  let results = (outs operandType:$y);
  let assemblyFormat = "$x attr-dict `:` type($y)";
}

def QC_ReluOp : QC_UnaryOp<"relu", "Relu", "y = max(x, 0)", [Idempotent]>;
def QC_SigmoidOp : QC_UnaryOp<"sigmoid", "Sigmoid", "y = 1 / (1 + exp(-x))">;
def QC_TanhOp : QC_UnaryOp<"tanh", "Tanh", "y = tanh(x)">;
def QC_ExpOp : QC_UnaryOp<"exp", "Exp", "y = exp(x)">;
def QC_LogOp : QC_UnaryOp<"log", "Log", "y = log(x)">;
def QC_SqrtOp : QC_UnaryOp<"sqrt", "Sqrt", "y = sqrt(x)">;
def QC_ErfOp : QC_UnaryOp<"erf", "Erf", "y = erf(x)">;
def QC_ReciprocalOp : QC_UnaryOp<"reciprocal", "Reciprocal", "y = 1 / x">;
def QC_FloorOp : QC_UnaryOp<"floor", "Floor", "y = floor(x)", [Idempotent]>;
def QC_CeilOp : QC_UnaryOp<"ceil", "Ceil", "y = ceil(x)", [Idempotent]>;
def QC_RoundOp : QC_UnaryOp<"round", "Round",
    "y = round_half_to_even(x)", [Idempotent]>;
def QC_SinOp : QC_UnaryOp<"sin", "Sin", "y = sin(x)">;
def QC_CosOp : QC_UnaryOp<"cos", "Cos", "y = cos(x)">;
def QC_SoftplusOp : QC_UnaryOp<"softplus", "Softplus", "y = log(1 + exp(x))">;
def QC_SoftsignOp : QC_UnaryOp<"softsign", "Softsign", "y = x / (1 + |x|)">;
def QC_HardSwishOp : QC_UnaryOp<"hard_swish", "HardSwish",
    "y = x * max(0, min(1, x / 6 + 1 / 2))">;
def QC_NegOp : QC_UnaryOp<"neg", "Neg", "y = -x", [Involution],
                          QC_NumericTensor>;
def QC_AbsOp : QC_UnaryOp<"abs", "Abs", "y = |x|", [Idempotent],
                          QC_NumericTensor>;
def QC_IdentityOp : QC_UnaryOp<"identity", "Identity", "y = x", [],
                               QC_AnyTensor> {
  let hasFolder = 1;
}

// Unary ops with parameters.

def QC_LeakyReluOp : QC_UnaryOp<"leaky_relu", "LeakyRelu",
    "y = x >= 0 ? x : alpha * x"> {
  let arguments = (ins QC_FloatTensor:$x,
                   DefaultValuedAttr<F32Attr, "0.01">:$alpha);
}
def QC_EluOp : QC_UnaryOp<"elu", "Elu", "y = x >= 0 ? x : alpha * (exp(x) - 1)"> {
  let arguments = (ins QC_FloatTensor:$x,
                   DefaultValuedAttr<F32Attr, "1.0">:$alpha);
}
def QC_HardSigmoidOp : QC_UnaryOp<"hard_sigmoid", "HardSigmoid",
    "y = max(0, min(1, alpha * x + beta))"> {
  let arguments = (ins QC_FloatTensor:$x,
                   DefaultValuedAttr<F32Attr, "0.2">:$alpha,
                   DefaultValuedAttr<F32Attr, "0.5">:$beta);
}
def QC_ClipOp : QC_UnaryOp<"clip", "Clip", "y = min(max(x, min), max)"> {
  let description = [{
    Clamps every element to `[min, max]`, as ONNX `Clip`. A missing bound is
    unbounded; ONNX's `min`/`max` inputs (opset 11 and later) must be
    constants and become these attributes at import. A clip without bounds
    folds to its operand.
  }];
  let arguments = (ins QC_FloatTensor:$x, OptionalAttr<F32Attr>:$min,
                   OptionalAttr<F32Attr>:$max);
  let hasVerifier = 1;
  let hasFolder = 1;
}
def QC_GeluOp : QC_UnaryOp<"gelu", "Gelu", "y = 0.5 * x * (1 + erf(x / sqrt(2)))"> {
  let description = [{
    Gaussian error linear unit, as ONNX `Gelu` (opset 20). With
    `approximate = tanh` it computes
    `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))`.
  }];
  let arguments = (ins QC_FloatTensor:$x,
                   DefaultValuedAttr<QC_GeluApproximationAttr,
                       "::mlir::qc::GeluApproximation::none">:$approximate);
}

//===----------------------------------------------------------------------===//
// Binary elementwise ops with numpy (multidirectional) broadcasting.
//===----------------------------------------------------------------------===//

class QC_BinaryOp<string mnemonic, string onnxName, string formula,
                  list<Trait> traits = [], Type operandType = QC_NumericTensor>
    : QC_Op<mnemonic, !listconcat([Pure, SameOperandsAndResultElementType,
                                   InferTypeOpAdaptor], traits)> {
  let summary = "elementwise " # formula # " with broadcasting (ONNX "
                # onnxName # ")";
  let description = "Computes `" # formula # "` elementwise, as ONNX `"
      # onnxName # "` does, after broadcasting both operands to a common "
      # "shape with numpy (multidirectional) rules. The result shape is the "
      # "broadcast shape; operands that cannot be broadcast are rejected.";
  let arguments = (ins operandType:$lhs, operandType:$rhs);
  let results = (outs operandType:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

def QC_AddOp : QC_BinaryOp<"add", "Add", "lhs + rhs", [Commutative]> {
  let hasFolder = 1;
}
def QC_SubOp : QC_BinaryOp<"sub", "Sub", "lhs - rhs"> { let hasFolder = 1; }
def QC_MulOp : QC_BinaryOp<"mul", "Mul", "lhs * rhs", [Commutative]> {
  let hasFolder = 1;
}
def QC_DivOp : QC_BinaryOp<"div", "Div", "lhs / rhs"> { let hasFolder = 1; }
def QC_PowOp : QC_BinaryOp<"pow", "Pow", "lhs ^ rhs", [], QC_FloatTensor> {
  let hasFolder = 1;
}
def QC_MaxOp : QC_BinaryOp<"max", "Max", "max(lhs, rhs)", [Commutative]>;
def QC_MinOp : QC_BinaryOp<"min", "Min", "min(lhs, rhs)", [Commutative]>;

def QC_PReluOp : QC_Op<"prelu", [Pure, SameOperandsAndResultElementType]> {
  let summary = "parametric ReLU (ONNX PRelu)";
  let description = [{
    `y = x >= 0 ? x : slope * x`, with `slope` unidirectionally broadcast to
    the shape of `x` (ONNX `PRelu`). The result has the type of `x`.
  }];
  let arguments = (ins QC_FloatTensor:$x, QC_FloatTensor:$slope);
  let results = (outs QC_FloatTensor:$y);
  let assemblyFormat = [{
    $x `,` $slope attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // QC_ELEMENTWISE_OPS_TD
