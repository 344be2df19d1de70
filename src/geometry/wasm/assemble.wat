;; Image assembly kernels (calibman ImageAssembler). Every op moves pixels of a frame area to an image area
;; of the same linear memory; element indices are scaled by the element size (shift 1 = 2 bytes, 2 = 4 bytes,
;; 3 = 8 bytes). Op tables are i32 records; a winner pixel appears in exactly one op, so the op order is free.
(module
  (import "env" "memory" (memory 1))

  ;; copy: (src, dst, len) → image[dst + j] = frame[src + j] (element size 1 << sh bytes: 2, 4 or 8); a SIMD
  ;; loop rather than memory.copy, whose per-call cost dominates for sensor-row runs
  (func (export "copy") (param $ops i32) (param $n i32) (param $src i32) (param $dst i32) (param $sh i32)
    (local $end i32) (local $s i32) (local $d i32) (local $bytes i32) (local $j i32)
    (local.set $end (i32.add (local.get $ops) (i32.mul (local.get $n) (i32.const 12))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ops) (local.get $end)))
        (local.set $s (i32.add (local.get $src) (i32.shl (i32.load (local.get $ops)) (local.get $sh))))
        (local.set $d (i32.add (local.get $dst) (i32.shl (i32.load offset=4 (local.get $ops)) (local.get $sh))))
        (local.set $bytes (i32.shl (i32.load offset=8 (local.get $ops)) (local.get $sh)))
        (local.set $j (i32.const 0))
        (block $vdone
          (loop $v
            (br_if $vdone (i32.gt_s (i32.add (local.get $j) (i32.const 16)) (local.get $bytes)))
            (v128.store (i32.add (local.get $d) (local.get $j)) (v128.load (i32.add (local.get $s) (local.get $j))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $v)))
        (block $tdone
          (loop $t
            (br_if $tdone (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $bytes)))
            (i32.store (i32.add (local.get $d) (local.get $j)) (i32.load (i32.add (local.get $s) (local.get $j))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $t)))
        ;; an odd 2-byte element last
        (if (i32.lt_s (local.get $j) (local.get $bytes))
          (then (i32.store16 (i32.add (local.get $d) (local.get $j)) (i32.load16_u (i32.add (local.get $s) (local.get $j))))))
        (local.set $ops (i32.add (local.get $ops) (i32.const 12)))
        (br $next))))

  ;; reverse, 4-byte elements: (src, dst, len) → image[dst - j] = frame[src + j]
  (func (export "rev32") (param $ops i32) (param $n i32) (param $src i32) (param $dst i32)
    (local $end i32) (local $s i32) (local $d i32) (local $len i32) (local $j i32)
    (local.set $end (i32.add (local.get $ops) (i32.mul (local.get $n) (i32.const 12))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ops) (local.get $end)))
        (local.set $s (i32.add (local.get $src) (i32.shl (i32.load (local.get $ops)) (i32.const 2))))
        (local.set $d (i32.add (local.get $dst) (i32.shl (i32.load offset=4 (local.get $ops)) (i32.const 2))))
        (local.set $len (i32.load offset=8 (local.get $ops)))
        (local.set $j (i32.const 0))
        ;; 4 at a time: frame[s+j .. s+j+3] → image[d-j-3 .. d-j] with the lanes reversed
        (block $v4done
          (loop $v4
            (br_if $v4done (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $len)))
            (v128.store
              (i32.sub (local.get $d) (i32.shl (i32.add (local.get $j) (i32.const 3)) (i32.const 2)))
              (i8x16.shuffle 12 13 14 15 8 9 10 11 4 5 6 7 0 1 2 3
                (v128.load (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 2))))
                (v128.const i32x4 0 0 0 0)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $v4)))
        (block $tdone
          (loop $t
            (br_if $tdone (i32.ge_s (local.get $j) (local.get $len)))
            (i32.store
              (i32.sub (local.get $d) (i32.shl (local.get $j) (i32.const 2)))
              (i32.load (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $t)))
        (local.set $ops (i32.add (local.get $ops) (i32.const 12)))
        (br $next))))

  ;; reverse, 8-byte elements
  (func (export "rev64") (param $ops i32) (param $n i32) (param $src i32) (param $dst i32)
    (local $end i32) (local $s i32) (local $d i32) (local $len i32) (local $j i32)
    (local.set $end (i32.add (local.get $ops) (i32.mul (local.get $n) (i32.const 12))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ops) (local.get $end)))
        (local.set $s (i32.add (local.get $src) (i32.shl (i32.load (local.get $ops)) (i32.const 3))))
        (local.set $d (i32.add (local.get $dst) (i32.shl (i32.load offset=4 (local.get $ops)) (i32.const 3))))
        (local.set $len (i32.load offset=8 (local.get $ops)))
        (local.set $j (i32.const 0))
        (block $tdone
          (loop $t
            (br_if $tdone (i32.ge_s (local.get $j) (local.get $len)))
            (i64.store
              (i32.sub (local.get $d) (i32.shl (local.get $j) (i32.const 3)))
              (i64.load (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 3)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $t)))
        (local.set $ops (i32.add (local.get $ops) (i32.const 12)))
        (br $next))))

  ;; 4×4 transposed blocks, 4-byte elements: (src, pitch, dst, step, count, dsrc, ddst, 0) → for t < count,
  ;; with s = src + t·dsrc and d = dst + t·ddst: image[d + i + j·step] = frame[s + i·pitch + j], i, j < 4
  ;; (pitch, step, dsrc, ddst signed)
  (func (export "blk32") (param $ops i32) (param $n i32) (param $src i32) (param $dst i32)
    (local $end i32) (local $s i32) (local $p i32) (local $d i32) (local $st i32) (local $cnt i32) (local $ds i32) (local $dd i32)
    (local $a v128) (local $b v128) (local $c v128) (local $e v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $end (i32.add (local.get $ops) (i32.shl (local.get $n) (i32.const 5))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ops) (local.get $end)))
        (local.set $s (i32.add (local.get $src) (i32.shl (i32.load (local.get $ops)) (i32.const 2))))
        (local.set $p (i32.shl (i32.load offset=4 (local.get $ops)) (i32.const 2)))
        (local.set $d (i32.add (local.get $dst) (i32.shl (i32.load offset=8 (local.get $ops)) (i32.const 2))))
        (local.set $st (i32.shl (i32.load offset=12 (local.get $ops)) (i32.const 2)))
        (local.set $cnt (i32.load offset=16 (local.get $ops)))
        (local.set $ds (i32.shl (i32.load offset=20 (local.get $ops)) (i32.const 2)))
        (local.set $dd (i32.shl (i32.load offset=24 (local.get $ops)) (i32.const 2)))
        (loop $blocks
          (local.set $a (v128.load (local.get $s)))
          (local.set $b (v128.load (i32.add (local.get $s) (local.get $p))))
          (local.set $c (v128.load (i32.add (local.get $s) (i32.shl (local.get $p) (i32.const 1)))))
          (local.set $e (v128.load (i32.add (local.get $s) (i32.mul (local.get $p) (i32.const 3)))))
          ;; t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3, t2 = c0 e0 c1 e1, t3 = c2 e2 c3 e3
          (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
          (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
          (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c) (local.get $e)))
          (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c) (local.get $e)))
          (v128.store (local.get $d)
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
          (v128.store (i32.add (local.get $d) (local.get $st))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
          (v128.store (i32.add (local.get $d) (i32.shl (local.get $st) (i32.const 1)))
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
          (v128.store (i32.add (local.get $d) (i32.mul (local.get $st) (i32.const 3)))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
          (local.set $s (i32.add (local.get $s) (local.get $ds)))
          (local.set $d (i32.add (local.get $d) (local.get $dd)))
          (local.set $cnt (i32.sub (local.get $cnt) (i32.const 1)))
          (br_if $blocks (local.get $cnt)))
        (local.set $ops (i32.add (local.get $ops) (i32.const 32)))
        (br $next))))

  ;; 4×4 transposed blocks, 8-byte elements (scalar moves), same records as blk32
  (func (export "blk64") (param $ops i32) (param $n i32) (param $src i32) (param $dst i32)
    (local $end i32) (local $s i32) (local $p i32) (local $d i32) (local $st i32) (local $i i32) (local $j i32)
    (local $cnt i32) (local $ds i32) (local $dd i32)
    (local.set $end (i32.add (local.get $ops) (i32.shl (local.get $n) (i32.const 5))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ops) (local.get $end)))
        (local.set $s (i32.add (local.get $src) (i32.shl (i32.load (local.get $ops)) (i32.const 3))))
        (local.set $p (i32.shl (i32.load offset=4 (local.get $ops)) (i32.const 3)))
        (local.set $d (i32.add (local.get $dst) (i32.shl (i32.load offset=8 (local.get $ops)) (i32.const 3))))
        (local.set $st (i32.shl (i32.load offset=12 (local.get $ops)) (i32.const 3)))
        (local.set $cnt (i32.load offset=16 (local.get $ops)))
        (local.set $ds (i32.shl (i32.load offset=20 (local.get $ops)) (i32.const 3)))
        (local.set $dd (i32.shl (i32.load offset=24 (local.get $ops)) (i32.const 3)))
        (loop $blocks
          (local.set $i (i32.const 0))
          (loop $rows
            (local.set $j (i32.const 0))
            (loop $cols
              (i64.store
                (i32.add (i32.add (local.get $d) (i32.shl (local.get $i) (i32.const 3))) (i32.mul (local.get $j) (local.get $st)))
                (i64.load (i32.add (i32.add (local.get $s) (i32.mul (local.get $i) (local.get $p))) (i32.shl (local.get $j) (i32.const 3)))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br_if $cols (i32.lt_u (local.get $j) (i32.const 4))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $rows (i32.lt_u (local.get $i) (i32.const 4))))
          (local.set $s (i32.add (local.get $s) (local.get $ds)))
          (local.set $d (i32.add (local.get $d) (local.get $dd)))
          (local.set $cnt (i32.sub (local.get $cnt) (i32.const 1)))
          (br_if $blocks (local.get $cnt)))
        (local.set $ops (i32.add (local.get $ops) (i32.const 32)))
        (br $next))))

  ;; single pixels: (src, dst) → image[dst] = frame[src]
  (func (export "one32") (param $ops i32) (param $n i32) (param $src i32) (param $dst i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $ops) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ops) (local.get $end)))
        (i32.store
          (i32.add (local.get $dst) (i32.shl (i32.load offset=4 (local.get $ops)) (i32.const 2)))
          (i32.load (i32.add (local.get $src) (i32.shl (i32.load (local.get $ops)) (i32.const 2)))))
        (local.set $ops (i32.add (local.get $ops) (i32.const 8)))
        (br $next))))

  (func (export "one64") (param $ops i32) (param $n i32) (param $src i32) (param $dst i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $ops) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ops) (local.get $end)))
        (i64.store
          (i32.add (local.get $dst) (i32.shl (i32.load offset=4 (local.get $ops)) (i32.const 3)))
          (i64.load (i32.add (local.get $src) (i32.shl (i32.load (local.get $ops)) (i32.const 3)))))
        (local.set $ops (i32.add (local.get $ops) (i32.const 8)))
        (br $next))))

  ;; zero: (dst, len) → image[dst + j] = 0 for the bins no pixel reaches (element size 1 << sh bytes, 2, 4 or 8)
  (func (export "zero") (param $ops i32) (param $n i32) (param $dst i32) (param $sh i32)
    (local $end i32) (local $d i32) (local $bytes i32) (local $j i32)
    (local.set $end (i32.add (local.get $ops) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ops) (local.get $end)))
        (local.set $d (i32.add (local.get $dst) (i32.shl (i32.load (local.get $ops)) (local.get $sh))))
        (local.set $bytes (i32.shl (i32.load offset=4 (local.get $ops)) (local.get $sh)))
        (local.set $j (i32.const 0))
        (block $vdone
          (loop $v
            (br_if $vdone (i32.gt_s (i32.add (local.get $j) (i32.const 16)) (local.get $bytes)))
            (v128.store (i32.add (local.get $d) (local.get $j)) (v128.const i32x4 0 0 0 0))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $v)))
        (block $tdone
          (loop $t
            (br_if $tdone (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $bytes)))
            (i32.store (i32.add (local.get $d) (local.get $j)) (i32.const 0))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $t)))
        (if (i32.lt_s (local.get $j) (local.get $bytes))
          (then (i32.store16 (i32.add (local.get $d) (local.get $j)) (i32.const 0))))
        (local.set $ops (i32.add (local.get $ops) (i32.const 8)))
        (br $next))))

  ;; reverse, 2-byte elements: (src, dst, len) → image[dst - j] = frame[src + j]
  (func (export "rev16") (param $ops i32) (param $n i32) (param $src i32) (param $dst i32)
    (local $end i32) (local $s i32) (local $d i32) (local $len i32) (local $j i32)
    (local.set $end (i32.add (local.get $ops) (i32.mul (local.get $n) (i32.const 12))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ops) (local.get $end)))
        (local.set $s (i32.add (local.get $src) (i32.shl (i32.load (local.get $ops)) (i32.const 1))))
        (local.set $d (i32.add (local.get $dst) (i32.shl (i32.load offset=4 (local.get $ops)) (i32.const 1))))
        (local.set $len (i32.load offset=8 (local.get $ops)))
        (local.set $j (i32.const 0))
        ;; 8 at a time: frame[s+j .. s+j+7] → image[d-j-7 .. d-j] with the lanes reversed
        (block $v8done
          (loop $v8
            (br_if $v8done (i32.gt_s (i32.add (local.get $j) (i32.const 8)) (local.get $len)))
            (v128.store
              (i32.sub (local.get $d) (i32.shl (i32.add (local.get $j) (i32.const 7)) (i32.const 1)))
              (i8x16.shuffle 14 15 12 13 10 11 8 9 6 7 4 5 2 3 0 1
                (v128.load (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 1))))
                (v128.const i32x4 0 0 0 0)))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $v8)))
        (block $tdone
          (loop $t
            (br_if $tdone (i32.ge_s (local.get $j) (local.get $len)))
            (i32.store16
              (i32.sub (local.get $d) (i32.shl (local.get $j) (i32.const 1)))
              (i32.load16_u (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 1)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $t)))
        (local.set $ops (i32.add (local.get $ops) (i32.const 12)))
        (br $next))))

  ;; 4×4 transposed blocks, 2-byte elements, same records as blk32: four 8-byte rows in, four 8-byte rows out
  (func (export "blk16") (param $ops i32) (param $n i32) (param $src i32) (param $dst i32)
    (local $end i32) (local $s i32) (local $p i32) (local $d i32) (local $st i32) (local $cnt i32) (local $ds i32) (local $dd i32)
    (local $ab v128) (local $ce v128) (local $r01 v128) (local $r23 v128)
    (local.set $end (i32.add (local.get $ops) (i32.shl (local.get $n) (i32.const 5))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ops) (local.get $end)))
        (local.set $s (i32.add (local.get $src) (i32.shl (i32.load (local.get $ops)) (i32.const 1))))
        (local.set $p (i32.shl (i32.load offset=4 (local.get $ops)) (i32.const 1)))
        (local.set $d (i32.add (local.get $dst) (i32.shl (i32.load offset=8 (local.get $ops)) (i32.const 1))))
        (local.set $st (i32.shl (i32.load offset=12 (local.get $ops)) (i32.const 1)))
        (local.set $cnt (i32.load offset=16 (local.get $ops)))
        (local.set $ds (i32.shl (i32.load offset=20 (local.get $ops)) (i32.const 1)))
        (local.set $dd (i32.shl (i32.load offset=24 (local.get $ops)) (i32.const 1)))
        (loop $blocks
          ;; ab = a0 b0 a1 b1 a2 b2 a3 b3, ce = c0 e0 c1 e1 c2 e2 c3 e3 (rows a, b, c, e of the block)
          (local.set $ab (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23
            (v128.load64_zero (local.get $s))
            (v128.load64_zero (i32.add (local.get $s) (local.get $p)))))
          (local.set $ce (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23
            (v128.load64_zero (i32.add (local.get $s) (i32.shl (local.get $p) (i32.const 1))))
            (v128.load64_zero (i32.add (local.get $s) (i32.mul (local.get $p) (i32.const 3))))))
          ;; r01 = (a0 b0 c0 e0 | a1 b1 c1 e1), r23 = (a2 b2 c2 e2 | a3 b3 c3 e3)
          (local.set $r01 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $ab) (local.get $ce)))
          (local.set $r23 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $ab) (local.get $ce)))
          (v128.store64_lane 0 (local.get $d) (local.get $r01))
          (v128.store64_lane 1 (i32.add (local.get $d) (local.get $st)) (local.get $r01))
          (v128.store64_lane 0 (i32.add (local.get $d) (i32.shl (local.get $st) (i32.const 1))) (local.get $r23))
          (v128.store64_lane 1 (i32.add (local.get $d) (i32.mul (local.get $st) (i32.const 3))) (local.get $r23))
          (local.set $s (i32.add (local.get $s) (local.get $ds)))
          (local.set $d (i32.add (local.get $d) (local.get $dd)))
          (local.set $cnt (i32.sub (local.get $cnt) (i32.const 1)))
          (br_if $blocks (local.get $cnt)))
        (local.set $ops (i32.add (local.get $ops) (i32.const 32)))
        (br $next))))

  (func (export "one16") (param $ops i32) (param $n i32) (param $src i32) (param $dst i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $ops) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ops) (local.get $end)))
        (i32.store16
          (i32.add (local.get $dst) (i32.shl (i32.load offset=4 (local.get $ops)) (i32.const 1)))
          (i32.load16_u (i32.add (local.get $src) (i32.shl (i32.load (local.get $ops)) (i32.const 1)))))
        (local.set $ops (i32.add (local.get $ops) (i32.const 8)))
        (br $next))))
)
