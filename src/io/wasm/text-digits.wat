;; Fast paths of psana's text encoders (src/io/ndarray-text-fast.ts) in WebAssembly SIMD: `%Nd` of
;; 8/16/32/64-bit integers and `%W.Pf` (1 <= P <= 9) of float64/float32, each value followed by a space,
;; each row by a newline byte. The exports format values [i, end) of the input at `in` (column `col` of a row
;; of `ncol`) into the output at `out` and stop at the first value they cannot write exactly (the caller
;; writes that one with the reference formatter and calls again from the next); they return the index they
;; stopped at (`end` when all were written) and leave the end of the written bytes in the global `outEnd`.
;;
;; Groups of four values below 10^8 go through SIMD: the fixed-point tests on f64x2, then the digits of four
;; integers at once (x / 10^4 by a 64-bit multiply-shift, then 32-bit lanes of /100 and 16-bit lanes of /10:
;; every multiply-shift quotient is exact in its range), and each value's field (padding, sign, digits,
;; point, separator) placed by one swizzle with a mask and constant bytes from the tables the caller wrote
;; at offset 0 (entry (T*2 + neg)*32 + slot*704: 16 swizzle indices, 16 constant bytes; T digits, neg 0/1,
;; slot the value's half of the digit vector), the four stores at offsets summed in SIMD. Groups with any other
;; value, and row ends, go value by value: x < 2^31 split as hi = x / 10^8 and lo = x mod 10^8, lo's eight
;; digits by the same steps as SWAR in one i64, the right-aligned string moved into place by a swizzle.
;; Stores may write up to 32 bytes past the end of the output: the caller leaves that much room.
(module
  (memory (export "memory") 6)
  (global $outEnd (export "outEnd") (mut i32) (i32.const 0))

  ;; Decimal digits of x (x = 0 counts as none), by comparisons that run in parallel.
  (func $digitCount (param $x i32) (result i32)
    (i32.add
      (i32.add
        (i32.add (i32.ge_u (local.get $x) (i32.const 1)) (i32.ge_u (local.get $x) (i32.const 10)))
        (i32.add (i32.ge_u (local.get $x) (i32.const 100)) (i32.ge_u (local.get $x) (i32.const 1000))))
      (i32.add
        (i32.add
          (i32.add (i32.ge_u (local.get $x) (i32.const 10000)) (i32.ge_u (local.get $x) (i32.const 100000)))
          (i32.add (i32.ge_u (local.get $x) (i32.const 1000000)) (i32.ge_u (local.get $x) (i32.const 10000000))))
        (i32.add (i32.ge_u (local.get $x) (i32.const 100000000)) (i32.ge_u (local.get $x) (i32.const 1000000000))))))

  ;; Write x (< 2^31) with fd digits after the point (none when fd = 0), at least tmin digits, sign when
  ;; neg, padded to width (<= 32), and a space; returns the position after it.
  (func $one (param $x i32) (param $neg i32) (param $p i32) (param $width i32) (param $fd i32) (param $tmin i32) (result i32)
    (local $hi i32) (local $lo i32) (local $t i32) (local $w i64) (local $q i64)
    (local $T i32) (local $ip i32) (local $dot i32) (local $pad i32) (local $V v128) (local $iota v128) (local $idx v128)
    (local.set $T (call $digitCount (local.get $x)))
    (local.set $T (select (local.get $T) (local.get $tmin) (i32.gt_u (local.get $T) (local.get $tmin))))
        (local.set $hi (i32.wrap_i64 (i64.shr_u (i64.mul (i64.extend_i32_u (local.get $x)) (i64.const 1441151881)) (i64.const 57))))
        (local.set $lo (i32.sub (local.get $x) (i32.mul (local.get $hi) (i32.const 100000000))))
        (local.set $q (i64.shr_u (i64.mul (i64.extend_i32_u (local.get $lo)) (i64.const 109951163)) (i64.const 40)))
        (local.set $w (i64.or (local.get $q)
          (i64.shl (i64.sub (i64.extend_i32_u (local.get $lo)) (i64.mul (local.get $q) (i64.const 10000))) (i64.const 32))))
        (local.set $q (i64.and (i64.shr_u (i64.mul (local.get $w) (i64.const 10486)) (i64.const 20)) (i64.const 0x0000007F0000007F)))
        (local.set $w (i64.or (local.get $q) (i64.shl (i64.sub (local.get $w) (i64.mul (local.get $q) (i64.const 100))) (i64.const 16))))
        (local.set $q (i64.and (i64.shr_u (i64.mul (local.get $w) (i64.const 103)) (i64.const 10)) (i64.const 0x000F000F000F000F)))
        (local.set $w (i64.or (local.get $q) (i64.shl (i64.sub (local.get $w) (i64.mul (local.get $q) (i64.const 10))) (i64.const 8))))
        (local.set $t (i32.shr_u (i32.mul (local.get $hi) (i32.const 103)) (i32.const 10)))
        (local.set $V
          (i64x2.replace_lane 1
            (i64x2.splat
              (i64.or (i64.const 0x0000303030303030)
                (i64.or
                  (i64.shl (i64.extend_i32_u (i32.add (local.get $t) (i32.const 48))) (i64.const 48))
                  (i64.shl (i64.extend_i32_u (i32.add (i32.sub (local.get $hi) (i32.mul (local.get $t) (i32.const 10))) (i32.const 48))) (i64.const 56)))))
            (i64.add (local.get $w) (i64.const 0x3030303030303030))))
    (local.set $dot (i32.ne (local.get $fd) (i32.const 0)))
    (local.set $ip (i32.sub (local.get $T) (local.get $fd)))
    (local.set $pad (i32.sub (local.get $width) (i32.add (i32.add (local.get $T) (local.get $dot)) (local.get $neg))))
    (local.set $pad (select (local.get $pad) (i32.const 0) (i32.gt_s (local.get $pad) (i32.const 0))))
    (v128.store (local.get $p) (i8x16.splat (i32.const 32)))
    (v128.store offset=16 (local.get $p) (i8x16.splat (i32.const 32)))
    (local.set $p (i32.add (local.get $p) (local.get $pad)))
    (i32.store8 (local.get $p) (i32.const 45))
    (local.set $p (i32.add (local.get $p) (local.get $neg)))
    (local.set $iota (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15))
    ;; digit j of the T comes from byte 16 - T + j; past the point (j > ip when there is one) from one before
    (local.set $idx (i8x16.add (local.get $iota) (i8x16.splat (i32.sub (i32.const 16) (local.get $T)))))
    (if (local.get $dot)
      (then
        (local.set $idx (i8x16.add (local.get $idx) (i8x16.gt_s (local.get $iota) (i8x16.splat (local.get $ip)))))
        (v128.store (local.get $p)
          (v128.bitselect (i8x16.splat (i32.const 46)) (i8x16.swizzle (local.get $V) (local.get $idx))
            (i8x16.eq (local.get $iota) (i8x16.splat (local.get $ip))))))
      (else (v128.store (local.get $p) (i8x16.swizzle (local.get $V) (local.get $idx)))))
    (local.set $p (i32.add (local.get $p) (i32.add (local.get $T) (local.get $dot))))
    (i32.store8 (local.get $p) (i32.const 32))
    (i32.add (local.get $p) (i32.const 1)))

  ;; Write four values x (i32x4, each < 10^8) with signs neg (i32x4 of 0/1) through the tables; returns
  ;; the position after them.
  (func $four (param $x v128) (param $neg v128) (param $p i32) (param $tmin i32) (param $width1 i32) (param $dot1 i32) (result i32)
    (local $ab v128) (local $cd v128) (local $A v128) (local $B v128) (local $q v128) (local $nd v128) (local $e v128) (local $k i32)
    (local $end v128) (local $zero v128)
    (local.set $ab
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
        (i64x2.shr_u (i64x2.extmul_low_i32x4_u (local.get $x) (i32x4.splat (i32.const 109951163))) (i32.const 40))
        (i64x2.shr_u (i64x2.extmul_high_i32x4_u (local.get $x) (i32x4.splat (i32.const 109951163))) (i32.const 40))))
    (local.set $cd (i32x4.sub (local.get $x) (i32x4.mul (local.get $ab) (i32x4.splat (i32.const 10000)))))
    (local.set $A (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $ab) (local.get $cd)))
    (local.set $B (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $ab) (local.get $cd)))
    (local.set $q (i32x4.shr_u (i32x4.mul (local.get $A) (i32x4.splat (i32.const 10486))) (i32.const 20)))
    (local.set $A (v128.or (local.get $q) (i32x4.shl (i32x4.sub (local.get $A) (i32x4.mul (local.get $q) (i32x4.splat (i32.const 100)))) (i32.const 16))))
    (local.set $q (i16x8.shr_u (i16x8.mul (local.get $A) (i16x8.splat (i32.const 103))) (i32.const 10)))
    (local.set $A (v128.or (local.get $q) (i16x8.shl (i16x8.sub (local.get $A) (i16x8.mul (local.get $q) (i16x8.splat (i32.const 10)))) (i32.const 8))))
    (local.set $A (i8x16.add (local.get $A) (i8x16.splat (i32.const 48))))
    (local.set $q (i32x4.shr_u (i32x4.mul (local.get $B) (i32x4.splat (i32.const 10486))) (i32.const 20)))
    (local.set $B (v128.or (local.get $q) (i32x4.shl (i32x4.sub (local.get $B) (i32x4.mul (local.get $q) (i32x4.splat (i32.const 100)))) (i32.const 16))))
    (local.set $q (i16x8.shr_u (i16x8.mul (local.get $B) (i16x8.splat (i32.const 103))) (i32.const 10)))
    (local.set $B (v128.or (local.get $q) (i16x8.shl (i16x8.sub (local.get $B) (i16x8.mul (local.get $q) (i16x8.splat (i32.const 10)))) (i32.const 8))))
    (local.set $B (i8x16.add (local.get $B) (i8x16.splat (i32.const 48))))
    ;; digit counts (at least tmin), table entries T*2 + neg
    (local.set $nd
      (i32x4.add
        (i32x4.add
          (i32x4.add (i32x4.ge_u (local.get $x) (i32x4.splat (i32.const 1))) (i32x4.ge_u (local.get $x) (i32x4.splat (i32.const 10))))
          (i32x4.add (i32x4.ge_u (local.get $x) (i32x4.splat (i32.const 100))) (i32x4.ge_u (local.get $x) (i32x4.splat (i32.const 1000)))))
        (i32x4.add
          (i32x4.add (i32x4.ge_u (local.get $x) (i32x4.splat (i32.const 10000))) (i32x4.ge_u (local.get $x) (i32x4.splat (i32.const 100000))))
          (i32x4.add (i32x4.ge_u (local.get $x) (i32x4.splat (i32.const 1000000))) (i32x4.ge_u (local.get $x) (i32x4.splat (i32.const 10000000)))))))
    (local.set $nd (i32x4.max_u (i32x4.neg (local.get $nd)) (i32x4.splat (local.get $tmin))))
    (local.set $e (i32x4.add (i32x4.shl (local.get $nd) (i32.const 1)) (local.get $neg)))
    ;; where each field ends (its length plus the separator: max(width, T + point + neg) + 1), summed up
    ;; lane by lane, so that the four stores need not wait for each other
    (local.set $end
      (i32x4.max_s (i32x4.splat (local.get $width1))
        (i32x4.add (i32x4.add (local.get $nd) (local.get $neg)) (i32x4.splat (local.get $dot1)))))
    (local.set $zero (v128.const i32x4 0 0 0 0))
    (local.set $end (i32x4.add (local.get $end) (i8x16.shuffle 16 17 18 19 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $end) (local.get $zero))))
    (local.set $end (i32x4.add (local.get $end) (i8x16.shuffle 16 17 18 19 20 21 22 23 0 1 2 3 4 5 6 7 (local.get $end) (local.get $zero))))

    (local.set $k (i32.shl (i32x4.extract_lane 0 (local.get $e)) (i32.const 5)))
    (v128.store (local.get $p)
      (v128.or (i8x16.swizzle (local.get $A) (v128.load (local.get $k))) (v128.load offset=16 (local.get $k))))
    (local.set $k (i32.shl (i32x4.extract_lane 1 (local.get $e)) (i32.const 5)))
    (v128.store (i32.add (local.get $p) (i32x4.extract_lane 0 (local.get $end)))
      (v128.or (i8x16.swizzle (local.get $A) (v128.load offset=704 (local.get $k))) (v128.load offset=720 (local.get $k))))
    (local.set $k (i32.shl (i32x4.extract_lane 2 (local.get $e)) (i32.const 5)))
    (v128.store (i32.add (local.get $p) (i32x4.extract_lane 1 (local.get $end)))
      (v128.or (i8x16.swizzle (local.get $B) (v128.load (local.get $k))) (v128.load offset=16 (local.get $k))))
    (local.set $k (i32.shl (i32x4.extract_lane 3 (local.get $e)) (i32.const 5)))
    (v128.store (i32.add (local.get $p) (i32x4.extract_lane 2 (local.get $end)))
      (v128.or (i8x16.swizzle (local.get $B) (v128.load offset=704 (local.get $k))) (v128.load offset=720 (local.get $k))))
    (i32.add (local.get $p) (i32x4.extract_lane 3 (local.get $end))))

  ;; %W.Pf: scale = 10^P, margin = the tie margin of ndarray-text-fast.ts, f32 != 0 for float32 input, simd
  ;; != 0 when the tables are written (width <= 15). A value is written here iff |v|*scale < 2147483647 (NaN
  ;; and infinities fail the test); one closer to the half-way point than |v|*scale*margin is rounded here
  ;; from the exact product (the JavaScript encoders leave those to the reference formatter).
  (func (export "fixed")
    (param $in i32) (param $i i32) (param $end i32) (param $col i32) (param $ncol i32)
    (param $width i32) (param $fd i32) (param $scale f64) (param $margin f64) (param $f32 i32) (param $simd i32)
    (param $out i32) (param $nl i32) (result i32)
    (local $p i32) (local $rowEnd i32) (local $full i32) (local $i0 i32)
    (local $v f64) (local $y f64) (local $k f64) (local $d f64) (local $x i32)
    (local $a f64) (local $ah f64) (local $al f64) (local $sh f64) (local $sl f64) (local $e f64) (local $ki i32)
    (local $va v128) (local $vb v128) (local $ya v128) (local $yb v128) (local $ka v128) (local $kb v128) (local $da v128) (local $db v128)
    (local $ok v128) (local $xs v128) (local $negs v128)
    (local $vscale v128) (local $vmargin v128) (local $limit v128) (local $half v128) (local $one v128)
    (local.set $p (local.get $out))
    ;; Veltkamp split of the scale (high and low 26 bits) for the exact products below
    (local.set $sh (f64.mul (local.get $scale) (f64.const 134217729)))
    (local.set $sh (f64.sub (local.get $sh) (f64.sub (local.get $sh) (local.get $scale))))
    (local.set $sl (f64.sub (local.get $scale) (local.get $sh)))
    (local.set $vscale (f64x2.splat (local.get $scale)))
    (local.set $vmargin (f64x2.splat (local.get $margin)))
    (local.set $limit (f64x2.splat (f64.const 2147483647)))
    (local.set $half (f64x2.splat (f64.const 0.5)))
    (local.set $one (f64x2.splat (f64.const 1)))
    (block $stop
      (loop $row
        (br_if $stop (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $i0 (local.get $i))
        (local.set $rowEnd (i32.add (local.get $i) (i32.sub (local.get $ncol) (local.get $col))))
        (local.set $full (i32.le_u (local.get $rowEnd) (local.get $end)))
        (if (i32.eqz (local.get $full)) (then (local.set $rowEnd (local.get $end))))
        (block $rowDone
          (loop $next
            (br_if $rowDone (i32.ge_u (local.get $i) (local.get $rowEnd)))
            (block $single
              (br_if $single (i32.eqz (local.get $simd)))
              (br_if $single (i32.lt_u (i32.sub (local.get $rowEnd) (local.get $i)) (i32.const 4)))
              (if (local.get $f32)
                (then
                  (local.set $va (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 2))))))
                  (local.set $vb (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 2)))))))
                (else
                  (local.set $va (v128.load (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 3)))))
                  (local.set $vb (v128.load offset=16 (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 3)))))))
              (local.set $ya (f64x2.mul (f64x2.abs (local.get $va)) (local.get $vscale)))
              (local.set $yb (f64x2.mul (f64x2.abs (local.get $vb)) (local.get $vscale)))
              (local.set $ka (f64x2.floor (local.get $ya)))
              (local.set $kb (f64x2.floor (local.get $yb)))
              (local.set $da (f64x2.sub (f64x2.sub (local.get $ya) (local.get $ka)) (local.get $half)))
              (local.set $db (f64x2.sub (f64x2.sub (local.get $yb) (local.get $kb)) (local.get $half)))
              (local.set $ok
                (v128.and
                  (v128.and (f64x2.lt (local.get $ya) (local.get $limit)) (f64x2.lt (local.get $yb) (local.get $limit)))
                  (v128.and
                    (f64x2.gt (f64x2.abs (local.get $da)) (f64x2.mul (local.get $ya) (local.get $vmargin)))
                    (f64x2.gt (f64x2.abs (local.get $db)) (f64x2.mul (local.get $yb) (local.get $vmargin))))))
              (br_if $single (i32.eqz (i64x2.all_true (local.get $ok))))
              (local.set $xs
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                  (i32x4.trunc_sat_f64x2_u_zero (f64x2.add (local.get $ka) (v128.and (f64x2.gt (local.get $da) (f64x2.splat (f64.const 0))) (local.get $one))))
                  (i32x4.trunc_sat_f64x2_u_zero (f64x2.add (local.get $kb) (v128.and (f64x2.gt (local.get $db) (f64x2.splat (f64.const 0))) (local.get $one))))))
              (br_if $single (i32.eqz (i32x4.all_true (i32x4.lt_u (local.get $xs) (i32x4.splat (i32.const 100000000))))))
              ;; sign bits of the four values as 0/1
              (local.set $negs
                (i32x4.shr_u
                  (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $va) (local.get $vb))
                  (i32.const 31)))
              (local.set $p (call $four (local.get $xs) (local.get $negs) (local.get $p) (i32.add (local.get $fd) (i32.const 1))
                (i32.add (local.get $width) (i32.const 1)) (i32.const 2)))
              (local.set $i (i32.add (local.get $i) (i32.const 4)))
              (br $next))
            (if (local.get $f32)
              (then (local.set $v (f64.promote_f32 (f32.load (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 2)))))))
              (else (local.set $v (f64.load (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 3)))))))
            (local.set $y (f64.mul (f64.abs (local.get $v)) (local.get $scale)))
            (br_if $stop (i32.eqz (f64.lt (local.get $y) (f64.const 2147483647))))
            (local.set $k (f64.floor (local.get $y)))
            (local.set $d (f64.sub (f64.sub (local.get $y) (local.get $k)) (f64.const 0.5)))
            (local.set $ki (i32.trunc_f64_u (local.get $k)))
            (if (f64.gt (f64.abs (local.get $d)) (f64.mul (local.get $y) (local.get $margin)))
              (then (local.set $x (i32.add (local.get $ki) (f64.gt (local.get $d) (f64.const 0)))))
              (else
                ;; a tie or near-tie of y: |v|*scale = y + e exactly (Dekker's product: the splits are exact
                ;; and so is every partial product), and d = y - k - 1/2 is exact (Sterbenz), so d + e has
                ;; the sign of the exact value's distance from k + 1/2 and is zero only for an exact tie,
                ;; which C rounds to the even neighbour
                (local.set $a (f64.abs (local.get $v)))
                (local.set $ah (f64.mul (local.get $a) (f64.const 134217729)))
                (local.set $ah (f64.sub (local.get $ah) (f64.sub (local.get $ah) (local.get $a))))
                (local.set $al (f64.sub (local.get $a) (local.get $ah)))
                (local.set $e
                  (f64.sub (f64.mul (local.get $al) (local.get $sl))
                    (f64.sub
                      (f64.sub
                        (f64.sub (local.get $y) (f64.mul (local.get $ah) (local.get $sh)))
                        (f64.mul (local.get $al) (local.get $sh)))
                      (f64.mul (local.get $ah) (local.get $sl)))))
                (local.set $e (f64.add (local.get $d) (local.get $e)))
                (local.set $x
                  (i32.add (local.get $ki)
                    (i32.or (f64.gt (local.get $e) (f64.const 0))
                      (i32.and (f64.eq (local.get $e) (f64.const 0)) (i32.and (local.get $ki) (i32.const 1))))))))
            (local.set $p
              (call $one (local.get $x) (i64.lt_s (i64.reinterpret_f64 (local.get $v)) (i64.const 0)) (local.get $p)
                (local.get $width) (local.get $fd) (i32.add (local.get $fd) (i32.const 1))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (if (local.get $full)
          (then
            (i32.store8 (i32.sub (local.get $p) (i32.const 1)) (local.get $nl))
            (local.set $col (i32.const 0)))
          (else (local.set $col (i32.add (local.get $col) (i32.sub (local.get $i) (local.get $i0))))))
        (br $row)))
    (global.set $outEnd (local.get $p))
    (local.get $i))

  ;; %Nd: kind 0 int8, 1 uint8, 2 int16, 3 uint16, 4 int32/uint32, 5 int64/uint64 (little-endian words);
  ;; signed != 0 reads 8/16/32-bit values as signed; simd != 0 when the tables are written (width <= 15).
  ;; A value is written here iff its magnitude is below 10^9 (and, for 64-bit values, its high word is
  ;; zero: negative int64 values go to the caller).
  (func (export "int")
    (param $in i32) (param $i i32) (param $end i32) (param $col i32) (param $ncol i32)
    (param $width i32) (param $kind i32) (param $signed i32) (param $simd i32) (param $out i32) (param $nl i32) (result i32)
    (local $p i32) (local $rowEnd i32) (local $full i32) (local $i0 i32)
    (local $v i32) (local $a i32) (local $neg i32)
    (local $vv v128) (local $hw v128) (local $negm v128) (local $sm v128)
    (local.set $p (local.get $out))
    (local.set $sm (i32x4.splat (i32.sub (i32.const 0) (local.get $signed))))
    (block $stop
      (loop $row
        (br_if $stop (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $i0 (local.get $i))
        (local.set $rowEnd (i32.add (local.get $i) (i32.sub (local.get $ncol) (local.get $col))))
        (local.set $full (i32.le_u (local.get $rowEnd) (local.get $end)))
        (if (i32.eqz (local.get $full)) (then (local.set $rowEnd (local.get $end))))
        (block $rowDone
          (loop $next
            (br_if $rowDone (i32.ge_u (local.get $i) (local.get $rowEnd)))
            (block $single
              (br_if $single (i32.eqz (local.get $simd)))
              (br_if $single (i32.lt_u (i32.sub (local.get $rowEnd) (local.get $i)) (i32.const 4)))
              (block $loaded4
                (block $c64
                  (block $c32
                    (block $c16u
                      (block $c16s
                        (block $c8u
                          (block $c8s
                            (br_table $c8s $c8u $c16s $c16u $c32 $c64 (local.get $kind)))
                          (local.set $vv (i32x4.extend_low_i16x8_s (i16x8.extend_low_i8x16_s (v128.load32_zero (i32.add (local.get $in) (local.get $i))))))
                          (br $loaded4))
                        (local.set $vv (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (i32.add (local.get $in) (local.get $i))))))
                        (br $loaded4))
                      (local.set $vv (i32x4.extend_low_i16x8_s (v128.load64_zero (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 1))))))
                      (br $loaded4))
                    (local.set $vv (i32x4.extend_low_i16x8_u (v128.load64_zero (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 1))))))
                    (br $loaded4))
                  (local.set $vv (v128.load (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 2)))))
                  (br $loaded4))
                (local.set $vv (v128.load (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 3)))))
                (local.set $hw (v128.load offset=16 (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 3)))))
                (br_if $single (v128.any_true (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $vv) (local.get $hw))))
                (local.set $vv (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $vv) (local.get $hw))))
              ;; magnitudes (a conditional negation of the signed negative values) and signs as 0/1
              (local.set $negm (v128.and (i32x4.lt_s (local.get $vv) (i32x4.splat (i32.const 0))) (local.get $sm)))
              (local.set $vv (i32x4.sub (v128.xor (local.get $vv) (local.get $negm)) (local.get $negm)))
              (br_if $single (i32.eqz (i32x4.all_true (i32x4.lt_u (local.get $vv) (i32x4.splat (i32.const 100000000))))))
              (local.set $p (call $four (local.get $vv) (i32x4.shr_u (local.get $negm) (i32.const 31)) (local.get $p) (i32.const 1)
                (i32.add (local.get $width) (i32.const 1)) (i32.const 1)))
              (local.set $i (i32.add (local.get $i) (i32.const 4)))
              (br $next))
            (block $loaded
              (block $b64
                (block $b32
                  (block $b16u
                    (block $b16s
                      (block $b8u
                        (block $b8s
                          (br_table $b8s $b8u $b16s $b16u $b32 $b64 (local.get $kind)))
                        (local.set $v (i32.load8_s (i32.add (local.get $in) (local.get $i))))
                        (br $loaded))
                      (local.set $v (i32.load8_u (i32.add (local.get $in) (local.get $i))))
                      (br $loaded))
                    (local.set $v (i32.load16_s (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 1)))))
                    (br $loaded))
                  (local.set $v (i32.load16_u (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 1)))))
                  (br $loaded))
                (local.set $v (i32.load (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 2)))))
                (br $loaded))
              (br_if $stop (i32.load offset=4 (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 3)))))
              (local.set $v (i32.load (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 3))))))
            (local.set $neg (i32.and (local.get $signed) (i32.lt_s (local.get $v) (i32.const 0))))
            (local.set $a (select (i32.sub (i32.const 0) (local.get $v)) (local.get $v) (local.get $neg)))
            (br_if $stop (i32.ge_u (local.get $a) (i32.const 1000000000)))
            (local.set $p (call $one (local.get $a) (local.get $neg) (local.get $p) (local.get $width) (i32.const 0) (i32.const 1)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (if (local.get $full)
          (then
            (i32.store8 (i32.sub (local.get $p) (i32.const 1)) (local.get $nl))
            (local.set $col (i32.const 0)))
          (else (local.set $col (i32.add (local.get $col) (i32.sub (local.get $i) (local.get $i0))))))
        (br $row)))
    (global.set $outEnd (local.get $p))
    (local.get $i)))
