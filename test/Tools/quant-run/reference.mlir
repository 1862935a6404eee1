// quant-run's reference mode: inputs are read from <name>.npy, where the name
// is the argument's onnx.name (else arg<N>), and results are written to
// <name>.npy (onnx.name, else out<N>).

// RUN: rm -rf %t && mkdir -p %t/in
// RUN: %npy write %t/in/x.npy f4 1,1,3,3 0,1,2,3,4,5,6,7,8
// RUN: %npy write %t/in/arg1.npy f4 1 0.5
// RUN: quant-run %s --reference --inputs %t/in --outputs %t/out
// RUN: %npy print %t/out/y.npy | FileCheck %s --check-prefix=Y
// RUN: %npy print %t/out/out1.npy | FileCheck %s --check-prefix=OUT1

// The conv gives [8.5, 12.5, 20.5, 24.5]; minus 15 and relu.
// Y: <f4 (1, 4): 0 0 5.5 9.5
// Integer results are written as integers (the cast truncates).
// OUT1: <i8 (1, 1, 2, 2): 8 12 20 24

// The results do not depend on the number of threads, and --entry picks the
// function.
// RUN: quant-run %s --inputs %t/in --outputs %t/one --num-threads 1 --entry main
// RUN: %npy compare %t/one/y.npy %t/out/y.npy
// RUN: %npy compare %t/one/out1.npy %t/out/out1.npy

// --time-ops reports the time of each kind of op on stderr.
// RUN: quant-run %s --inputs %t/in --outputs %t/timed --time-ops 2>&1 | FileCheck %s --check-prefix=TIME
// TIME: quant-run: evaluated in {{[0-9.]+}} ms
// TIME-DAG: qc.conv 1 ops
// TIME-DAG: qc.relu 1 ops

func.func @main(%x: tensor<1x1x3x3xf32> {onnx.name = "x"}, %b: tensor<1xf32>)
    -> (tensor<1x4xf32> {onnx.name = "y"}, tensor<1x1x2x2xi64>) {
  %w = arith.constant dense<1.0> : tensor<1x1x2x2xf32>
  %c = arith.constant dense<15.0> : tensor<f32>
  %0 = qc.conv %x, %w, %b : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  %1 = qc.sub %0, %c : (tensor<1x1x2x2xf32>, tensor<f32>) -> tensor<1x1x2x2xf32>
  %2 = qc.relu %1 : tensor<1x1x2x2xf32>
  %3 = qc.reshape %2 : (tensor<1x1x2x2xf32>) -> tensor<1x4xf32>
  %4 = qc.cast %0 : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xi64>
  return %3, %4 : tensor<1x4xf32>, tensor<1x1x2x2xi64>
}
