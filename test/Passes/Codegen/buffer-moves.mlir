// strata-lower-vector-tiles: copies between static buffers and fills of
// static buffers become vector stores in rows of up to 256 bytes; with
// parallel=true, those of 64 KiB or more at a kernel's top level (run by
// one thread, outside the parallel tiles) become scf.parallel loops over
// their outermost dimension of more than one row.
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-lower-vector-tiles{parallel=true}))' | FileCheck %s --check-prefixes=CHECK,PAR
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-lower-vector-tiles))' | FileCheck %s --check-prefixes=CHECK,SEQ

// A padded input (a max pool's): the border value fills the whole buffer
// (linalg.map, as bufferizing tensor.pad makes it), then the input is
// copied into its interior. Both are 58 rows of vectors; in parallel,
// rows are shared.
// CHECK-LABEL: func.func @padded
// PAR: scf.parallel (%{{.*}}) = (%c0) to (%c58) step (%c1)
// SEQ-NOT: scf.parallel
// SEQ: scf.for %{{.*}} = %c0 to %c58 step %c1
// CHECK: vector.store %{{.*}} : memref<64xf32, {{.*}}>, vector<64xf32>
// PAR: scf.parallel (%{{.*}}) = (%c0) to (%c56) step (%c1)
// SEQ: scf.for %{{.*}} = %c0 to %c56 step %c1
// CHECK: vector.load
// CHECK: vector.store
// CHECK-NOT: linalg.map
// CHECK-NOT: memref.copy
func.func @padded(%x: memref<1x56x56x64xf32>, %out: memref<1x58x58x64xf32>) {
  %cst = arith.constant -3.40282347E+38 : f32
  linalg.map outs(%out : memref<1x58x58x64xf32>)
    (%init: f32) {
      linalg.yield %cst : f32
    }
  %interior = memref.subview %out[0, 1, 1, 0] [1, 56, 56, 64] [1, 1, 1, 1] : memref<1x58x58x64xf32> to memref<1x56x56x64xf32, strided<[215296, 3712, 64, 1], offset: 3776>>
  memref.copy %x, %interior : memref<1x56x56x64xf32> to memref<1x56x56x64xf32, strided<[215296, 3712, 64, 1], offset: 3776>>
  return
}

// -----

// Below 64 KiB a copy stays one thread's; inside a parallel loop (an
// outer tile's copy) it is already shared.
// CHECK-LABEL: func.func @small_or_nested
// CHECK-NOT: scf.parallel (%{{.*}}) = (%c0) to (%c8)
// CHECK: scf.for %{{.*}} = %c0 to %c8 step %c1
// CHECK: vector.store
// CHECK: scf.parallel (%{{.*}}) = (%c0) to (%c4) step (%c1)
// CHECK-NOT: scf.parallel
// CHECK: scf.for %{{.*}} = %c0 to %c512 step %c1
// CHECK: vector.store
func.func @small_or_nested(%a: memref<8x64xf32>, %b: memref<8x64xf32>, %c: memref<4x512x64xf32>, %d: memref<4x512x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  memref.copy %a, %b : memref<8x64xf32> to memref<8x64xf32>
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %src = memref.subview %c[%i, 0, 0] [1, 512, 64] [1, 1, 1] : memref<4x512x64xf32> to memref<512x64xf32, strided<[64, 1], offset: ?>>
    %dst = memref.subview %d[%i, 0, 0] [1, 512, 64] [1, 1, 1] : memref<4x512x64xf32> to memref<512x64xf32, strided<[64, 1], offset: ?>>
    memref.copy %src, %dst : memref<512x64xf32, strided<[64, 1], offset: ?>> to memref<512x64xf32, strided<[64, 1], offset: ?>>
    scf.reduce
  }
  return
}

// -----

// Rows are the innermost dimension of more than one element (an image read
// as NDHWC has one channel: trailing unit dimensions ride along). Rows no
// good vector width divides (37 floats: a padded 36-wide image) in a
// buffer contiguous beyond them become one row of the merged dimensions
// (the whole fill: 111 floats); a row that stays one (the copy into the
// interior) moves in parts, 32 + 4, in one loop over the rows. Each part
// is one vector of a power-of-two width, not one element at a time.
// CHECK-LABEL: func.func @odd_rows
// CHECK: memref.collapse_shape %arg1 {{\[}}[0, 1, 2]] : memref<3x37x1xf32> into memref<111xf32>
// CHECK-NOT: scf.for
// CHECK: vector.store %{{.*}} vector<64xf32>
// CHECK: vector.store %{{.*}} vector<32xf32>
// CHECK: vector.store %{{.*}} vector<8xf32>
// CHECK: vector.store %{{.*}} vector<4xf32>
// CHECK: vector.store %{{.*}} vector<2xf32>
// CHECK: vector.store %{{.*}} : memref<f32, {{.*}}>, vector<f32>
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1
// CHECK-NOT: scf.for
// CHECK: vector.load %{{.*}} : memref<32xf32, {{.*}}>, vector<32xf32>
// CHECK-NOT: scf.for
// CHECK: memref.subview %{{.*}}[0, 32, 0] [1, 4, 1]
// CHECK-NOT: scf.for
// CHECK: vector.load %{{.*}} : memref<4xf32, {{.*}}>, vector<4xf32>
// CHECK-NOT: linalg.fill
// CHECK-NOT: memref.copy
func.func @odd_rows(%x: memref<3x36x1xf32>, %out: memref<3x37x1xf32>) {
  %cst = arith.constant 0.0 : f32
  linalg.fill ins(%cst : f32) outs(%out : memref<3x37x1xf32>)
  %interior = memref.subview %out[0, 1, 0] [3, 36, 1] [1, 1, 1] : memref<3x37x1xf32> to memref<3x36x1xf32, strided<[37, 1, 1], offset: 1>>
  memref.copy %x, %interior : memref<3x36x1xf32> to memref<3x36x1xf32, strided<[37, 1, 1], offset: 1>>
  return
}

