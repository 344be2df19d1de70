;; First pass of common-mode algorithm 1 (src/calibration/first-pass-wasm.ts): over `n` pixels `step`
;; elements apart, out = f32(raw − pedestal) and the integer histogram of the good pixels' values rounded
;; half away from zero, bins −1000 … 1999 (others and NaN left out). f32(int16) is exact and f32.sub rounds
;; once, so `out` equals JavaScript's Math.fround(raw − pedestal). Addresses are byte offsets.
(module
  (import "env" "memory" (memory 1))

  ;; raw int16 at $raw, pedestals f32 at $ped, out f32 at $out, status u8 at $st (0 = good; $st = −1: all
  ;; good), histogram i32 at $hist.
  (func $row (param $raw i32) (param $ped i32) (param $out i32) (param $st i32) (param $hist i32) (param $n i32) (param $step i32)
    (local $k i32) (local $end i32) (local $v f32) (local $t f64) (local $b i32) (local $a i32)
    (local.set $end (i32.mul (local.get $n) (local.get $step)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $k) (local.get $end)))
        (local.set $v
          (f32.sub
            (f32.convert_i32_s (i32.load16_s (i32.add (local.get $raw) (i32.shl (local.get $k) (i32.const 1)))))
            (f32.load (i32.add (local.get $ped) (i32.shl (local.get $k) (i32.const 2))))))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 2))) (local.get $v))
        ;; t = v + 1000.5 exactly; 0 < t < 3000 is the histogram range (false for NaN)
        (local.set $t (f64.add (f64.promote_f32 (local.get $v)) (f64.const 1000.5)))
        (if (i32.and
              (i32.and (f64.gt (local.get $t) (f64.const 0)) (f64.lt (local.get $t) (f64.const 3000)))
              (if (result i32) (i32.lt_s (local.get $st) (i32.const 0))
                (then (i32.const 1))
                (else (i32.eqz (i32.load8_u (i32.add (local.get $st) (local.get $k)))))))
          (then
            (local.set $b (i32.trunc_f64_s (local.get $t)))
            ;; a negative exact half rounds down (away from zero)
            (if (i32.and (f64.eq (f64.convert_i32_s (local.get $b)) (local.get $t)) (f32.lt (local.get $v) (f32.const 0)))
              (then (local.set $b (i32.sub (local.get $b) (i32.const 1)))))
            (local.set $a (i32.add (local.get $hist) (i32.shl (local.get $b) (i32.const 2))))
            (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))))
        (local.set $k (i32.add (local.get $k) (local.get $step)))
        (br $next)))
  )
  (export "row" (func $row))
)
