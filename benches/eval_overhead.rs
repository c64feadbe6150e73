//! Our own overhead in full-ranking evaluation at ML-1M size (6,040 users × 3,416 items),
//! with scores precomputed, so the model's matmul is excluded. `cargo bench --bench eval_overhead`.

use std::time::Instant;

use sequda::eval::{EvalCase, EvalOptions, MatrixScorer, Protocol, evaluate, top_k};
use sequda::rng::SplitMix64;

fn main() {
    let (users, n) = (6040usize, 3416usize);
    let mut rng = SplitMix64::new(1);
    let scores: Vec<f32> = (0..users * n).map(|_| rng.next_f64() as f32).collect();
    let histories: Vec<Vec<u32>> = (0..users)
        .map(|u| (0..150).map(|j| ((u * 31 + j * 7) % n) as u32).collect())
        .collect();
    let targets: Vec<u32> = (0..users).map(|u| ((u * 13 + 5) % n) as u32).collect();
    let cases: Vec<EvalCase<'_>> = (0..users)
        .map(|u| EvalCase::new(u as u32, &histories[u], targets[u], &histories[u]))
        .collect();
    let Ok(mut scorer) = MatrixScorer::new(n, scores) else {
        eprintln!("could not build the score matrix");
        return;
    };
    let counts = vec![3u64; n];
    let mut keep_going = |_: usize, _: usize| true;
    for protocol in Protocol::ALL {
        let options = EvalOptions::with_protocol(protocol);
        let start = Instant::now();
        let outcome = evaluate(
            &mut scorer,
            &cases,
            &options,
            Some(&counts),
            &mut keep_going,
        );
        let seconds = start.elapsed().as_secs_f64();
        match outcome {
            Ok(outcome) => println!(
                "{{\"workload\": \"eval {protocol} {users}x{n}\", \"seconds\": {seconds:.4}, \"hr@10\": {:.4}}}",
                outcome.metrics.hr_10
            ),
            Err(error) => eprintln!("{protocol}: {error}"),
        }
    }
    let start = Instant::now();
    let lists = top_k(&mut scorer, &cases, 10, true, &EvalOptions::default());
    println!(
        "{{\"workload\": \"top-10 {users}x{n}\", \"seconds\": {:.4}, \"ok\": {}}}",
        start.elapsed().as_secs_f64(),
        lists.is_ok()
    );
}
