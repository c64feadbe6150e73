//! Unit tests of the synthetic-sequence monitors (reference values, degenerate input).

use super::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn js_divergence_reference_values() {
    assert!(close(
        js_divergence(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]),
        0.0
    ));
    assert!(close(js_divergence(&[1.0, 0.0], &[0.0, 5.0]), 1.0));
    // p = (1, 0), q = (½, ½), m = (¾, ¼): JS = ½·log2(4/3) + ½·(½·log2(2/3) + ½·log2 2).
    let expected = 0.5 * (1.0_f64 / 0.75).log2()
        + 0.5 * (0.5 * (0.5_f64 / 0.75).log2() + 0.5 * (0.5_f64 / 0.25).log2());
    let got = js_divergence(&[1.0, 0.0], &[1.0, 1.0]);
    assert!(close(got, expected), "{got} vs {expected}");
    assert!((got - 0.311_278_124_459_132_8).abs() < 1e-12, "{got}");
    // Symmetric, padding, degenerate input.
    assert!(close(js_divergence(&[1.0, 1.0], &[1.0]), got));
    assert!(close(js_divergence(&[], &[]), 0.0));
    assert!(close(js_divergence(&[0.0], &[3.0]), 1.0));
    assert!(close(js_divergence(&[f64::NAN, 1.0], &[0.0, 1.0]), 0.0));
}

#[test]
fn distinct_n_reference_values() {
    let sequences = vec![vec![1, 2, 1, 2], vec![1, 2], vec![7]];
    // Unigrams: 1,2,1,2,1,2,7 → 3 distinct of 7.
    assert!(close(distinct_n(&sequences, 1), 3.0 / 7.0));
    // Bigrams: (1,2),(2,1),(1,2),(1,2) → 2 distinct of 4.
    assert!(close(distinct_n(&sequences, 2), 0.5));
    assert!(close(distinct_n(&[vec![3]], 2), 0.0));
    assert!(close(distinct_n(&sequences, 0), 0.0));
}

#[test]
fn memorised_share_finds_contiguous_runs_only() {
    let training = vec![vec![1, 2, 3, 4], vec![9, 8]];
    let synthetic = vec![
        vec![2, 3],    // run inside sequence 0
        vec![1, 3],    // items present but not contiguous
        vec![9, 8],    // a whole sequence
        vec![8, 9],    // reversed
        vec![],        // empty: never memorised
        vec![3, 4, 5], // runs past the end
    ];
    assert!(close(memorised_share(&synthetic, &training), 2.0 / 6.0));
    assert!(close(memorised_share(&[], &training), 0.0));
}

#[test]
fn nearest_real_ranks_by_jaccard() {
    let training = vec![vec![1, 2, 3], vec![4, 5], vec![1, 2, 9, 9], vec![3, 1, 2]];
    let nearest = nearest_real(&[1, 2, 3], &training, 3);
    // 0 and 3 share all three items (1.0, tie → lower index first); 2: {1,2} of {1,2,3,9}.
    assert_eq!(
        nearest.iter().map(|n| n.0).collect::<Vec<_>>(),
        vec![0, 3, 2]
    );
    assert!(close(nearest[0].1, 1.0) && close(nearest[2].1, 0.5));
    // User 1 shares nothing and never appears.
    assert!(nearest_real(&[4], &training, 5).iter().all(|n| n.0 == 1));
    assert!(nearest_real(&[], &training, 5).is_empty());
}

#[test]
fn longest_common_run_reference_values() {
    assert_eq!(longest_common_run(&[1, 2, 3, 4], &[0, 2, 3, 4, 1]), 3);
    assert_eq!(longest_common_run(&[1, 2], &[3]), 0);
    assert_eq!(longest_common_run(&[], &[1]), 0);
}