// -----

// Rows of 3 channels in contiguous buffers: one row of 15, 8 + 4 + 2 + 1.
// CHECK-LABEL: func.func @short_rows
// CHECK-NOT: scf.for
// CHECK: vector.load %{{.*}} vector<8xf32>
// CHECK: vector.load %{{.*}} vector<4xf32>
// CHECK: vector.load %{{.*}} vector<2xf32>
// CHECK: vector.load %{{.*}} : memref<f32, {{.*}}>, vector<f32>
// CHECK-NOT: memref.copy
func.func @short_rows(%x: memref<5x3xf32>, %out: memref<5x3xf32>) {
  memref.copy %x, %out : memref<5x3xf32> to memref<5x3xf32>
  return
}

// -----

// A short row in a buffer not contiguous beyond it (3 of 4 channels) is
// one vector per row.
// CHECK-LABEL: func.func @short_strided_rows
// CHECK: scf.for %{{.*}} = %c0 to %c5 step %c1
// CHECK: vector.load %{{.*}} : memref<3xf32, {{.*}}>, vector<3xf32>
// CHECK: vector.store %{{.*}} : memref<3xf32, {{.*}}>, vector<3xf32>
func.func @short_strided_rows(%x: memref<5x3xf32>, %out: memref<5x4xf32>) {
  %part = memref.subview %out[0, 0] [5, 3] [1, 1] : memref<5x4xf32> to memref<5x3xf32, strided<[4, 1]>>
  memref.copy %x, %part : memref<5x3xf32> to memref<5x3xf32, strided<[4, 1]>>
  return
}

// -----

// A new buffer filled whole, then overwritten in a box by a copy (a padded
// input, as tensor.pad bufferizes) has only its border filled: per
// dimension, the slabs before and after the box (rows 0 and 9; then,
// inside rows 1-8, columns 0 and 9). The interior is written once.
// CHECK-LABEL: func.func @padded_alloc
// CHECK: %[[BUF:.*]] = memref.alloc() : memref<1x10x10x16xf32>
// CHECK: memref.subview %[[BUF]][0, 0, 0, 0] [1, 1, 10, 16] [1, 1, 1, 1]
// CHECK: vector.store
// CHECK: memref.subview %[[BUF]][0, 9, 0, 0] [1, 1, 10, 16] [1, 1, 1, 1]
// CHECK: vector.store
// CHECK: memref.subview %[[BUF]][0, 1, 0, 0] [1, 8, 1, 16] [1, 1, 1, 1]
// CHECK: vector.store
// CHECK: memref.subview %[[BUF]][0, 1, 9, 0] [1, 8, 1, 16] [1, 1, 1, 1]
// CHECK: vector.store
// CHECK: memref.subview %[[BUF]][0, 1, 1, 0] [1, 8, 8, 16] [1, 1, 1, 1]
// CHECK: vector.load
// CHECK-NOT: linalg.map
func.func @padded_alloc(%x: memref<1x8x8x16xf32>, %y: memref<1x10x10x16xf32>) {
  %cst = arith.constant 0.0 : f32
  %buf = memref.alloc() : memref<1x10x10x16xf32>
  linalg.map outs(%buf : memref<1x10x10x16xf32>)
    (%init: f32) {
      linalg.yield %cst : f32
    }
  %interior = memref.subview %buf[0, 1, 1, 0] [1, 8, 8, 16] [1, 1, 1, 1] : memref<1x10x10x16xf32> to memref<1x8x8x16xf32, strided<[1600, 160, 16, 1], offset: 176>>
  memref.copy %x, %interior : memref<1x8x8x16xf32> to memref<1x8x8x16xf32, strided<[1600, 160, 16, 1], offset: 176>>
  memref.copy %buf, %y : memref<1x10x10x16xf32> to memref<1x10x10x16xf32>
  return
}

// -----

// Read before the copy: the whole buffer is filled (10 x 10 rows).
// CHECK-LABEL: func.func @read_before_copy
// CHECK: %[[BUF:.*]] = memref.alloc() : memref<1x10x10x16xf32>
// CHECK-NOT: memref.subview %[[BUF]][0, 0, 0, 0] [1, 1, 10, 16]
// CHECK: scf.for %{{.*}} = %c0 to %c10 step %c1
// CHECK: scf.for %{{.*}} = %c0 to %c10 step %c1
// CHECK: vector.store
func.func @read_before_copy(%x: memref<1x8x8x16xf32>, %y: memref<1x10x10x16xf32>) {
  %cst = arith.constant 0.0 : f32
  %buf = memref.alloc() : memref<1x10x10x16xf32>
  linalg.fill ins(%cst : f32) outs(%buf : memref<1x10x10x16xf32>)
  memref.copy %buf, %y : memref<1x10x10x16xf32> to memref<1x10x10x16xf32>
  %interior = memref.subview %buf[0, 1, 1, 0] [1, 8, 8, 16] [1, 1, 1, 1] : memref<1x10x10x16xf32> to memref<1x8x8x16xf32, strided<[1600, 160, 16, 1], offset: 176>>
  memref.copy %x, %interior : memref<1x8x8x16xf32> to memref<1x8x8x16xf32, strided<[1600, 160, 16, 1], offset: 176>>
  return
}
