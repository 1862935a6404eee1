// RUN: quant-opt %s -qc-prepare-entry -split-input-file -verify-diagnostics | FileCheck %s

// Results become output buffers written with materialize_in_destination;
// the runtime context is the last argument; attributes move along.
// CHECK-LABEL: func.func @qc_model_entry(
// CHECK-SAME:    %[[X:.*]]: tensor<4xf32> {onnx.name = "x"},
// CHECK-SAME:    %[[O0:.*]]: memref<4xf32> {onnx.name = "y"},
// CHECK-SAME:    %[[O1:.*]]: memref<2xi64> {onnx.name = "z"},
// CHECK-SAME:    %[[CTX:.*]]: !llvm.ptr) {
// CHECK:         %[[Y:.*]] = arith.addf
// CHECK:         bufferization.materialize_in_destination %[[Y]] in restrict writable %[[O0]]
// CHECK:         bufferization.materialize_in_destination %{{.*}} in restrict writable %[[O1]]
// CHECK:         return
// CHECK-NOT:     func.func @main
func.func @main(%x: tensor<4xf32> {onnx.name = "x"}) -> (tensor<4xf32> {onnx.name = "y"}, tensor<2xi64> {onnx.name = "z"}) {
  %y = arith.addf %x, %x : tensor<4xf32>
  %z = arith.constant dense<[1, 2]> : tensor<2xi64>
  return %y, %z : tensor<4xf32>, tensor<2xi64>
}

// -----

// expected-error @+1 {{expected exactly one public function (the model), found 2}}
module {
  func.func @a() { return }
  func.func @b() { return }
}

// -----

module {
  // expected-error @+1 {{expected statically shaped tensor results, found 'tensor<?xf32>' for result 0}}
  func.func @dyn(%x: tensor<?xf32>) -> tensor<?xf32> {
    return %x : tensor<?xf32>
  }
}
