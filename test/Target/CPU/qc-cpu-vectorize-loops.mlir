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
// CHECK-NEXT:      %[[SB:.*]] = vector.broadcast %[[S]] : f32 to vector<16xf32>
// CHECK:           %[[F:.*]] = arith.sitofp %[[A]] : vector<16xi32> to vector<16xf32>
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

// -----

// A 2x2 stride-2 max pool: the window loops keep running per step, their
// loop-carried maximum becomes a vector, and the input, read at 2 * ow + kw,
// is one masked load of the 31 elements the 16 lanes span (never past the
// last lane's element), then its even lanes.
// CHECK-LABEL: func.func @max_pool(
// CHECK:         scf.parallel (%[[C:.*]], %[[OW:.*]]) = {{.*}} to (%c8, %c48) step (%c1, %c16{{.*}})
// CHECK:           %[[INIT:.*]] = vector.load %{{.*}}[%[[C]], %[[OW]]] : memref<8x48xf32>, vector<16xf32>
// CHECK:           %[[R:.*]] = scf.for %[[KH:.*]] = {{.*}} iter_args(%[[A0:.*]] = %[[INIT]]) -> (vector<16xf32>) {
// CHECK:             %[[R1:.*]] = scf.for %[[KW:.*]] = {{.*}} iter_args(%[[A1:.*]] = %[[A0]]) -> (vector<16xf32>) {
// CHECK:               %[[IDX:.*]] = affine.apply #{{.*}}(%[[OW]], %[[KW]])
// CHECK:               %[[SPAN:.*]] = arith.constant 31 : index
// CHECK:               %[[M:.*]] = vector.create_mask %[[SPAN]] : vector<32xi1>
// CHECK:               %[[ALL:.*]] = vector.maskedload %{{.*}}[%[[C]], %[[KH]], %[[IDX]]], %[[M]], %{{.*}} : memref<8x2x96xf32>, vector<32xi1>, vector<32xf32> into vector<32xf32>
// CHECK:               %[[EVEN:.*]] = vector.shuffle %[[ALL]], %[[ALL]] [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]
// CHECK:               %[[MAX:.*]] = arith.maximumf %[[A1]], %[[EVEN]] : vector<16xf32>
// CHECK:               scf.yield %[[MAX]] : vector<16xf32>
// CHECK:             scf.yield %[[R1]] : vector<16xf32>
// CHECK:           vector.store %[[R]], %{{.*}}[%[[C]], %[[OW]]] : memref<8x48xf32>, vector<16xf32>
// CHECK:         } {qc.vector_width = 16 : i64}
#pool = affine_map<(d0, d1) -> (d0 * 2 + d1)>
func.func @max_pool(%in: memref<8x2x96xf32>, %out: memref<8x48xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c48 = arith.constant 48 : index
  scf.parallel (%c, %ow) = (%c0, %c0) to (%c8, %c48) step (%c1, %c1) {
    %init = memref.load %out[%c, %ow] : memref<8x48xf32>
    %r = scf.for %kh = %c0 to %c2 step %c1 iter_args(%a0 = %init) -> (f32) {
      %r1 = scf.for %kw = %c0 to %c2 step %c1 iter_args(%a1 = %a0) -> (f32) {
        %i = affine.apply #pool(%ow, %kw)
        %x = memref.load %in[%c, %kh, %i] : memref<8x2x96xf32>
        %m = arith.maximumf %a1, %x : f32
        scf.yield %m : f32
      }
      scf.yield %r1 : f32
    }
    memref.store %r, %out[%c, %ow] : memref<8x48xf32>
    scf.reduce
  }
  return
}

// -----

