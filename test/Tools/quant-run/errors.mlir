// Every error of quant-run names what was expected and what was found, and
// exits with status 1.

// RUN: rm -rf %t && mkdir -p %t/good %t/shape %t/dtype %t/garbage %t/truncated %t/empty %t/range
// RUN: %npy write %t/good/x.npy f4 2,3 1,2,3,4,5,6
// RUN: %npy write %t/shape/x.npy f4 3,2 1,2,3,4,5,6
// RUN: %npy write %t/dtype/x.npy i1 2,3 1,2,3,4,5,6
// RUN: %npy write %t/garbage/x.npy f4 1 1
// RUN: %npy truncate %t/garbage/x.npy 5
// RUN: %npy write %t/truncated/x.npy f4 2,3 1,2,3,4,5,6
// RUN: %npy truncate %t/truncated/x.npy 140
// RUN: %npy write %t/range/q.npy u1 2 3,200

// RUN: not quant-run %s --inputs %t/empty --outputs %t/out 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: quant-run: error: missing input file '{{.*}}empty{{[/\\]}}x.npy' (or x.pb, input_0.pb) for argument #0 ('x') of type tensor<2x3xf32>

// RUN: not quant-run %s --inputs %t/shape --outputs %t/out 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: quant-run: error: {{.*}}shape{{[/\\]}}x.npy: expected shape [2, 3] and element type f32 for argument #0 ('x'), found shape [3, 2] and element type f32

// RUN: not quant-run %s --inputs %t/dtype --outputs %t/out 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: quant-run: error: {{.*}}dtype{{[/\\]}}x.npy: expected shape [2, 3] and element type f32 for argument #0 ('x'), found shape [2, 3] and element type i8

// RUN: not quant-run %s --inputs %t/garbage --outputs %t/out 2>&1 | FileCheck %s --check-prefix=GARBAGE
// GARBAGE: quant-run: error: {{.*}}garbage{{[/\\]}}x.npy: not a .npy file (expected the magic string "\x93NUMPY" at the start)

// RUN: not quant-run %s --inputs %t/truncated --outputs %t/out 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// TRUNCATED: quant-run: error: {{.*}}truncated{{[/\\]}}x.npy: expected 24 data bytes for shape (2, 3) and dtype '<f4', found 12 (truncated file)

// RUN: not quant-run %s --entry nope --inputs %t/good --outputs %t/out 2>&1 | FileCheck %s --check-prefix=ENTRY
// ENTRY: error: expected a function named 'nope' (--entry), found none

// An evaluation error points at the op.
// RUN: %npy write %t/good/idx.npy i8 2 0,5
// RUN: not quant-run %s --entry gather --inputs %t/good --outputs %t/out 2>&1 | FileCheck %s --check-prefix=EVAL
// EVAL: errors.mlir:{{[0-9]+}}:8: error: 'qc.gather' op expected indices in [-2, 2) for dimension 0, found 5
// EVAL-NOT: see current operation

// RUN: not quant-run %s --entry quantized --inputs %t/range --outputs %t/out 2>&1 | FileCheck %s --check-prefix=RANGE
// RANGE: quant-run: error: {{.*}}range{{[/\\]}}q.npy: expected storage values in [0, 15] for argument #0 ('q') of type !quant.uniform<u4:f32, 1.000000e+00>, found 200

// RUN: not quant-run %s --inputs %t/good 2>&1 | FileCheck %s --check-prefix=USAGE
// USAGE: quant-run: error: --reference needs --inputs DIR and --outputs DIR

// RUN: not quant-run %t/none.mlir --inputs %t/good --outputs %t/out 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: quant-run: error: {{.*}}none.mlir: cannot read the model: {{.*}}

// RUN: not quant-run %S/Inputs/invalid.mlir --inputs %t/good --outputs %t/out 2>&1 | FileCheck %s --check-prefix=INVALID
// INVALID: invalid.mlir:2:8: error: 'qc.reshape' op expected the result to hold as many elements as the input (2), found 3

// RUN: not quant-run %t/model.onnx --inputs %t/good --outputs %t/out 2>&1 | FileCheck %s --check-prefix=ONNX
// ONNX: quant-run: error: {{.*}}model.onnx: cannot open the ONNX model: {{.*}}

// Nothing is written after an error.
// RUN: not ls %t/out

func.func @main(%x: tensor<2x3xf32> {onnx.name = "x"}) -> tensor<2x3xf32> {
  %0 = qc.relu %x : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

func.func @gather(%x: tensor<2x3xf32> {onnx.name = "x"}, %i: tensor<2xi64> {onnx.name = "idx"}) -> tensor<2x3xf32> {
  %0 = qc.gather %x, %i : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

func.func @quantized(%q: tensor<2x!quant.uniform<u4:f32, 1.0>> {onnx.name = "q"}) -> tensor<2xf32> {
  %0 = qc.dequantize %q : tensor<2x!quant.uniform<u4:f32, 1.0>> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