#[test]
fn quality_of_a_copy_and_of_a_collapsed_generator() {
    let training = vec![vec![0, 1, 2, 3], vec![3, 2, 1, 0]];
    let real = vec![vec![0, 1, 2], vec![3, 2, 1]];
    let copy = synthetic_quality(&real, &real, &training, 4);
    assert!(close(copy.popularity_js, 0.0) && close(copy.length_js, 0.0));
    assert_eq!(copy.real, copy.synthetic);
    assert!(close(copy.real.memorised_share, 1.0));
    assert!(close(copy.real.distinct_2, 1.0));
    assert!(close(copy.real.mean_length, 3.0));
    assert!(!mode_collapse(&copy));

    // One repeated pair: distinct-2 = 1/4 of the real 1.0, popularity on items {0, 1} only,
    // lengths 2 vs 3 (disjoint), none of them in training as a run... except (0, 1).
    let collapsed = vec![vec![0, 1], vec![0, 1], vec![0, 1], vec![0, 1]];
    let quality = synthetic_quality(&real, &collapsed, &training, 4);
    assert_eq!(quality.compared_sequences, 2);
    assert!(close(quality.synthetic.distinct_2, 0.5), "{quality:?}");
    assert!(close(quality.synthetic.distinct_1, 0.5));
    assert!(close(quality.length_js, 1.0));
    assert!(close(quality.synthetic.memorised_share, 1.0));
    // real popularity (1,2,2,1)/6, synthetic (½,½,0,0): hand-computed JS.
    let p = [1.0 / 6.0, 2.0 / 6.0, 2.0 / 6.0, 1.0 / 6.0];
    let q = [0.5, 0.5, 0.0, 0.0];
    let mut expected = 0.0;
    for (a, b) in p.iter().zip(q) {
        let m: f64 = 0.5 * (a + b);
        expected += 0.5 * a * (a / m).log2();
        if b > 0.0 {
            expected += 0.5 * b * (b / m).log2();
        }
    }
    assert!(close(quality.popularity_js, expected));
    assert!(!mode_collapse(&quality), "0.5 is exactly half, not below");
    let worse = SyntheticQuality {
        synthetic: SetStatistics {
            distinct_2: 0.49,
            ..quality.synthetic.clone()
        },
        ..quality
    };
    assert!(mode_collapse(&worse));
}

#[test]
fn memorisation_needs_both_the_floor_and_the_ratio() {
    let training = vec![vec![0, 1, 2, 3], vec![3, 2, 1, 0]];
    let real = vec![vec![0, 1, 2], vec![3, 2, 1]];
    let copy = synthetic_quality(&real, &real, &training, 4);
    assert!(
        !memorisation(&copy),
        "real users copy as much: not the generator's fault"
    );
    let with_shares = |synthetic: f64, real: f64| SyntheticQuality {
        synthetic: SetStatistics {
            memorised_share: synthetic,
            ..copy.synthetic.clone()
        },
        real: SetStatistics {
            memorised_share: real,
            ..copy.real.clone()
        },
        ..copy.clone()
    };
    // Beauty at half the data, epoch 47: 11.9% copied against 1.2% of real windows.
    assert!(memorisation(&with_shares(0.119, 0.012)));
    // Full Beauty, epoch 43: 1.6% against 0.4% is four times as much but below the floor.
    assert!(!memorisation(&with_shares(0.016, 0.004)));
    // Above the floor but within three times the real share.
    assert!(!memorisation(&with_shares(0.10, 0.04)));
    assert!(memorisation(&with_shares(0.06, 0.0)));
}

#[test]
fn out_of_range_ids_and_empty_sets_do_not_panic() {
    let quality = synthetic_quality(&[], &[vec![1, 100]], &[vec![1]], 2);
    assert!(close(quality.popularity_js, 1.0));
    assert_eq!(quality.compared_sequences, 0);
    assert!(!mode_collapse(&quality));
    let empty = synthetic_quality(&[], &[], &[], 0);
    assert!(close(empty.popularity_js, 0.0) && close(empty.length_js, 0.0));
}

#[test]
fn popularity_is_compared_on_equal_numbers_of_sequences() {
    let training: Vec<Vec<u32>> = (0..20).map(|u| vec![u % 10, (u + 3) % 10]).collect();
    let real: Vec<Vec<u32>> = (0..10).map(|u| vec![u, (u + 5) % 10]).collect();
    // The synthetic set is the real set's first two sequences: on equal sizes the two sets
    // are indistinguishable, whatever the rest of the real set holds.
    let synthetic = real[..2].to_vec();
    let quality = synthetic_quality(&real, &synthetic, &training, 10);
    assert_eq!(quality.compared_sequences, 2);
    assert!(close(quality.popularity_js, 0.0), "{quality:?}");
    assert!(close(
        quality.real.popularity_js_vs_training,
        quality.synthetic.popularity_js_vs_training
    ));
    // The whole real set covers every item and sits closer to training than its first two.
    let all_real = synthetic_quality(&real, &real, &training, 10);
    assert!(
        all_real.real.popularity_js_vs_training < quality.real.popularity_js_vs_training,
        "{all_real:?}"
    );
    // Sizes and lengths still describe the whole sets.
    assert_eq!(quality.real.sequences, 10);
}
