// RUN: quant-opt %s -qc-cpu-vectorize-loops -split-input-file | FileCheck %s

// A requantization epilogue over a GEMM tile: the 16 columns become one
// vector step; per-row values stay scalar and are broadcast; properties
// (fastmath, predicates) are kept.
// CHECK-LABEL: func.func @full_rows(
// CHECK-SAME:    %[[ACC:.*]]: memref<8x144x16xi32>, %[[SCALE:.*]]: memref<8xf32>, %[[OUT:.*]]: memref<8x144x16xi8>)
// CHECK:         scf.parallel (%[[I:.*]], %[[J:.*]], %[[K:.*]]) = {{.*}} to (%c8, %c144, %c16) step (%c1, %c1, %c16{{.*}})
// CHECK-NOT:       create_mask
// CHECK:           %[[A:.*]] = vector.load %[[ACC]][%[[I]], %[[J]], %[[K]]] : memref<8x144x16xi32>, vector<16xi32>
// CHECK:           %[[S:.*]] = memref.load %[[SCALE]][%[[I]]] : memref<8xf32>
// CHECK:           %[[F:.*]] = arith.sitofp %[[A]] : vector<16xi32> to vector<16xf32>
// CHECK:           %[[SB:.*]] = vector.broadcast %[[S]] : f32 to vector<16xf32>
// CHECK:           %[[M:.*]] = arith.mulf %[[F]], %[[SB]] fastmath<contract> : vector<16xf32>
// CHECK:           %[[R:.*]] = math.roundeven %[[M]] : vector<16xf32>
// CHECK:           %[[CMP:.*]] = arith.cmpf ogt, %[[R]], %{{.*}} : vector<16xf32>
// CHECK:           %[[SEL:.*]] = arith.select %[[CMP]], %[[R]], %{{.*}} : vector<16xi1>, vector<16xf32>
// CHECK:           %[[Q:.*]] = arith.fptoui %[[SEL]] : vector<16xf32> to vector<16xi8>
// CHECK:           vector.store %[[Q]], %[[OUT]][%[[I]], %[[J]], %[[K]]] : memref<8x144x16xi8>, vector<16xi8>
// CHECK:         } {qc.vector_width = 16 : i64}
func.func @full_rows(%acc: memref<8x144x16xi32>, %scale: memref<8xf32>, %out: memref<8x144x16xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c144 = arith.constant 144 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%c8, %c144, %c16) step (%c1, %c1, %c1) {
    %a = memref.load %acc[%i, %j, %k] : memref<8x144x16xi32>
    %s = memref.load %scale[%i] : memref<8xf32>
    %f = arith.sitofp %a : i32 to f32
    %m = arith.mulf %f, %s fastmath<contract> : f32
    %r = math.roundeven %m : f32
    %c = arith.cmpf ogt, %r, %zero : f32
    %sel = arith.select %c, %r, %zero : f32
    %q = arith.fptoui %sel : f32 to i8
    memref.store %q, %out[%i, %j, %k] : memref<8x144x16xi8>
    scf.reduce
  }
  return
}

// -----

// Rows of 40 on a strided view: the last step is masked (lanes at and
// beyond the upper bound are neither loaded nor stored).
// CHECK-LABEL: func.func @masked_tail(
// CHECK:         scf.parallel (%[[I:.*]], %[[J:.*]]) = {{.*}} to (%c12, %c40) step (%c1, %c16)
// CHECK:           %[[LEFT:.*]] = arith.subi %c40, %[[J]] : index
// CHECK:           %[[MASK:.*]] = vector.create_mask %[[LEFT]] : vector<16xi1>
// CHECK:           %[[X:.*]] = vector.maskedload %{{.*}}[%[[I]], %[[J]]], %[[MASK]], %{{.*}} : memref<12x40xf32, strided<[80, 1], offset: ?>>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// CHECK:           %[[Y:.*]] = arith.divf %[[X]], %{{.*}} : vector<16xf32>
// CHECK:           vector.maskedstore %{{.*}}[%[[I]], %[[J]]], %[[MASK]], %[[Y]] : memref<12x40xf32>, vector<16xi1>, vector<16xf32>
// CHECK:         } {qc.vector_width = 16 : i64}
func.func @masked_tail(%in: memref<12x40xf32, strided<[80, 1], offset: ?>>, %out: memref<12x40xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c12 = arith.constant 12 : index
  %c40 = arith.constant 40 : index
  %six = arith.constant 6.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c12, %c40) step (%c1, %c1) {
    %x = memref.load %in[%i, %j] : memref<12x40xf32, strided<[80, 1], offset: ?>>
    %y = arith.divf %x, %six : f32
    memref.store %y, %out[%i, %j] : memref<12x40xf32>
    scf.reduce
  }
  return
}

