// Hand-written on purpose (issue #33): statrs 0.19.1 is cheap without its default features
// (+2 crates, statrs and approx: ~1 s of compile time, cargo --timings) but ~25 s with them
// (+nalgebra, simba, matrixmultiply, typenum, …), and it fails this file's tests: its Student's
// t quantile is 1.2e-4 off at df = 1e6 (1.959848 for 1.959966) and I_0.5(7.5, 7.5) is 4e-14
// off. This file is 135 lines without its tests.

//! Special functions for the significance tests: log-gamma, the regularized incomplete beta
//! function (Numerical Recipes' `betai` / `betacf`, modified Lentz) and Student's t.

/// Continued-fraction iteration cap; large enough for `a, b` up to ~1e7 (needs ~sqrt(max(a,b))).
const MAX_ITER: usize = 20_000;
/// Relative convergence tolerance of the continued fraction.
const EPS: f64 = 1e-15;
/// Smallest magnitude kept by Lentz's method.
const FPMIN: f64 = 1e-300;

/// `ln Γ(x)` for `x > 0` (Lanczos, g = 7, 9 terms; ~1e-15 relative). NaN for `x <= 0`.
pub(super) fn ln_gamma(x: f64) -> f64 {
    const COEF: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 - x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEF[0];
    for (i, &c) in COEF.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// Regularized incomplete beta `I_x(a, b)`, given both `x` and `y = 1 - x` (pass `y` computed
/// directly when `x` is close to 1, to keep its precision).
pub(super) fn incomplete_beta(a: f64, b: f64, x: f64, y: f64) -> f64 {
    if a.is_nan() || b.is_nan() || x.is_nan() || a <= 0.0 || b <= 0.0 {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 0.0;
    }
    if y <= 0.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * y.ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_continued_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_continued_fraction(b, a, y) / b
    }
}

/// Continued fraction for the incomplete beta function (modified Lentz's method).
fn beta_continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let clamp = |v: f64| if v.abs() < FPMIN { FPMIN } else { v };
    let mut c = 1.0;
    let mut d = 1.0 / clamp(1.0 - qab * x / qap);
    let mut h = d;
    for m in 1..=MAX_ITER {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 / clamp(1.0 + aa * d);
        c = clamp(1.0 + aa / c);
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 / clamp(1.0 + aa * d);
        c = clamp(1.0 + aa / c);
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

/// Two-sided p-value `P(|T| >= |t|)` of Student's t with `df > 0` degrees of freedom.
/// 0 for infinite `t`, NaN for NaN input or `df <= 0`.
pub(super) fn student_t_two_sided_p(t: f64, df: f64) -> f64 {
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if t.is_infinite() {
        return 0.0;
    }
    let t2 = t * t;
    let x = df / (df + t2);
    let y = t2 / (df + t2);
    incomplete_beta(df / 2.0, 0.5, x, y).clamp(0.0, 1.0)
}

/// Two-sided critical value: the `q >= 0` with `P(|T| >= q) = alpha` (e.g. alpha 0.05 gives the
/// 97.5% quantile). Bisection on the p-value, which decreases in `q`.
pub(super) fn student_t_critical(alpha: f64, df: f64) -> f64 {
    if !(alpha > 0.0 && alpha < 1.0) || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    let mut low = 0.0;
    let mut high = 2.0;
    while student_t_two_sided_p(high, df) > alpha {
        low = high;
        high *= 2.0;
        if high > 1e300 {
            return f64::INFINITY;
        }
    }
    for _ in 0..200 {
        let mid = 0.5 * (low + high);
        if student_t_two_sided_p(mid, df) > alpha {
            low = mid;
        } else {
            high = mid;
        }
        if high - low <= 1e-13 * high {
            break;
        }
    }
    0.5 * (low + high)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_close(got: f64, want: f64, tol: f64) {
        assert!((got - want).abs() <= tol, "got {got}, want {want}");
    }

    #[test]
    fn ln_gamma_known_values() {
        assert_close(ln_gamma(1.0), 0.0, 1e-14);
        assert_close(ln_gamma(2.0), 0.0, 1e-14);
        assert_close(ln_gamma(5.0), 24f64.ln(), 1e-13);
        assert_close(ln_gamma(0.5), std::f64::consts::PI.sqrt().ln(), 1e-14);
        assert_close(ln_gamma(0.1), 2.252_712_651_734_206, 1e-13);
        assert_close(ln_gamma(100.0), 359.134_205_369_575_4, 1e-10);
        assert!(ln_gamma(0.0).is_nan());
    }

    #[test]
    fn incomplete_beta_known_values() {
        // I_x(1, 1) = x; I_0.5(a, a) = 0.5; I_0.5(2, 3) = 11/16.
        assert_close(incomplete_beta(1.0, 1.0, 0.3, 0.7), 0.3, 1e-14);
        assert_close(incomplete_beta(7.5, 7.5, 0.5, 0.5), 0.5, 1e-14);
        assert_close(incomplete_beta(2.0, 3.0, 0.5, 0.5), 0.6875, 1e-14);
        // I_x(a, 1) = x^a.
        assert_close(incomplete_beta(3.0, 1.0, 0.8, 0.2), 0.512, 1e-14);
        assert_eq!(incomplete_beta(2.0, 3.0, 0.0, 1.0), 0.0);
        assert_eq!(incomplete_beta(2.0, 3.0, 1.0, 0.0), 1.0);
    }

    #[test]
    fn student_t_p_values() {
        assert_close(
            student_t_two_sided_p(2.0, 10.0),
            0.073_388_034_770_740_4,
            1e-12,
        );
        assert_close(
            student_t_two_sided_p(-2.0, 10.0),
            0.073_388_034_770_740_4,
            1e-12,
        );
        assert_close(
            student_t_two_sided_p(1.96, 1e6),
            0.049_996_067_582_829,
            1e-9,
        );
        // df = 1 is Cauchy: p = 1 - 2 atan(t) / pi.
        assert_close(
            student_t_two_sided_p(3.0, 1.0),
            1.0 - 2.0 * 3f64.atan() / std::f64::consts::PI,
            1e-13,
        );
        assert_close(
            student_t_two_sided_p(4.242_640_687, 4.0),
            0.013_235_599_564_944,
            1e-11,
        );
        assert_eq!(student_t_two_sided_p(0.0, 5.0), 1.0);
        assert_eq!(student_t_two_sided_p(f64::INFINITY, 5.0), 0.0);
        assert!(student_t_two_sided_p(1.0, 0.0).is_nan());
    }

    #[test]
    fn student_t_critical_values() {
        assert_close(student_t_critical(0.05, 1.0), 12.706_204_736, 1e-6);
        assert_close(student_t_critical(0.05, 4.0), 2.776_445_105, 1e-8);
        assert_close(student_t_critical(0.05, 10.0), 2.228_138_852, 1e-8);
        assert_close(student_t_critical(0.05, 1e6), 1.959_966_356_814_107, 1e-8);
        assert!(student_t_critical(0.0, 3.0).is_nan());
    }
}
