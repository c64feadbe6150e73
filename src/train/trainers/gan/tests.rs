//! The GAN trainer's behaviour on tiny structured data (flex; wgpu when an adapter exists).

use burn::tensor::Device;

use super::*;
use crate::data::leave_one_out;
use crate::rng::SplitMix64;
use crate::settings::DeviceChoice;
use crate::settings::GanConfig;
use crate::train::device::{list_adapters, select_device};

/// `users` sequences of `len` items where the next item is always the current one + 1 (mod
/// `n_items`): perfectly learnable, and far from random.
fn structured(users: usize, len: usize, n_items: u32) -> Vec<Vec<u32>> {
    (0..users as u32)
        .map(|u| (0..len as u32).map(|t| (u * 3 + t) % n_items).collect())
        .collect()
}

/// Small and fast. Dropout is off because it draws from the backend's global random state,
/// which concurrently running tests share (everything else is seeded by the trainer).
fn tiny_config() -> GanConfig {
    GanConfig {
        window: 8,
        generator_dim: 16,
        discriminator_dim: 16,
        dropout: 0.0,
        batch_size: 32,
        pretrain_epochs: 2,
        max_windows_per_epoch: 64,
        discriminator_pretrain_steps: 2,
        adversarial_rounds_per_epoch: 2,
        generator_lr: 1e-2,
        discriminator_lr: 1e-2,
        synthetic_per_epoch: 40,
        held_back_share: 0.2,
        ..GanConfig::default()
    }
}

