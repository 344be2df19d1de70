;; The per-event calibration of int16 frames with 128-bit SIMD (src/calibration/fast-calib.ts): for one
;; pixel group (region) at a time, out = f32(raw − pedestal), common-mode algorithm 1 (integer histogram of
;; the good pixels' values rounded half away from zero, bins −1000 … 1999, its refined peak), then
;; f32(f64(out) − correction) × factor, written to the calibrated frame or scattered into the image (for
;; regions visited row by row, the correction and factor are applied as the values are moved).
;; The same arithmetic as the JavaScript path (src/calibration/common-mode.ts), bit for bit.
;; Source of src/calibration/wasm/fast-calib-wasm.ts (regenerate: UPDATE_WASM=1 npx vitest run
;; test/calibration/wasm-modules.test.ts); the memory is shared when helper threads take regions.
;;
;; Parameter block at byte 256 (i32 unless noted): 256 raw (int16), 260 pedestals (f32), 264 flags (u8 per
;; pixel: bit 0 = left out of the common-mode estimate, set for bad pixels and NaN pedestals, bit 1 =
;; factor 0), 268 factor (f32, each region's pixels in its value order: rows of its columns, or columns
;; of its rows where the values are kept column by column), 272 frame out (f32), 276 bins (i32 byte address
;; in the image of each pixel in each region's traversal order; losers point at a spare slot), 280 region
;; table (i32, 64 bytes a region: start, rows, cols, rowStep, first bin or record, columns outer (1: visited
;; column by column, 2: values kept column by column, with runs), scatter count or start address, first
;; value index, i.e. its factors' offset, then its first entry and number of entries in the list at 356,
;; and in the list at 360), 288 scratch of thread 0, 292 scratch bytes per thread, 296 factor mode (0 none,
;; 1 flags bit 1, 2 factor array, 3 images from runs: the masked pixels' image addresses listed at 360,
;; stored times 0 after the scatter), 300 destination (0 frame, 1 image),
;; 304 common mode (0 none, 1 algorithm 1), 308 peak threshold (counts), 312 corrections (f64 per work item),
;; 320 largest |correction| (f64), 328 largest sigma (f64), 336 scatter mode (0: 276 holds i32 addresses,
;; 1: 276 holds one step code byte per pixel, 2: 276 holds run records, see $scatterRuns), 340 step table
;; (256 i32: bytes from one pixel's store address to the next), 344 raw (int16) of a job's second frame,
;; 348 bytes from the first frame's output (frame or image) to the second frame's, 352 regions in the
;; table (n; a job of two frames has 2n work items, see "regions"), 356 list of the value indices (in
;; the region's values) of the pixels left out of the estimate that pass 1 counts anyway, 360 list of
;; image byte addresses (factor mode 3). With codes, a region's table entry holds
;; (offset 24) the image address its first pixel stores to; with runs, (offset 16) the byte offset of its
;; first record from 276's address and (offset 24) its number of records.
;; Scratch of a thread: 4 lane histograms of 3008 i32 (bin 3000 takes what is not counted), the merged
;; histogram (3008 i32), then the region's pixel values (f32).
(module
  (import "env" "memory" (memory 1 65536 shared))

  (func $peak (param $h i32) (result f64)
    (local $i i32) (local $thresh i32) (local $pos i32) (local $cnt i32) (local $half i32) (local $right i32)
    (local $left i32) (local $v i32) (local $pass i32) (local $lo i32) (local $hi i32)
    (local $sigma f64) (local $mean f64) (local $s0 f64) (local $s1 f64) (local $s2 f64) (local $d f64)
    (local $x f64) (local $hv f64)
    (local.set $thresh (i32.load (i32.const 308)))
    (local.set $pos (i32.const -1))
    (local.set $cnt (i32.const -1))
    (local.set $right (i32.const 3000))
    (block $done
      (loop $scan
        (br_if $done (i32.ge_s (local.get $i) (i32.const 3000)))
        (local.set $v (i32.load (i32.add (local.get $h) (i32.shl (local.get $i) (i32.const 2)))))
        (if (i32.and (i32.gt_s (local.get $v) (local.get $cnt)) (i32.gt_s (local.get $v) (local.get $thresh)))
          (then (local.set $pos (local.get $i)) (local.set $cnt (local.get $v)))
          (else
            (if (i32.and (i32.gt_s (local.get $cnt) (i32.const 0)) (i32.le_s (local.get $v) (i32.div_s (local.get $cnt) (i32.const 2))))
              (then (local.set $right (local.get $i)) (br $done)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scan)))
    (if (i32.lt_s (local.get $pos) (i32.const 0)) (then (return (f64.const nan))))
    (local.set $half (i32.div_s (local.get $cnt) (i32.const 2)))
    (local.set $left (i32.const -1))
    (local.set $i (local.get $pos))
    (block $found
      (loop $back
        (br_if $found (i32.lt_s (local.get $i) (i32.const 0)))
        (if (i32.le_s (i32.load (i32.add (local.get $h) (i32.shl (local.get $i) (i32.const 2)))) (local.get $half))
          (then (local.set $left (local.get $i)) (br $found)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br $back)))
    (local.set $sigma (f64.div (f64.convert_i32_s (i32.sub (local.get $right) (local.get $left))) (f64.const 2.36)))
    (local.set $mean (f64.convert_i32_s (local.get $pos)))
    (loop $passes
      (local.set $d (f64.trunc (f64.add (f64.mul (local.get $sigma) (f64.const 2)) (f64.const 0.5))))
      ;; a NaN width (rounding made the variance negative) sums nothing: the mean becomes NaN
      (if (f64.ne (local.get $d) (local.get $d)) (then (return (f64.const nan))))
      (local.set $lo (i32.sub (local.get $pos) (i32.trunc_f64_s (local.get $d))))
      (if (i32.lt_s (local.get $lo) (i32.const 0)) (then (local.set $lo (i32.const 0))))
      (local.set $hi (i32.add (local.get $pos) (i32.trunc_f64_s (local.get $d))))
      (if (i32.gt_s (local.get $hi) (i32.const 2999)) (then (local.set $hi (i32.const 2999))))
      (local.set $s0 (f64.const 0))
      (local.set $s1 (f64.const 0))
      (local.set $s2 (f64.const 0))
      (local.set $i (local.get $lo))
      (block $end
        (loop $sum
          (br_if $end (i32.gt_s (local.get $i) (local.get $hi)))
          (local.set $hv (f64.convert_i32_s (i32.load (i32.add (local.get $h) (i32.shl (local.get $i) (i32.const 2))))))
          (local.set $x (f64.sub (f64.convert_i32_s (local.get $i)) (local.get $mean)))
          (local.set $s0 (f64.add (local.get $s0) (local.get $hv)))
          (local.set $s1 (f64.add (local.get $s1) (f64.mul (local.get $x) (local.get $hv))))
          (local.set $s2 (f64.add (local.get $s2) (f64.mul (f64.mul (local.get $x) (local.get $x)) (local.get $hv))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $sum)))
      (local.set $mean (f64.add (local.get $mean) (f64.div (local.get $s1) (local.get $s0))))
      (local.set $sigma (f64.sqrt (f64.sub (f64.div (local.get $s2) (local.get $s0))
        (f64.mul (f64.div (local.get $s1) (local.get $s0)) (f64.div (local.get $s1) (local.get $s0))))))
      (local.set $pass (i32.add (local.get $pass) (i32.const 1)))
      (br_if $passes (i32.lt_s (local.get $pass) (i32.const 2))))
    (local.set $mean (f64.add (local.get $mean) (f64.const -1000)))
    (if (i32.or (f64.gt (f64.abs (local.get $mean)) (f64.load (i32.const 320))) (f64.gt (local.get $sigma) (f64.load (i32.const 328))))
      (then (return (f64.const nan))))
    (local.get $mean))

  ;; one row of pass 1: vals[k] = f32(raw[k]) − ped[k] for n pixels from flat index p, counting the good
  ;; ones in the lane histograms at $h4 when $count is set; with $colBytes ≠ 0 the row's values go to a
  ;; column of the region's values stored column by column (value k at $vals + k × $colBytes)
  (func $pass1 (param $raw i32) (param $p i32) (param $n i32) (param $vals i32) (param $h4 i32) (param $count i32) (param $colBytes i32)
    (local $k i32) (local $o i32) (local $v v128)
    (local $bin v128) (local $lanes v128) (local $a i32)
    (local $sv f32) (local $st f32) (local $sr f32) (local $rawp i32) (local $pedp i32)
    (local $half v128) (local $sign v128) (local $lo v128) (local $hi v128) (local $magic v128)
    (local $unbias v128) (local $spare v128) (local $rp i32) (local $pp i32) (local $vp i32)
    (local $vstep i32) (local $end i32)
    (local.set $rawp (i32.add (local.get $raw) (i32.shl (local.get $p) (i32.const 1))))
    (local.set $pedp (i32.add (i32.load (i32.const 260)) (i32.shl (local.get $p) (i32.const 2))))
    (local.set $lanes (i32x4.add (i32x4.splat (local.get $h4)) (v128.const i32x4 0 12032 24064 36096)))
    ;; loop constants kept in registers
    (local.set $half (f32x4.splat (f32.const 0x1.fffffep-2)))
    (local.set $sign (i32x4.splat (i32.const 0x80000000)))
    (local.set $lo (f32x4.splat (f32.const -1001)))
    (local.set $hi (f32x4.splat (f32.const 2000)))
    (local.set $magic (f32x4.splat (f32.const 12582912)))
    (local.set $unbias (i32x4.splat (i32.const 0x4b3ffc18)))
    (local.set $spare (i32x4.splat (i32.const 3000)))
    ;; 8 pixels a turn through pointers (4 more after), then one at a time. Round half away from zero:
    ;; trunc(v ± (½ − 2⁻²⁵)), exact in float32 (a fraction below ½ leaves the sum below the next integer by more
    ;; than half its spacing, one at ½ or above reaches it). bin = r + 1000 as an integer: r clamped to
    ;; −1001 … 2000 (a NaN value becomes −1001: pmax keeps its first operand unless the second is larger),
    ;; then its integer read from the bits of r + 1.5·2²³ (exact for |r| < 2²²): 0x4b400000 + r, minus
    ;; 0x4b400000 − 1000. Anything outside 0 … 2999 (as unsigned: below 0, 3000) goes to the spare bin 3000.
    ;; Pixels left out of the estimate (pixel_status ≠ 0) are counted here like the others and taken back
    ;; after the region's rows (see "regions"); the one-at-a-time tail reads their flag instead
    (local.set $rp (local.get $rawp))
    (local.set $pp (local.get $pedp))
    (local.set $vp (local.get $vals))
    (local.set $vstep (select (i32.shl (local.get $colBytes) (i32.const 2)) (i32.const 16) (local.get $colBytes)))
    (local.set $end (i32.add (local.get $rawp) (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 1))))
    (block $done
      (loop $oct
        (br_if $done (i32.ge_u (local.get $rp) (local.get $end)))
        (local.set $v (f32x4.sub
          (f32x4.convert_i32x4_s (v128.load16x4_s (local.get $rp)))
          (v128.load (local.get $pp))))
        (if (local.get $colBytes)
          (then
            (local.set $a (local.get $vp))
            (v128.store32_lane 0 (local.get $a) (local.get $v))
            (local.set $a (i32.add (local.get $a) (local.get $colBytes)))
            (v128.store32_lane 1 (local.get $a) (local.get $v))
            (local.set $a (i32.add (local.get $a) (local.get $colBytes)))
            (v128.store32_lane 2 (local.get $a) (local.get $v))
            (local.set $a (i32.add (local.get $a) (local.get $colBytes)))
            (v128.store32_lane 3 (local.get $a) (local.get $v)))
          (else (v128.store (local.get $vp) (local.get $v))))
        (if (local.get $count)
          (then
            (local.set $bin (i32x4.min_u
              (i32x4.sub (f32x4.add (f32x4.pmin (local.get $hi) (f32x4.pmax (local.get $lo)
                (f32x4.trunc (f32x4.add (local.get $v) (v128.or (v128.and (local.get $v) (local.get $sign)) (local.get $half))))))
                (local.get $magic)) (local.get $unbias))
              (local.get $spare)))
            (local.set $bin (i32x4.add (i32x4.shl (local.get $bin) (i32.const 2)) (local.get $lanes)))
            (local.set $a (i32x4.extract_lane 0 (local.get $bin)))
            (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
            (local.set $a (i32x4.extract_lane 1 (local.get $bin)))
            (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
            (local.set $a (i32x4.extract_lane 2 (local.get $bin)))
            (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
            (local.set $a (i32x4.extract_lane 3 (local.get $bin)))
            (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))))
        (local.set $v (f32x4.sub
          (f32x4.convert_i32x4_s (v128.load16x4_s offset=8 (local.get $rp)))
          (v128.load offset=16 (local.get $pp))))
        (if (local.get $colBytes)
          (then
            (local.set $a (i32.add (local.get $vp) (local.get $vstep)))
            (v128.store32_lane 0 (local.get $a) (local.get $v))
            (local.set $a (i32.add (local.get $a) (local.get $colBytes)))
            (v128.store32_lane 1 (local.get $a) (local.get $v))
            (local.set $a (i32.add (local.get $a) (local.get $colBytes)))
            (v128.store32_lane 2 (local.get $a) (local.get $v))
            (local.set $a (i32.add (local.get $a) (local.get $colBytes)))
            (v128.store32_lane 3 (local.get $a) (local.get $v)))
          (else (v128.store offset=16 (local.get $vp) (local.get $v))))
        (if (local.get $count)
          (then
            (local.set $bin (i32x4.min_u
              (i32x4.sub (f32x4.add (f32x4.pmin (local.get $hi) (f32x4.pmax (local.get $lo)
                (f32x4.trunc (f32x4.add (local.get $v) (v128.or (v128.and (local.get $v) (local.get $sign)) (local.get $half))))))
                (local.get $magic)) (local.get $unbias))
              (local.get $spare)))
            (local.set $bin (i32x4.add (i32x4.shl (local.get $bin) (i32.const 2)) (local.get $lanes)))
            (local.set $a (i32x4.extract_lane 0 (local.get $bin)))
            (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
            (local.set $a (i32x4.extract_lane 1 (local.get $bin)))
            (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
            (local.set $a (i32x4.extract_lane 2 (local.get $bin)))
            (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
            (local.set $a (i32x4.extract_lane 3 (local.get $bin)))
            (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))))
        (local.set $rp (i32.add (local.get $rp) (i32.const 16)))
        (local.set $pp (i32.add (local.get $pp) (i32.const 32)))
        (local.set $vp (i32.add (local.get $vp) (i32.shl (local.get $vstep) (i32.const 1))))
        (br $oct)))
    (if (i32.and (local.get $n) (i32.const 4))
      (then
        (local.set $v (f32x4.sub
          (f32x4.convert_i32x4_s (v128.load16x4_s (local.get $rp)))
          (v128.load (local.get $pp))))
        (if (local.get $colBytes)
          (then
            (local.set $a (local.get $vp))
            (v128.store32_lane 0 (local.get $a) (local.get $v))
            (local.set $a (i32.add (local.get $a) (local.get $colBytes)))
            (v128.store32_lane 1 (local.get $a) (local.get $v))
            (local.set $a (i32.add (local.get $a) (local.get $colBytes)))
            (v128.store32_lane 2 (local.get $a) (local.get $v))
            (local.set $a (i32.add (local.get $a) (local.get $colBytes)))
            (v128.store32_lane 3 (local.get $a) (local.get $v)))
          (else (v128.store (local.get $vp) (local.get $v))))
        (if (local.get $count)
          (then
            (local.set $bin (i32x4.min_u
              (i32x4.sub (f32x4.add (f32x4.pmin (local.get $hi) (f32x4.pmax (local.get $lo)
                (f32x4.trunc (f32x4.add (local.get $v) (v128.or (v128.and (local.get $v) (local.get $sign)) (local.get $half))))))
                (local.get $magic)) (local.get $unbias))
              (local.get $spare)))
            (local.set $bin (i32x4.add (i32x4.shl (local.get $bin) (i32.const 2)) (local.get $lanes)))
            (local.set $a (i32x4.extract_lane 0 (local.get $bin)))
            (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
            (local.set $a (i32x4.extract_lane 1 (local.get $bin)))
            (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
            (local.set $a (i32x4.extract_lane 2 (local.get $bin)))
            (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
            (local.set $a (i32x4.extract_lane 3 (local.get $bin)))
            (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))))
))
    (local.set $k (i32.and (local.get $n) (i32.const -4)))
    (block $end
      (loop $one
        (br_if $end (i32.ge_s (local.get $k) (local.get $n)))
        (local.set $o (i32.add (local.get $p) (local.get $k)))
        (local.set $sv (f32.sub
          (f32.convert_i32_s (i32.load16_s (i32.add (local.get $raw) (i32.shl (local.get $o) (i32.const 1)))))
          (f32.load (i32.add (i32.load (i32.const 260)) (i32.shl (local.get $o) (i32.const 2))))))
        (f32.store (i32.add (local.get $vals) (i32.mul (local.get $k) (select (local.get $colBytes) (i32.const 4) (local.get $colBytes)))) (local.get $sv))
        (if (local.get $count)
          (then
            (local.set $st (f32.trunc (local.get $sv)))
            (local.set $sr (local.get $st))
            (if (f32.ge (f32.abs (f32.sub (local.get $sv) (local.get $st))) (f32.const 0.5))
              (then (local.set $sr (f32.add (local.get $st) (f32.copysign (f32.const 1) (local.get $sv))))))
            (if (i32.and
                  (i32.and (f32.ge (local.get $sr) (f32.const -1000)) (f32.le (local.get $sr) (f32.const 1999)))
                  (i32.eqz (i32.and (i32.load8_u (i32.add (i32.load (i32.const 264)) (local.get $o))) (i32.const 1))))
              (then
                (local.set $a (i32.add (local.get $h4) (i32.shl (i32.add (i32.trunc_f32_s (local.get $sr)) (i32.const 1000)) (i32.const 2))))
                (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $one))))

  ;; one row of pass 2: w = f32(f64(vals[k]) − c) × factor (the row's factors from $facp), stored at flat
  ;; index p + k of the frame, or back into vals for the image scatter
  (func $pass2 (param $p i32) (param $n i32) (param $vals i32) (param $c f64) (param $facp i32) (param $delta i32)
    (local $k i32) (local $o i32) (local $mode i32) (local $dest i32)
    (local $vp i32) (local $fp i32) (local $cp i32) (local $op i32) (local $end i32)
    (local $v v128) (local $vc v128) (local $sv f32) (local $f f32)
    (local $flp i32) (local $outp i32) (local $zero v128) (local $one v128) (local $bit1 v128) (local $corr i32)
    (local.set $flp (i32.add (i32.load (i32.const 264)) (local.get $p)))
    (local.set $outp (i32.add (i32.add (i32.load (i32.const 272)) (local.get $delta)) (i32.shl (local.get $p) (i32.const 2))))
    (local.set $mode (i32.load (i32.const 296)))
    (local.set $dest (i32.load (i32.const 300)))
    (local.set $vc (f64x2.splat (local.get $c)))
    (local.set $zero (f32x4.splat (f32.const 0)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $bit1 (i32x4.splat (i32.const 2)))
    (local.set $corr (f64.ne (local.get $c) (f64.const 0)))
    ;; 8 values a turn through pointers (4 more after); the result back into vals (image) or to the frame
    (local.set $vp (local.get $vals))
    (local.set $fp (local.get $flp))
    (local.set $cp (local.get $facp))
    (local.set $op (select (local.get $vals) (local.get $outp) (local.get $dest)))
    (local.set $end (i32.add (local.get $vals) (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 2))))
    (block $done
      (loop $oct
        (br_if $done (i32.ge_u (local.get $vp) (local.get $end)))
        (local.set $v (v128.load (local.get $vp)))
        (if (local.get $corr)
          (then
            (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (f32x4.demote_f64x2_zero (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (local.get $vc)))
              (f32x4.demote_f64x2_zero (f64x2.sub
                (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
                (local.get $vc)))))))
        (if (i32.eq (local.get $mode) (i32.const 1))
          (then
            (local.set $v (f32x4.mul (local.get $v) (v128.bitselect (local.get $zero) (local.get $one)
              (i32x4.eq
                (v128.and (i32x4.extend_low_i16x8_u (v128.load8x8_u (local.get $fp))) (local.get $bit1))
                (local.get $bit1)))))))
        (if (i32.eq (local.get $mode) (i32.const 2))
          (then (local.set $v (f32x4.mul (local.get $v) (v128.load (local.get $cp))))))
        (v128.store (local.get $op) (local.get $v))
        (local.set $v (v128.load offset=16 (local.get $vp)))
        (if (local.get $corr)
          (then
            (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (f32x4.demote_f64x2_zero (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (local.get $vc)))
              (f32x4.demote_f64x2_zero (f64x2.sub
                (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
                (local.get $vc)))))))
        (if (i32.eq (local.get $mode) (i32.const 1))
          (then
            (local.set $v (f32x4.mul (local.get $v) (v128.bitselect (local.get $zero) (local.get $one)
              (i32x4.eq
                (v128.and (i32x4.extend_low_i16x8_u (v128.load8x8_u offset=4 (local.get $fp))) (local.get $bit1))
                (local.get $bit1)))))))
        (if (i32.eq (local.get $mode) (i32.const 2))
          (then (local.set $v (f32x4.mul (local.get $v) (v128.load offset=16 (local.get $cp))))))
        (v128.store offset=16 (local.get $op) (local.get $v))
        (local.set $vp (i32.add (local.get $vp) (i32.const 32)))
        (local.set $fp (i32.add (local.get $fp) (i32.const 8)))
        (local.set $cp (i32.add (local.get $cp) (i32.const 32)))
        (local.set $op (i32.add (local.get $op) (i32.const 32)))
        (br $oct)))
    (if (i32.and (local.get $n) (i32.const 4))
      (then
        (local.set $v (v128.load (local.get $vp)))
        (if (local.get $corr)
          (then
            (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (f32x4.demote_f64x2_zero (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (local.get $vc)))
              (f32x4.demote_f64x2_zero (f64x2.sub
                (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
                (local.get $vc)))))))
        (if (i32.eq (local.get $mode) (i32.const 1))
          (then
            (local.set $v (f32x4.mul (local.get $v) (v128.bitselect (local.get $zero) (local.get $one)
              (i32x4.eq
                (v128.and (i32x4.extend_low_i16x8_u (v128.load8x8_u (local.get $fp))) (local.get $bit1))
                (local.get $bit1)))))))
        (if (i32.eq (local.get $mode) (i32.const 2))
          (then (local.set $v (f32x4.mul (local.get $v) (v128.load (local.get $cp))))))
        (v128.store (local.get $op) (local.get $v))
))
    (local.set $k (i32.and (local.get $n) (i32.const -4)))
    (block $end
      (loop $one
        (br_if $end (i32.ge_s (local.get $k) (local.get $n)))
        (local.set $o (i32.add (local.get $p) (local.get $k)))
        (local.set $sv (f32.load (i32.add (local.get $vals) (i32.shl (local.get $k) (i32.const 2)))))
        (if (f64.ne (local.get $c) (f64.const 0))
          (then (local.set $sv (f32.demote_f64 (f64.sub (f64.promote_f32 (local.get $sv)) (local.get $c))))))
        (if (i32.eq (local.get $mode) (i32.const 1))
          (then
            (local.set $f (f32.const 1))
            (if (i32.and (i32.load8_u (i32.add (i32.load (i32.const 264)) (local.get $o))) (i32.const 2)) (then (local.set $f (f32.const 0))))
            (local.set $sv (f32.mul (local.get $sv) (local.get $f)))))
        (if (i32.eq (local.get $mode) (i32.const 2))
          (then (local.set $sv (f32.mul (local.get $sv) (f32.load (i32.add (local.get $facp) (i32.shl (local.get $k) (i32.const 2))))))))
        (if (local.get $dest)
          (then (f32.store (i32.add (local.get $vals) (i32.shl (local.get $k) (i32.const 2))) (local.get $sv)))
          (else (f32.store (i32.add (local.get $outp) (i32.shl (local.get $k) (i32.const 2))) (local.get $sv))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $one))))

;; the image scatter of a region's final values: its pixels' image addresses are stored in traversal
  ;; order from $bins (rows outer, or columns outer for sensors whose columns run along image rows, so
  ;; that consecutive stores fall in the same image row)
  (func $scatter (param $vals i32) (param $bins i32) (param $rows i32) (param $cols i32) (param $colsOuter i32) (param $delta i32)
    (local $row i32) (local $c i32) (local $src i32) (local $rowBytes i32)
    (if (local.get $colsOuter)
      (then
        (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
        (block $cend
          (loop $col
            (br_if $cend (i32.ge_s (local.get $c) (local.get $cols)))
            (local.set $src (i32.add (local.get $vals) (i32.shl (local.get $c) (i32.const 2))))
            (local.set $row (i32.const 0))
            (block $rend
              (loop $down
                (br_if $rend (i32.ge_s (local.get $row) (local.get $rows)))
                (f32.store (i32.add (i32.load (local.get $bins)) (local.get $delta)) (f32.load (local.get $src)))
                (local.set $bins (i32.add (local.get $bins) (i32.const 4)))
                (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
                (local.set $row (i32.add (local.get $row) (i32.const 1)))
                (br $down)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $col))))
      (else
        (local.set $src (i32.add (local.get $vals) (i32.shl (i32.mul (local.get $rows) (local.get $cols)) (i32.const 2))))
        (block $end
          (loop $each
            (br_if $end (i32.ge_u (local.get $vals) (local.get $src)))
            (f32.store (i32.add (i32.load (local.get $bins)) (local.get $delta)) (f32.load (local.get $vals)))
            (local.set $bins (i32.add (local.get $bins) (i32.const 4)))
            (local.set $vals (i32.add (local.get $vals) (i32.const 4)))
            (br $each))))))

  ;; the same scatter from step codes: each pixel's store address is the previous one's plus the step of
  ;; its code (one byte per pixel instead of a four-byte address; a pixel that lands nowhere stores where
  ;; the next landing pixel of the region stores after it, or to the spare slot)
  (func $scatterCodes (param $vals i32) (param $codes i32) (param $addr i32) (param $rows i32) (param $cols i32) (param $colsOuter i32)
    (local $row i32) (local $c i32) (local $src i32) (local $rowBytes i32) (local $steps i32)
    (local.set $steps (i32.load (i32.const 340)))
    (if (local.get $colsOuter)
      (then
        (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
        (block $cend
          (loop $col
            (br_if $cend (i32.ge_s (local.get $c) (local.get $cols)))
            (local.set $src (i32.add (local.get $vals) (i32.shl (local.get $c) (i32.const 2))))
            (local.set $row (i32.const 0))
            (block $rend
              (loop $down
                (br_if $rend (i32.ge_s (local.get $row) (local.get $rows)))
                (local.set $addr (i32.add (local.get $addr)
                  (i32.load (i32.add (local.get $steps) (i32.shl (i32.load8_u (local.get $codes)) (i32.const 2))))))
                (f32.store (local.get $addr) (f32.load (local.get $src)))
                (local.set $codes (i32.add (local.get $codes) (i32.const 1)))
                (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
                (local.set $row (i32.add (local.get $row) (i32.const 1)))
                (br $down)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $col))))
      (else
        (local.set $src (i32.add (local.get $vals) (i32.shl (i32.mul (local.get $rows) (local.get $cols)) (i32.const 2))))
        (block $tend
          (loop $each
            (br_if $tend (i32.ge_u (local.get $vals) (local.get $src)))
            (local.set $addr (i32.add (local.get $addr)
              (i32.load (i32.add (local.get $steps) (i32.shl (i32.load8_u (local.get $codes)) (i32.const 2))))))
            (f32.store (local.get $addr) (f32.load (local.get $vals)))
            (local.set $codes (i32.add (local.get $codes) (i32.const 1)))
            (local.set $vals (i32.add (local.get $vals) (i32.const 4)))
            (br $each))))))

  ;; the image scatter from runs, one 12-byte record each: the byte offset of its first pixel in the
  ;; region's values, that pixel's store address, and a signed length: 1 one pixel; n ≥ 4 pixels storing to
  ;; ascending consecutive bins, −n descending, moved 4 at a time (the first 4, the last 4, then those
  ;; between: stores overlap where the length is not a multiple of 4, rewriting the same values).
  ;; A run's pixels follow each other in the values (sensors turned by 90° keep theirs column by column,
  ;; see $pass1). Pass 2 is done as they are moved: w = f32(f64(value) − c) × factor, the factors $fd bytes
  ;; after the values.
  (func $scatterRuns (param $vals i32) (param $rec i32) (param $count i32) (param $fd i32) (param $c f64) (param $delta i32) (param $mul i32)
    (local $end i32) (local $s i32) (local $d i32) (local $m i32) (local $i i32) (local $last i32)
    (local $v v128) (local $vc v128) (local $corr i32) (local $sv f32)
    (local.set $vc (f64x2.splat (local.get $c)))
    (local.set $corr (f64.ne (local.get $c) (f64.const 0)))
    (local.set $end (i32.add (local.get $rec) (i32.mul (local.get $count) (i32.const 12))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $rec) (local.get $end)))
        (local.set $s (i32.add (local.get $vals) (i32.load (local.get $rec))))
        (local.set $d (i32.add (i32.load offset=4 (local.get $rec)) (local.get $delta)))
        (local.set $m (i32.load offset=8 (local.get $rec)))
        (local.set $rec (i32.add (local.get $rec) (i32.const 12)))
        (if (i32.eq (local.get $m) (i32.const 1))
          (then
            (local.set $sv (f32.load (local.get $s)))
            (if (local.get $corr) (then (local.set $sv (f32.demote_f64 (f64.sub (f64.promote_f32 (local.get $sv)) (local.get $c))))))
            (if (local.get $mul) (then (local.set $sv (f32.mul (local.get $sv) (f32.load (i32.add (local.get $s) (local.get $fd)))))))
            (f32.store (local.get $d) (local.get $sv))
            (br $each)))
        (if (i32.gt_s (local.get $m) (i32.const 0))
          (then
            (local.set $last (i32.shl (i32.sub (local.get $m) (i32.const 4)) (i32.const 2)))
            (local.set $v (v128.load (i32.add (local.get $s) (i32.const 0))))
            (if (local.get $corr)
              (then (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (local.get $vc)))
                (f32x4.demote_f64x2_zero (f64x2.sub
                  (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
                  (local.get $vc)))))))
            (if (local.get $mul) (then (local.set $v (f32x4.mul (local.get $v) (v128.load (i32.add (i32.add (local.get $s) (i32.const 0)) (local.get $fd)))))))
            (v128.store (i32.add (local.get $d) (i32.const 0)) (local.get $v))
            (local.set $v (v128.load (i32.add (local.get $s) (local.get $last))))
            (if (local.get $corr)
              (then (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (local.get $vc)))
                (f32x4.demote_f64x2_zero (f64x2.sub
                  (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
                  (local.get $vc)))))))
            (if (local.get $mul) (then (local.set $v (f32x4.mul (local.get $v) (v128.load (i32.add (i32.add (local.get $s) (local.get $last)) (local.get $fd)))))))
            (v128.store (i32.add (local.get $d) (local.get $last)) (local.get $v))
            (local.set $i (i32.const 16))
            (block $mend
              (loop $mid
                (br_if $mend (i32.ge_s (local.get $i) (local.get $last)))
                (local.set $v (v128.load (i32.add (local.get $s) (local.get $i))))
                (if (local.get $corr)
                  (then (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                    (f32x4.demote_f64x2_zero (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (local.get $vc)))
                    (f32x4.demote_f64x2_zero (f64x2.sub
                      (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
                      (local.get $vc)))))))
                (if (local.get $mul) (then (local.set $v (f32x4.mul (local.get $v) (v128.load (i32.add (i32.add (local.get $s) (local.get $i)) (local.get $fd)))))))
              (v128.store (i32.add (local.get $d) (local.get $i)) (local.get $v))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $mid))))
          (else
            (local.set $last (i32.shl (i32.sub (i32.const -4) (local.get $m)) (i32.const 2)))
            (local.set $v (v128.load (i32.add (local.get $s) (i32.const 0))))
            (if (local.get $corr)
              (then (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (local.get $vc)))
                (f32x4.demote_f64x2_zero (f64x2.sub
                  (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
                  (local.get $vc)))))))
            (if (local.get $mul) (then (local.set $v (f32x4.mul (local.get $v) (v128.load (i32.add (i32.add (local.get $s) (i32.const 0)) (local.get $fd)))))))
            (v128.store (i32.sub (i32.sub (local.get $d) (i32.const 0)) (i32.const 12)) (i8x16.shuffle 12 13 14 15 8 9 10 11 4 5 6 7 0 1 2 3 (local.get $v) (local.get $v)))
            (local.set $v (v128.load (i32.add (local.get $s) (local.get $last))))
            (if (local.get $corr)
              (then (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (local.get $vc)))
                (f32x4.demote_f64x2_zero (f64x2.sub
                  (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
                  (local.get $vc)))))))
            (if (local.get $mul) (then (local.set $v (f32x4.mul (local.get $v) (v128.load (i32.add (i32.add (local.get $s) (local.get $last)) (local.get $fd)))))))
            (v128.store (i32.sub (i32.sub (local.get $d) (local.get $last)) (i32.const 12)) (i8x16.shuffle 12 13 14 15 8 9 10 11 4 5 6 7 0 1 2 3 (local.get $v) (local.get $v)))
            (local.set $i (i32.const 16))
            (block $mend
              (loop $mid
                (br_if $mend (i32.ge_s (local.get $i) (local.get $last)))
                (local.set $v (v128.load (i32.add (local.get $s) (local.get $i))))
                (if (local.get $corr)
                  (then (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                    (f32x4.demote_f64x2_zero (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (local.get $vc)))
                    (f32x4.demote_f64x2_zero (f64x2.sub
                      (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
                      (local.get $vc)))))))
                (if (local.get $mul) (then (local.set $v (f32x4.mul (local.get $v) (v128.load (i32.add (i32.add (local.get $s) (local.get $i)) (local.get $fd)))))))
              (v128.store (i32.sub (i32.sub (local.get $d) (local.get $i)) (i32.const 12)) (i8x16.shuffle 12 13 14 15 8 9 10 11 4 5 6 7 0 1 2 3 (local.get $v) (local.get $v)))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $mid)))))
        (br $each))))

  ;; work items [r0, r1) by thread $tid (its own scratch): both passes and the correction of a region of
  ;; the table; items from the table's length n on are the regions of the job's second frame, last first
  ;; (item 2n − 1 − k: region k of the raw frame at 344, written 348 bytes after the first frame's output),
  ;; so that helpers taking items from the back go through the second frame in table order
  (func (export "regions") (param $r0 i32) (param $r1 i32) (param $tid i32)
    (local $r i32) (local $e i32) (local $start i32) (local $rows i32) (local $cols i32) (local $step i32)
    (local $row i32) (local $h4 i32) (local $h i32) (local $vals i32) (local $cm i32) (local $b i32)
    (local $c f64) (local $z v128) (local $fac i32) (local $fused i32) (local $turned i32)
    (local $n i32) (local $k i32) (local $raw i32) (local $delta i32) (local $bend i32) (local $a i32)
    (local $sv f32) (local $sr f32)
    (local.set $h4 (i32.add (i32.load (i32.const 288)) (i32.mul (local.get $tid) (i32.load (i32.const 292)))))
    (local.set $h (i32.add (local.get $h4) (i32.const 48128)))
    (local.set $vals (i32.add (local.get $h) (i32.const 12032)))
    (local.set $cm (i32.load (i32.const 304)))
    (local.set $n (i32.load (i32.const 352)))
    (local.set $r (local.get $r0))
    (block $done
      (loop $region
        (br_if $done (i32.ge_s (local.get $r) (local.get $r1)))
        (local.set $k (local.get $r))
        (local.set $raw (i32.load (i32.const 256)))
        (local.set $delta (i32.const 0))
        (if (i32.ge_s (local.get $r) (local.get $n))
          (then
            (local.set $k (i32.sub (i32.sub (i32.shl (local.get $n) (i32.const 1)) (i32.const 1)) (local.get $r)))
            (local.set $raw (i32.load (i32.const 344)))
            (local.set $delta (i32.load (i32.const 348)))))
        (local.set $e (i32.add (i32.load (i32.const 280)) (i32.shl (local.get $k) (i32.const 6))))
        (local.set $start (i32.load (local.get $e)))
        (local.set $rows (i32.load offset=4 (local.get $e)))
        (local.set $cols (i32.load offset=8 (local.get $e)))
        (local.set $step (i32.load offset=12 (local.get $e)))
        ;; a sensor turned by 90° in an image from runs: its values are kept column by column
        (local.set $turned (i32.eq (i32.load offset=20 (local.get $e)) (i32.const 2)))
        (local.set $row (i32.const 0))
        (block $p1end
          (loop $p1
            (br_if $p1end (i32.ge_s (local.get $row) (local.get $rows)))
            (if (local.get $turned)
              (then (call $pass1 (local.get $raw) (i32.add (local.get $start) (i32.mul (local.get $row) (local.get $step))) (local.get $cols)
                (i32.add (local.get $vals) (i32.shl (local.get $row) (i32.const 2))) (local.get $h4) (local.get $cm)
                (i32.shl (local.get $rows) (i32.const 2))))
              (else (call $pass1 (local.get $raw) (i32.add (local.get $start) (i32.mul (local.get $row) (local.get $step))) (local.get $cols)
                (i32.add (local.get $vals) (i32.shl (i32.mul (local.get $row) (local.get $cols)) (i32.const 2))) (local.get $h4) (local.get $cm) (i32.const 0))))
            (local.set $row (i32.add (local.get $row) (i32.const 1)))
            (br $p1)))
        (local.set $c (f64.const 0))
        (if (local.get $cm)
          (then
            ;; take back the counts of the pixels left out of the estimate (their value indices from 356,
            ;; entry offsets 32 and 36), each bin computed as pass 1 computes it
            (local.set $b (i32.add (i32.load (i32.const 356)) (i32.shl (i32.load offset=32 (local.get $e)) (i32.const 2))))
            (local.set $bend (i32.add (local.get $b) (i32.shl (i32.load offset=36 (local.get $e)) (i32.const 2))))
            (block $tend
              (loop $take
                (br_if $tend (i32.ge_u (local.get $b) (local.get $bend)))
                (local.set $sv (f32.load (i32.add (local.get $vals) (i32.shl (i32.load (local.get $b)) (i32.const 2)))))
                (local.set $sr (f32.trunc (f32.add (local.get $sv) (f32.copysign (f32.const 0x1.fffffep-2) (local.get $sv)))))
                (if (i32.and (f32.ge (local.get $sr) (f32.const -1000)) (f32.le (local.get $sr) (f32.const 1999)))
                  (then
                    (local.set $a (i32.add (local.get $h4) (i32.shl (i32.add (i32.trunc_f32_s (local.get $sr)) (i32.const 1000)) (i32.const 2))))
                    (i32.store (local.get $a) (i32.sub (i32.load (local.get $a)) (i32.const 1)))))
                (local.set $b (i32.add (local.get $b) (i32.const 4)))
                (br $take)))
            ;; merge the lane histograms into the histogram, clearing them for the next region
            (local.set $z (v128.const i32x4 0 0 0 0))
            (local.set $b (i32.const 0))
            (block $mend
              (loop $merge
                (br_if $mend (i32.ge_s (local.get $b) (i32.const 12032)))
                (v128.store (i32.add (local.get $h) (local.get $b)) (i32x4.add
                  (i32x4.add (v128.load (i32.add (local.get $h4) (local.get $b))) (v128.load offset=12032 (i32.add (local.get $h4) (local.get $b))))
                  (i32x4.add (v128.load offset=24064 (i32.add (local.get $h4) (local.get $b))) (v128.load offset=36096 (i32.add (local.get $h4) (local.get $b))))))
                (v128.store (i32.add (local.get $h4) (local.get $b)) (local.get $z))
                (v128.store offset=12032 (i32.add (local.get $h4) (local.get $b)) (local.get $z))
                (v128.store offset=24064 (i32.add (local.get $h4) (local.get $b)) (local.get $z))
                (v128.store offset=36096 (i32.add (local.get $h4) (local.get $b)) (local.get $z))
                (local.set $b (i32.add (local.get $b) (i32.const 16)))
                (br $merge)))
            (local.set $c (call $peak (local.get $h)))
            (f64.store (i32.add (i32.load (i32.const 312)) (i32.shl (local.get $r) (i32.const 3))) (local.get $c))
            (if (f64.ne (local.get $c) (local.get $c)) (then (local.set $c (f64.const 0))))))
        ;; the factors of this group, in its value order
        (local.set $fac (i32.add (i32.load (i32.const 268)) (i32.shl (i32.load offset=28 (local.get $e)) (i32.const 2))))
        (local.set $fused (i32.and (i32.load (i32.const 300)) (i32.eq (i32.load (i32.const 336)) (i32.const 2))))
        (local.set $row (i32.const 0))
        (block $p2end
          (loop $p2
            (br_if $p2end (i32.or (local.get $fused) (i32.ge_s (local.get $row) (local.get $rows))))
            (call $pass2 (i32.add (local.get $start) (i32.mul (local.get $row) (local.get $step))) (local.get $cols)
              (i32.add (local.get $vals) (i32.shl (i32.mul (local.get $row) (local.get $cols)) (i32.const 2))) (local.get $c)
              (i32.add (local.get $fac) (i32.shl (i32.mul (local.get $row) (local.get $cols)) (i32.const 2))) (local.get $delta))
            (local.set $row (i32.add (local.get $row) (i32.const 1)))
            (br $p2)))
        (if (i32.load (i32.const 300))
          (then
            (if (i32.eq (i32.load (i32.const 336)) (i32.const 2))
              (then (call $scatterRuns (local.get $vals)
                (i32.add (i32.load (i32.const 276)) (i32.load offset=16 (local.get $e))) (i32.load offset=24 (local.get $e))
                (i32.sub (local.get $fac) (local.get $vals)) (local.get $c) (local.get $delta) (i32.ne (i32.load (i32.const 296)) (i32.const 3)))
              ;; factor mode 3 (every factor +0 or 1): the masked pixels' image bins stored times 0 (image
              ;; addresses from 360, entry offsets 40 and 44), as the factor would have made them
              (if (i32.eq (i32.load (i32.const 296)) (i32.const 3))
                (then
                  (local.set $b (i32.add (i32.load (i32.const 360)) (i32.shl (i32.load offset=40 (local.get $e)) (i32.const 2))))
                  (local.set $bend (i32.add (local.get $b) (i32.shl (i32.load offset=44 (local.get $e)) (i32.const 2))))
                  (block $zend
                    (loop $zero
                      (br_if $zend (i32.ge_u (local.get $b) (local.get $bend)))
                      (local.set $a (i32.add (i32.load (local.get $b)) (local.get $delta)))
                      (f32.store (local.get $a) (f32.mul (f32.load (local.get $a)) (f32.const 0)))
                      (local.set $b (i32.add (local.get $b) (i32.const 4)))
                      (br $zero))))))
            (else (if (i32.load (i32.const 336))
              (then (call $scatterCodes (local.get $vals)
                (i32.add (i32.load (i32.const 276)) (i32.load offset=16 (local.get $e))) (i32.add (i32.load offset=24 (local.get $e)) (local.get $delta))
                (local.get $rows) (local.get $cols) (i32.load offset=20 (local.get $e))))
              (else (call $scatter (local.get $vals)
                (i32.add (i32.load (i32.const 276)) (i32.shl (i32.load offset=16 (local.get $e)) (i32.const 2)))
                (local.get $rows) (local.get $cols) (i32.load offset=20 (local.get $e)) (local.get $delta))))))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $region))))
)
