// Elementwise qc ops to ONNX: one node each, named after the op's location
// (else "<OpType>_<n>"), attributes written back, Clip bounds as scalar
// inputs, constants as initializers; the export imports back to the same ops
// and evaluates to the same values.

// RUN: rm -rf %t && mkdir -p %t/in
// RUN: quantc %s --emit=onnx-qdq -o %t/model.onnx
// RUN: %onnxdump %t/model.onnx | FileCheck %s
// RUN: quantc import %t/model.onnx | FileCheck %s --check-prefix=IMPORT
// RUN: %npy write %t/in/x.npy f4 2,3 -2.5,-1,-0.25,0.5,1.5,3
// RUN: %npy write %t/in/slope.npy f4 3 0.1,0.2,0.3
// RUN: quant-run %s --inputs %t/in --outputs %t/ref
// RUN: quant-run %t/model.onnx --inputs %t/in --outputs %t/out
// RUN: %npy compare %t/out/y.npy %t/ref/y.npy 1e-6
// RUN: %npy compare %t/out/z.npy %t/ref/z.npy 1e-6
// RUN: %npy compare %t/out/x_again.npy %t/ref/x_again.npy 0

// CHECK: ir_version 9 opset 20 producer quantc
// CHECK: input x float [2, 3]
// CHECK: input slope float [3]
// CHECK: node relu1: Relu(x) -> (relu1_output_0)
// CHECK: node Sigmoid_0: Sigmoid(relu1_output_0)
// CHECK: Tanh(
// CHECK: Exp(
// CHECK: Log(
// CHECK: Sqrt(
// CHECK: Erf(
// CHECK: Reciprocal(
// CHECK: Floor(
// CHECK: Ceil(
// CHECK: Round(
// CHECK: Sin(
// CHECK: Cos(
// CHECK: Softplus(
// CHECK: Softsign(
// CHECK: HardSwish(
// CHECK: Neg(
// CHECK: Abs(
// CHECK: Identity(
// CHECK: node lrelu: LeakyRelu({{.*}}) alpha=0.200000003
// CHECK: node elu: Elu({{.*}}) alpha=0.5
// CHECK: node hsig: HardSigmoid({{.*}}) alpha=0.25 beta=0.400000006
// CHECK: node clip_both: Clip(hsig_output_0, [[MIN:const_[^,]*]], [[MAX:const_[^)]*]]) -> (clip_both_output_0)
// CHECK: node clip_min: Clip(clip_both_output_0, [[MIN]]) -> (clip_min_output_0)
// CHECK: node clip_max: Clip(clip_min_output_0, , [[MAX]])
// CHECK: node gelu: Gelu(
// CHECK-NOT: approximate
// CHECK: node gelu_tanh: Gelu({{.*}}) approximate="tanh"
// CHECK: Add(gelu_tanh_output_0, bias)
// CHECK: Sub(
// CHECK: Mul(
// CHECK: Div(
// CHECK: Pow(
// CHECK: Max(
// CHECK: Min(
// CHECK: node prelu: PRelu({{.*}}, slope) -> (y)
// CHECK: node {{.*}}: Identity(x) -> (x_again)
// CHECK: output y float [2, 3]
// CHECK: output z float [2, 3]
// CHECK: output x_again float [2, 3]

// Initializers are named after the constant's location or resource key.
// CHECK-DAG: init bias float [3] = 0.5 -1 2
// CHECK-DAG: init [[MIN]] float [] = -1
// CHECK-DAG: init [[MAX]] float [] = 1

// IMPORT: func.func @main(%arg0: tensor<2x3xf32> {onnx.name = "x"}, %arg1: tensor<3xf32> {onnx.name = "slope"})
// IMPORT: qc.relu
// IMPORT: qc.leaky_relu %{{.*}} {alpha = 2.000000e-01 : f32}
// IMPORT: qc.clip %{{.*}} {max = 1.000000e+00 : f32, min = -1.000000e+00 : f32}
// IMPORT: qc.clip %{{.*}} {min = -1.000000e+00 : f32}
// IMPORT: qc.clip %{{.*}} {max = 1.000000e+00 : f32}
// IMPORT: qc.gelu %{{.*}} :
// IMPORT: qc.gelu %{{.*}} {approximate = #qc<gelu_approximation tanh>}
// IMPORT: qc.prelu

func.func @main(%x: tensor<2x3xf32> {onnx.name = "x"},
                %slope: tensor<3xf32> {onnx.name = "slope"})
    -> (tensor<2x3xf32> {onnx.name = "y"}, tensor<2x3xf32> {onnx.name = "z"},
        tensor<2x3xf32> {onnx.name = "x_again"}) {
  %r = qc.relu %x : tensor<2x3xf32> loc("relu1")
  %0 = qc.sigmoid %r : tensor<2x3xf32>
  %1 = qc.tanh %0 : tensor<2x3xf32>
  %2 = qc.exp %1 : tensor<2x3xf32>
  %3 = qc.log %2 : tensor<2x3xf32>
  %4 = qc.sqrt %3 : tensor<2x3xf32>
  %5 = qc.erf %4 : tensor<2x3xf32>
  %6 = qc.reciprocal %2 : tensor<2x3xf32>
  %7 = qc.floor %6 : tensor<2x3xf32>
  %8 = qc.ceil %6 : tensor<2x3xf32>
  %9 = qc.round %x : tensor<2x3xf32>
  %10 = qc.sin %x : tensor<2x3xf32>
  %11 = qc.cos %10 : tensor<2x3xf32>
  %12 = qc.softplus %11 : tensor<2x3xf32>
  %13 = qc.softsign %x : tensor<2x3xf32>
  %14 = qc.hard_swish %x : tensor<2x3xf32>
  %15 = qc.neg %14 : tensor<2x3xf32>
  %16 = qc.abs %15 : tensor<2x3xf32>
  %17 = qc.identity %16 : tensor<2x3xf32>
  %18 = qc.leaky_relu %x {alpha = 0.2 : f32} : tensor<2x3xf32> loc("lrelu")
  %19 = qc.elu %18 {alpha = 0.5 : f32} : tensor<2x3xf32> loc("elu")
  %20 = qc.hard_sigmoid %19 {alpha = 0.25 : f32, beta = 0.4 : f32} : tensor<2x3xf32> loc("hsig")
  %21 = qc.clip %20 {min = -1.0 : f32, max = 1.0 : f32} : tensor<2x3xf32> loc("clip_both")
  %22 = qc.clip %21 {min = -1.0 : f32} : tensor<2x3xf32> loc("clip_min")
  %23 = qc.clip %22 {max = 1.0 : f32} : tensor<2x3xf32> loc("clip_max")
  %24 = qc.gelu %x : tensor<2x3xf32> loc("gelu")
  %25 = qc.gelu %24 {approximate = #qc<gelu_approximation tanh>} : tensor<2x3xf32> loc("gelu_tanh")
  %bias = arith.constant dense<[0.5, -1.0, 2.0]> : tensor<3xf32> loc("bias")
  %26 = qc.add %25, %bias : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %27 = qc.sub %26, %5 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %28 = qc.mul %27, %7 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %29 = qc.div %28, %2 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %two = arith.constant dense<2.0> : tensor<f32>
  %30 = qc.pow %29, %two : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %31 = qc.max %30, %8 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %32 = qc.min %31, %23 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %33 = qc.add %32, %9 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %34 = qc.add %33, %12 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %35 = qc.add %34, %13 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = qc.prelu %35, %slope : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("prelu")
  return %y, %17, %x : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}
