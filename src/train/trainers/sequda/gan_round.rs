//! SeqUDA-Rec's GAN round: once per epoch the GAN trains, generates, filters and reports;
//! each step then takes its share of the kept synthetic sequences.

use super::trainer::{SAMPLES_SHOWN, SeqUdaRecipe};
use crate::eval::synthetic::{memorisation, mode_collapse};
use crate::train::TrainError;
use crate::train::epochs::{LengthGroup, length_groups};
use crate::train::run_folder::MetricsWriter;
use crate::train::session::Control;
use crate::train::session::{Event, SyntheticReport, SyntheticSample};
use crate::train::trainers::gan::SyntheticSequence;

impl SeqUdaRecipe<'_> {
    /// The GAN's round before an epoch: its own training epoch (logged as a `gan` record),
    /// then a fresh batch of synthetic sequences filtered by the discriminator, their quality
    /// monitors (`synthetic` record, warnings on mode collapse or memorisation) and the
    /// window's sample; the kept sequences train the model this epoch.
    pub(super) fn run_gan(
        &mut self,
        epoch: usize,
        control: &mut Control,
        metrics: &mut MetricsWriter,
    ) -> Result<(), TrainError> {
        let Some(gan) = self.gan.as_mut() else {
            return Ok(());
        };
        let report = gan.run_epoch();
        self.gan_values = report
            .values()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let mut record = serde_json::json!({"kind": "gan", "epoch": epoch});
        if let Some(object) = record.as_object_mut() {
            for (name, value) in &self.gan_values {
                object.insert(name.clone(), serde_json::json!(value));
            }
        }
        metrics.append(&record)?;
        if !report.is_finite() {
            return Err(gan_loss_error(epoch, report.mle_loss));
        }
        let sampler = gan.sampler();
        let generated =
            sampler.generate_from_training(gan.config().synthetic_per_epoch, &mut self.rng);
        let count = generated.len();
        let kept = sampler.filter_by_discriminator(generated);
        let quality = sampler.quality(&kept);
        let collapsed = mode_collapse(&quality);
        let memorised = memorisation(&quality);
        metrics.append(&serde_json::json!({
            "kind": "synthetic", "epoch": epoch, "generated": count, "kept": kept.len(),
            "mode_collapse": collapsed, "memorisation": memorised, "quality": quality,
        }))?;
        let mut warnings = Vec::new();
        if collapsed {
            warnings.push(format!(
                "GAN mode collapse at epoch {epoch}: synthetic distinct-2 {:.3} is below half the real {:.3}",
                quality.synthetic.distinct_2, quality.real.distinct_2
            ));
        }
        if memorised {
            warnings.push(format!(
                "GAN memorisation at epoch {epoch}: {:.1}% of kept synthetic sequences copy a training run verbatim, against {:.1}% of held-back real ones",
                100.0 * quality.synthetic.memorised_share,
                100.0 * quality.real.memorised_share
            ));
        }
        for message in warnings {
            metrics.append(
                &serde_json::json!({"kind": "warning", "epoch": epoch, "message": message}),
            )?;
            control.send(Event::Warning { message });
        }
        control.send(Event::Synthetic(Box::new(SyntheticReport {
            epoch,
            generated: count,
            kept: kept.len(),
            samples: kept.iter().take(SAMPLES_SHOWN).map(sample).collect(),
            real_samples: gan
                .corpus()
                .held_back_windows()
                .into_iter()
                .take(SAMPLES_SHOWN)
                .collect(),
            quality,
            mode_collapse: collapsed,
        })));
        self.synthetic = kept.into_iter().map(|s| s.items).collect();
        self.synthetic_cursor = 0;
        Ok(())
    }

    /// The next synthetic mini-batch, sized in proportion to the real batch, in length groups.
    pub(super) fn synthetic_batch(&mut self, real_rows: usize) -> Option<Vec<LengthGroup>> {
        if self.synthetic.is_empty() {
            return None;
        }
        let share = self.synthetic.len() as f64 / self.split.train.len().max(1) as f64;
        let rows = ((real_rows as f64 * share).ceil() as usize).clamp(1, self.synthetic.len());
        let indices: Vec<usize> = (0..rows)
            .map(|i| (self.synthetic_cursor + i) % self.synthetic.len())
            .collect();
        self.synthetic_cursor = (self.synthetic_cursor + rows) % self.synthetic.len();
        Some(length_groups(
            &self.synthetic,
            &indices,
            self.config.encoder.max_len,
            self.config.length_groups,
        ))
    }
}

fn sample(sequence: &SyntheticSequence) -> SyntheticSample {
    SyntheticSample {
        source_user: sequence.source,
        items: sequence.items.clone(),
        prefix_len: sequence.prefix_len,
        d_score: sequence.d_score,
    }
}

/// The error for a GAN round of `epoch` whose loss became `value` (step 0: before the epoch's
/// steps).
fn gan_loss_error(epoch: usize, value: f64) -> TrainError {
    TrainError::NonFiniteLoss {
        epoch,
        step: 0,
        read_steps: None,
        value,
        kept_epoch: None,
    }
}
