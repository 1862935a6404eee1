func.func @main(%x: tensor<2xf32>) -> tensor<3xf32> {
  %0 = qc.reshape %x : (tensor<2xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