fn trainer(sequences: &[Vec<u32>], n_items: usize, seed: u64) -> GanTrainer {
    let split = leave_one_out(sequences);
    GanTrainer::new(&tiny_config(), &split, n_items, &Device::flex(), seed)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn mle_pretraining_lowers_the_generator_loss() {
    let mut gan = trainer(&structured(40, 14, 12), 12, 1);
    let fixed = gan.sample_windows(32);
    let before = gan.pretrain_step(&fixed);
    for _ in 0..40 {
        let windows = gan.sample_windows(32);
        gan.pretrain_step(&windows);
    }
    let after = gan.pretrain_step(&fixed);
    // Uniform over 12 items would be ln 12 ≈ 2.48.
    assert!(before > 2.0, "{before}");
    assert!(after < 0.5 * before, "{before} → {after}");
}

#[test]
fn discriminator_steps_tell_real_from_random() {
    let n_items = 12;
    let mut gan = trainer(&structured(40, 14, n_items), n_items as usize, 2);
    let mut rng = SplitMix64::new(11);
    let mut random_like = |real: &[Vec<u32>]| -> Vec<Vec<u32>> {
        real.iter()
            .map(|w| {
                w.iter()
                    .map(|_| rng.below(u64::from(n_items)) as u32)
                    .collect()
            })
            .collect()
    };
    let real = gan.sample_windows(64);
    let random = random_like(&real);
    let first = gan.discriminator_step(&real, &random);
    for _ in 0..40 {
        let real = gan.sample_windows(64);
        let random = random_like(&real);
        gan.discriminator_step(&real, &random);
    }
    // Fresh windows D has not trained on.
    let (real, random) = {
        let real = gan.sample_windows(64);
        let random = random_like(&real);
        (real, random)
    };
    let last = gan.discriminator_step(&real, &random);
    assert!(
        last.d_acc > 0.85 && last.d_acc > first.d_acc + 0.2,
        "{first:?} → {last:?}"
    );
    assert!(last.d_loss < first.d_loss, "{first:?} → {last:?}");
    assert!(last.d_real > 0.5 && last.d_fake < 0.5, "{last:?}");
}

#[test]
fn generated_sequences_use_training_items_and_training_prefixes_only() {
    // Training part: items 0..12; validation item 12 + 2u and test item 13 + 2u, unique.
    let users = 30;
    let sequences: Vec<Vec<u32>> = structured(users, 9, 12)
        .into_iter()
        .enumerate()
        .map(|(u, mut s)| {
            s.extend([12 + 2 * u as u32, 13 + 2 * u as u32]);
            s
        })
        .collect();
    let n_items = 12 + 2 * users;
    let split = leave_one_out(&sequences);
    let mut gan = GanTrainer::new(&tiny_config(), &split, n_items, &Device::flex(), 3)
        .unwrap_or_else(|e| panic!("{e}"));
    gan.run_epoch();
    let mut rng = SplitMix64::new(4);
    let from_training = gan.sampler().generate_from_training(200, &mut rng);
    let from_split = gan.generate(&split.train, 100, &mut rng);
    assert_eq!(from_training.len(), 200);
    assert_eq!(from_split.len(), 100);
    let window = tiny_config().window;
    for s in from_training.iter().chain(&from_split) {
        assert!(
            s.items.iter().all(|&i| i < 12),
            "a validation/test item: {s:?}"
        );
        assert!(s.items.len() >= 2 && s.items.len() <= window, "{s:?}");
        assert!(
            (1..s.items.len()).contains(&s.prefix_len) && s.prefix_len <= 5,
            "{s:?}"
        );
        let prefix = &s.items[..s.prefix_len];
        let source = &split.train[s.source];
        assert!(
            source.windows(prefix.len()).any(|w| w == prefix),
            "prefix not from the source: {s:?}"
        );
        assert!((0.0..=1.0).contains(&s.d_score), "{s:?}");
    }
    for s in &from_training {
        assert!(gan.corpus().training_users().contains(&s.source), "{s:?}");
    }
    let kept = gan.filter_by_discriminator(from_training.clone());
    assert!(kept.iter().all(|s| f64::from(s.d_score) >= 0.5));
    assert_eq!(
        kept.len(),
        from_training.iter().filter(|s| s.d_score >= 0.5).count()
    );
    let quality = gan.sampler().quality(&from_training);
    assert_eq!(quality.synthetic.sequences, 200);
    assert_eq!(quality.real.sequences, gan.corpus().held_back_users().len());
}

#[test]
fn same_seed_same_run_on_flex() {
    let sequences = structured(30, 12, 10);
    let run = |seed| {
        let mut gan = trainer(&sequences, 10, seed);
        let reports: Vec<GanEpochReport> = (0..3).map(|_| gan.run_epoch()).collect();
        let samples = gan
            .sampler()
            .generate_from_training(30, &mut SplitMix64::new(5));
        (reports, samples)
    };
    let (reports, samples) = run(7);
    assert_eq!(
        reports.iter().map(|r| r.phase).collect::<Vec<_>>(),
        vec![
            GanPhase::Pretrain,
            GanPhase::Pretrain,
            GanPhase::Adversarial
        ]
    );
    assert!(reports.iter().all(GanEpochReport::is_finite), "{reports:?}");
    let adversarial = reports[2].adversarial.unwrap_or_else(GanStepStats::failed);
    assert!(
        (0.0..=1.0).contains(&adversarial.d_acc) && (0.0..=1.0).contains(&adversarial.mean_reward)
    );
    assert_eq!(run(7), (reports, samples.clone()));
    assert_ne!(run(8).1, samples);
}

#[test]
fn non_finite_losses_come_back_as_values() {
    let split = leave_one_out(&structured(20, 10, 8));
    let config = GanConfig {
        generator_lr: 1e30,
        discriminator_lr: 1e30,
        ..tiny_config()
    };
    let mut gan =
        GanTrainer::new(&config, &split, 8, &Device::flex(), 1).unwrap_or_else(|e| panic!("{e}"));
    let windows = gan.sample_windows(16);
    let mut losses = Vec::new();
    for _ in 0..4 {
        losses.push(gan.pretrain_step(&windows));
    }
    assert!(losses.iter().any(|l| !l.is_finite()), "{losses:?}");
    assert!(!gan.adversarial_round(&windows).is_finite());
    assert!(!gan.run_epoch().is_finite());
    // Generation with a broken generator returns fewer (or no) sequences, never panics.
    let generated = gan
        .sampler()
        .generate_from_training(10, &mut SplitMix64::new(1));
    assert!(generated.len() <= 10);
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let split = leave_one_out(&[vec![1], vec![2]]);
    let result = GanTrainer::new(&tiny_config(), &split, 3, &Device::flex(), 1);
    assert!(matches!(result, Err(GanError::NotEnoughData(_))));
    let bad = GanConfig {
        window: 0,
        ..tiny_config()
    };
    let split = leave_one_out(&structured(5, 6, 4));
    assert!(matches!(
        GanTrainer::new(&bad, &split, 4, &Device::flex(), 1),
        Err(GanError::Config(_))
    ));
    let mut gan = trainer(&structured(5, 6, 4), 4, 1);
    assert_eq!(gan.pretrain_step(&[vec![1]]), 0.0);
    assert!(!gan.adversarial_round(&[]).is_finite());
    assert!(
        gan.sampler()
            .generate(&[vec![]], 5, &mut SplitMix64::new(1))
            .is_empty()
    );
}

#[test]
fn wgpu_and_flex_agree_when_an_adapter_exists() {
    if list_adapters().is_empty() {
        eprintln!("*** WARNING: no wgpu adapter: the GAN's GPU code path was NOT tested. ***");
        return;
    }
    let gpu = match select_device(DeviceChoice::Wgpu) {
        Ok(selected) => selected.device,
        Err(error) => panic!("an adapter was listed but could not be used: {error}"),
    };
    let sequences = structured(24, 10, 10);
    let split = leave_one_out(&sequences);
    let losses_on = |device: &Device| {
        let mut gan = GanTrainer::new(&tiny_config(), &split, 10, device, 5)
            .unwrap_or_else(|e| panic!("{e}"));
        let losses: Vec<f64> = (0..3)
            .map(|_| {
                let windows = gan.sample_windows(16);
                gan.pretrain_step(&windows)
            })
            .collect();
        let windows = gan.sample_windows(16);
        let stats = gan.adversarial_round(&windows);
        let samples = gan
            .sampler()
            .generate_from_training(8, &mut SplitMix64::new(2));
        (losses, stats, samples)
    };
    let (cpu, cpu_stats, _) = losses_on(&Device::flex());
    let (gpu_losses, gpu_stats, gpu_samples) = losses_on(&gpu);
    for (a, b) in cpu.iter().zip(&gpu_losses) {
        assert!(
            (a - b).abs() <= 1e-3 * a.abs().max(1.0),
            "flex {cpu:?} vs wgpu {gpu_losses:?}"
        );
    }
    assert!(
        cpu_stats.is_finite() && gpu_stats.is_finite(),
        "{cpu_stats:?} {gpu_stats:?}"
    );
    assert_eq!(gpu_samples.len(), 8);
    assert!(gpu_samples.iter().flat_map(|s| &s.items).all(|&i| i < 10));
}

#[test]
fn a_restored_gan_keeps_its_weights_and_its_place_in_the_schedule() {
    use crate::train::TrainError;
    use crate::train::run_folder::{
        load_checkpoint, restore_optimizer, save_checkpoint, save_optimizer,
    };

    let sequences = structured(40, 14, 12);
    let mut first = trainer(&sequences, 12, 1);
    for _ in 0..3 {
        first.run_epoch(); // two MLE epochs, then the first adversarial one
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (g_path, d_path) = (dir.path().join("g.bpk"), dir.path().join("d.bpk"));
    save_checkpoint(&first.generator(), &g_path).expect("save G");
    save_checkpoint(&first.discriminator(), &d_path).expect("save D");

    let split = leave_one_out(&sequences);
    let samples = |gan: &GanTrainer| gan.generate(&split.train, 30, &mut SplitMix64::new(5));
    let mut restored = trainer(&sequences, 12, 1);
    assert_ne!(
        samples(&restored),
        samples(&first),
        "a fresh GAN samples differently"
    );
    restored
        .restore(
            |g, d| {
                Ok::<_, TrainError>((load_checkpoint(g, &g_path)?, load_checkpoint(d, &d_path)?))
            },
            3,
        )
        .expect("restore");
    assert_eq!(samples(&restored), samples(&first));
    // The optimisers' state comes back too (a fresh trainer's is empty).
    let (g_opt, d_opt) = (dir.path().join("g_opt.bpk"), dir.path().join("d_opt.bpk"));
    save_optimizer(first.optimizers().0, &g_opt).expect("save G's optimiser");
    save_optimizer(first.optimizers().1, &d_opt).expect("save D's optimiser");
    let states = |gan: &GanTrainer| {
        let (g, d) = gan.optimizers();
        (g.to_record().len(), d.to_record().len())
    };
    assert_eq!(states(&restored), (0, 0));
    let (g, d) = restored.optimizers_mut();
    restore_optimizer(g, &g_opt).expect("restore G's optimiser");
    restore_optimizer(d, &d_opt).expect("restore D's optimiser");
    let saved = states(&first);
    assert!(saved.0 > 0 && saved.1 > 0, "{saved:?}");
    assert_eq!(states(&restored), saved);
    assert_eq!(restored.epochs_done(), 3);
    assert_eq!(restored.next_phase(), GanPhase::Adversarial);
    // The next epoch is adversarial straight away (epoch 4 of the schedule).
    let report = restored.run_epoch();
    assert_eq!((report.epoch, report.phase), (4, GanPhase::Adversarial));
    assert!(report.adversarial.is_some(), "{report:?}");
}

#[test]
fn generation_reads_each_batch_back_once_not_each_token() {
    let mut gan = trainer(&structured(40, 14, 12), 12, 2);
    gan.run_epoch();
    let before = gan.host_reads().count();
    let mut rng = SplitMix64::new(5);
    // 300 sequences of up to 8 items: two generator batches of ≤ 256 drawn on the device,
    // each read back once, then two discriminator batches.
    let generated = gan.sampler().generate_from_training(300, &mut rng);
    assert_eq!(generated.len(), 300);
    assert!(generated.iter().all(|s| s.items.iter().all(|&i| i < 12)));
    assert_eq!(gan.host_reads().count() - before, 2 + 2);
}