// A 3-wide stride-3 average over 20 outputs: the last step is masked, and
// the strided load's span is 3 * (left - 1) + 1 elements. The sum starts
// at a value that does not vary, and becomes a vector anyway; values from
// outside the loop (0, the divisor) are broadcast at the start of the body.
// CHECK-LABEL: func.func @avg_tail(
// CHECK:         scf.parallel (%[[J:.*]]) = {{.*}} to (%c20) step (%c16{{.*}})
// CHECK-NEXT:      %[[DIV:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK-NEXT:      %[[ZERO:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK-NEXT:      %[[LEFT:.*]] = arith.subi %c20, %[[J]] : index
// CHECK-NEXT:      %[[MASK:.*]] = vector.create_mask %[[LEFT]] : vector<16xi1>
// CHECK:           scf.for {{.*}} iter_args(%{{.*}} = %[[ZERO]]) -> (vector<16xf32>) {
// CHECK:             %[[PREV:.*]] = arith.subi %[[LEFT]], %{{.*}} : index
// CHECK:             %[[MUL:.*]] = arith.muli %[[PREV]], %{{.*}} : index
// CHECK:             %[[SPAN:.*]] = arith.addi %[[MUL]], %{{.*}} : index
// CHECK:             %[[M:.*]] = vector.create_mask %[[SPAN]] : vector<48xi1>
// CHECK:             vector.maskedload {{.*}} : memref<60xf32>, vector<48xi1>, vector<48xf32> into vector<48xf32>
// CHECK:             vector.shuffle {{.*}} [0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45]
// CHECK:           arith.divf %{{.*}}, %[[DIV]] : vector<16xf32>
// CHECK:           vector.maskedstore %{{.*}}[%[[J]]], %[[MASK]], %{{.*}} : memref<20xf32>, vector<16xi1>, vector<16xf32>
#win3 = affine_map<(d0)[s0] -> (d0 * 3 + s0)>
func.func @avg_tail(%in: memref<60xf32>, %out: memref<20xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c20 = arith.constant 20 : index
  %zero = arith.constant 0.0 : f32
  %three = arith.constant 3.0 : f32
  scf.parallel (%j) = (%c0) to (%c20) step (%c1) {
    %s = scf.for %k = %c0 to %c3 step %c1 iter_args(%acc = %zero) -> (f32) {
      %i = affine.apply #win3(%j)[%k]
      %x = memref.load %in[%i] : memref<60xf32>
      %y = arith.addf %acc, %x : f32
      scf.yield %y : f32
    }
    %avg = arith.divf %s, %three : f32
    memref.store %avg, %out[%j] : memref<20xf32>
    scf.reduce
  }
  return
}

// -----

// A stride-1 window (ow + kw) reads contiguous vectors at the applied
// index, without a shuffle.
// CHECK-LABEL: func.func @window_stride1(
// CHECK:         scf.for {{.*}} -> (vector<16xf32>) {
// CHECK:           %[[I:.*]] = affine.apply
// CHECK-NEXT:      %[[X:.*]] = vector.load %{{.*}}[%[[I]]] : memref<66xf32>, vector<16xf32>
// CHECK-NOT:       vector.shuffle
// CHECK:         } {qc.vector_width = 16 : i64}
#win1 = affine_map<(d0, d1) -> (d0 + d1)>
func.func @window_stride1(%in: memref<66xf32>, %out: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%j) = (%c0) to (%c64) step (%c1) {
    %s = scf.for %k = %c0 to %c3 step %c1 iter_args(%acc = %zero) -> (f32) {
      %i = affine.apply #win1(%j, %k)
      %x = memref.load %in[%i] : memref<66xf32>
      %y = arith.addf %acc, %x : f32
      scf.yield %y : f32
    }
    memref.store %s, %out[%j] : memref<64xf32>
    scf.reduce
  }
  return
}

// -----

// Window loops that stay scalar: a store inside the window loop, a window
// bound that varies, a strided index used as a store index, a stride
// above 4, and an index that is not linear (floordiv).
// CHECK-LABEL: func.func @scalar_windows(
// CHECK-NOT:     vector.
// CHECK:         return
#s2 = affine_map<(d0, d1) -> (d0 * 2 + d1)>
#s5 = affine_map<(d0) -> (d0 * 5)>
#half = affine_map<(d0) -> (d0 floordiv 2 + d0 * 2)>
func.func @scalar_windows(%in: memref<256xf32>, %out: memref<64xf32>, %wide: memref<128xf32>, %n: memref<64xindex>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c48 = arith.constant 48 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%j) = (%c0) to (%c64) step (%c1) {
    scf.for %k = %c0 to %c2 step %c1 {
      %x = memref.load %in[%j] : memref<256xf32>
      memref.store %x, %out[%j] : memref<64xf32>
    }
    scf.reduce
  }
  scf.parallel (%j) = (%c0) to (%c64) step (%c1) {
    %ub = memref.load %n[%j] : memref<64xindex>
    %s = scf.for %k = %c0 to %ub step %c1 iter_args(%acc = %zero) -> (f32) {
      %x = memref.load %in[%k] : memref<256xf32>
      %y = arith.addf %acc, %x : f32
      scf.yield %y : f32
    }
    memref.store %s, %out[%j] : memref<64xf32>
    scf.reduce
  }
  scf.parallel (%j) = (%c0) to (%c64) step (%c1) {
    %i = affine.apply #s2(%j, %c0)
    %x = memref.load %in[%i] : memref<256xf32>
    memref.store %x, %wide[%i] : memref<128xf32>
    scf.reduce
  }
  scf.parallel (%j) = (%c0) to (%c48) step (%c1) {
    %i = affine.apply #s5(%j)
    %x = memref.load %in[%i] : memref<256xf32>
    memref.store %x, %out[%j] : memref<64xf32>
    scf.reduce
  }
  scf.parallel (%j) = (%c0) to (%c48) step (%c1) {
    %i = affine.apply #half(%j)
    %x = memref.load %in[%i] : memref<256xf32>
    memref.store %x, %out[%j] : memref<64xf32>
    scf.reduce
  }
  return
}