// -----

// A loop whose body only stores a value that does not vary (a fill) gets a
// broadcast of it.
// CHECK-LABEL: func.func @fill(
// CHECK:         scf.parallel (%[[J:.*]]) =
// CHECK:           %[[B:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK:           vector.store %[[B]], %{{.*}}[%[[J]]] : memref<64xf32>, vector<16xf32>
func.func @fill(%out: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%j) = (%c0) to (%c64) step (%c1) {
    memref.store %zero, %out[%j] : memref<64xf32>
    scf.reduce
  }
  return
}

// -----

// Loops that stay scalar: a load along a non-contiguous dimension (a
// gather), an index computed from the induction variable, an innermost
// stride that is not 1, an integer division with a partial last vector, a
// store to one address, too few iterations, and a loop that is not
// innermost (its inner loop is vectorized).
// CHECK-LABEL: func.func @scalar_loops(
// CHECK-NOT:     vector.
// CHECK:         return
func.func @scalar_loops(%a: memref<64x64xf32>, %s: memref<64x64xf32, strided<[128, 2]>>, %i32: memref<40xi32>, %out: memref<64xf32>, %one: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c40 = arith.constant 40 : index
  %c64 = arith.constant 64 : index
  scf.parallel (%j) = (%c0) to (%c64) step (%c1) {
    %x = memref.load %a[%j, %c0] : memref<64x64xf32>
    memref.store %x, %out[%j] : memref<64xf32>
    scf.reduce
  }
  scf.parallel (%j) = (%c0) to (%c64) step (%c1) {
    %k = arith.muli %j, %c2 : index
    %x = memref.load %a[%c0, %k] : memref<64x64xf32>
    memref.store %x, %out[%j] : memref<64xf32>
    scf.reduce
  }
  scf.parallel (%j) = (%c0) to (%c64) step (%c1) {
    %x = memref.load %s[%c0, %j] : memref<64x64xf32, strided<[128, 2]>>
    memref.store %x, %out[%j] : memref<64xf32>
    scf.reduce
  }
  scf.parallel (%j) = (%c0) to (%c40) step (%c1) {
    %x = memref.load %i32[%j] : memref<40xi32>
    %c7 = arith.constant 7 : i32
    %y = arith.divsi %c7, %x : i32
    memref.store %y, %i32[%j] : memref<40xi32>
    scf.reduce
  }
  scf.parallel (%j) = (%c0) to (%c64) step (%c1) {
    %x = memref.load %out[%j] : memref<64xf32>
    memref.store %x, %one[%c0] : memref<1xf32>
    scf.reduce
  }
  scf.parallel (%j) = (%c0) to (%c3) step (%c1) {
    %x = memref.load %a[%c0, %j] : memref<64x64xf32>
    memref.store %x, %out[%j] : memref<64xf32>
    scf.reduce
  }
  return
}

// -----

// Only the innermost loop of a nest is vectorized.
// CHECK-LABEL: func.func @nest(
// CHECK:         scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step (%[[C1:.*]]) {
// CHECK:           scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step (%[[C16:.*]]) {
// CHECK:             vector.load
// CHECK:           } {qc.vector_width = 16 : i64}
// CHECK:           scf.reduce
// CHECK-NEXT:    }
// CHECK-NOT:     qc.vector_width
func.func @nest(%a: memref<64x64xf32>, %out: memref<64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    scf.parallel (%j) = (%c0) to (%c64) step (%c1) {
      %x = memref.load %a[%i, %j] : memref<64x64xf32>
      memref.store %x, %out[%i, %j] : memref<64x64xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}
