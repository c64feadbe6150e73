//! The command-line contract (README, "Command line").

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use super::export_args::ExportArgs;
use super::report_cmd::ReportArgs;
use super::scale_args::{LossArgs, SynthScaleArgs};
use super::values::at_least_one;
use sequda::settings::{Mixing, Positional, ScheduleKind};

/// SeqUDA Studio: train and explore sequential recommenders on behaviour logs.
#[derive(Debug, Parser)]
#[command(name = "sequda", version, about, long_about = None)]
pub struct Cli {
    /// More log output on stderr (repeat for more).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// What to do; without one, the window opens on the bundled sample data.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Dataset tools.
    #[command(subcommand)]
    Data(DataCommand),
    /// Train a model and write a run folder.
    Train(TrainArgs),
    /// Evaluate a run's best checkpoint again (JSON on stdout).
    Eval(EvalArgs),
    /// Paired test of two finished runs' per-user test NDCG@10 (JSON on stdout).
    Compare(CompareArgs),
    /// Go on with a run that was stopped or cut before its test, from its best checkpoint.
    Resume(ResumeArgs),
    /// Top-K recommendations for one user.
    Recommend(RecommendArgs),
    /// Every user ranked for one item (audience targeting), as a spreadsheet-safe CSV.
    Audience(AudienceArgs),
    /// User states and item embeddings for the warehouse, with SQL that scores audiences.
    Export(ExportArgs),
    /// A self-contained HTML report of a run (and runs compared with it) to share.
    Report(ReportArgs),
    /// Throughput figures: one training epoch and one full-ranking evaluation pass.
    Bench(BenchArgs),
    /// Synthetic sequences from a SeqUDA-Rec run's GAN, with titles and discriminator scores.
    Generate(GenerateArgs),
    /// Run an experiment plan (variants × seeds) and write Markdown and JSON tables.
    Experiment(ExperimentArgs),
    /// List the graphics adapters wgpu can train on, numbered for `--device adapter:N`.
    Adapters,
    /// Open the window (SeqUDA Studio) on a dataset.
    Gui(GuiArgs),
}

/// `sequda data …`
#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Dataset statistics as JSON on stdout.
    Stats {
        /// The interaction log.
        path: PathBuf,
        /// How to read it.
        #[command(flatten)]
        input: InputArgs,
        /// List every item's interaction count (`item_popularity`) even for a catalogue over
        /// 10,000 items, which otherwise gets only `item_popularity_summary`.
        #[arg(long)]
        item_popularity: bool,
    },
    /// Regenerate the bundled sample dataset.
    Synth {
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Generator seed (the bundled data uses the default).
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Write a synthetic log of any size (Zipf item popularity, per-user chronology) for
    /// benchmarks and tests, streamed to one CSV file.
    SynthScale(SynthScaleArgs),
}

/// How to read an interaction log.
#[derive(Debug, Args, Clone, Default)]
pub struct InputArgs {
    /// File format: auto, sasrec, csv, movielens, parquet (Parquet, gzip and zstd are detected).
    #[arg(long, default_value = "auto")]
    pub format: String,
    /// Column holding user ids (delimited files).
    #[arg(long)]
    pub user_col: Option<String>,
    /// Column holding item ids (delimited files).
    #[arg(long)]
    pub item_col: Option<String>,
    /// Column holding timestamps (delimited files).
    #[arg(long)]
    pub time_col: Option<String>,
    /// Column holding the behaviour type (delimited files).
    #[arg(long)]
    pub behaviour_col: Option<String>,
    /// Treat any malformed row as a fatal error instead of skipping it.
    #[arg(long)]
    pub strict: bool,
}

/// `sequda train`
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The interaction log.
    #[arg(long)]
    pub data: PathBuf,
    /// How to read it.
    #[command(flatten)]
    pub input: InputArgs,
    /// Item metadata (titles, categories); looked for next to the data when absent.
    #[arg(long)]
    pub items: Option<PathBuf>,
    /// Model variant: sasrec, pop, sequda, sequda-no-gan, sequda-no-cl, sequda-no-graph
    /// [default: the --config file's, else sasrec].
    #[arg(long)]
    pub model: Option<String>,
    /// A TOML file with `[train]` settings (flags override it).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Most epochs.
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Early-stopping patience in epochs.
    #[arg(long)]
    pub patience: Option<usize>,
    /// auto (a real GPU if present, else CPU), gpu, cpu, wgpu (any adapter, for testing),
    /// adapter:N (the Nth of `sequda adapters`).
    #[arg(long)]
    pub device: Option<String>,
    /// Seed for initialisation, shuffling and dropout.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Encoder and optimiser shape.
    #[command(flatten)]
    pub shape: ShapeArgs,
    /// The next-item loss.
    #[command(flatten)]
    pub loss: LossArgs,
    /// Start from the best checkpoint of this run folder (same model, data and shape) instead
    /// of random weights: continues a run that stopped at its epoch cap.
    #[arg(long, value_name = "RUN_DIR")]
    pub init_from: Option<PathBuf>,
    /// The run folder to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Replace the run `--out` already holds (by default such a folder is refused, so a
    /// finished or cut run is never overwritten by accident).
    #[arg(long)]
    pub overwrite: bool,
}

/// Encoder and optimiser settings shared by `train` and `bench`.
#[derive(Debug, Args, Clone, Default)]
pub struct ShapeArgs {
    /// Longest input sequence.
    #[arg(long)]
    pub max_len: Option<usize>,
    /// Hidden width.
    #[arg(long)]
    pub dim: Option<usize>,
    /// Transformer blocks.
    #[arg(long)]
    pub blocks: Option<usize>,
    /// Attention heads.
    #[arg(long)]
    pub heads: Option<usize>,
    /// Dropout probability.
    #[arg(long)]
    pub dropout: Option<f64>,
    /// Positional encoding: learned or sinusoidal.
    #[arg(long)]
    pub positional: Option<Positional>,
    /// What each block mixes with attention: off, frequency (BSARec) or residual (control).
    #[arg(long)]
    pub mixing: Option<Mixing>,
    /// Weight α of the mixing part (attention gets 1 − α).
    #[arg(long)]
    pub mix_alpha: Option<f64>,
    /// Lowest DFT frequencies the mixing's low-pass keeps.
    #[arg(long)]
    pub mix_frequencies: Option<usize>,
    /// Padded positions keep their embeddings instead of zeros (a control for the mixing).
    #[arg(long)]
    pub positional_padding: bool,
    /// Sequences per step.
    #[arg(long)]
    pub batch: Option<usize>,
    /// Adam learning rate (the peak, under a schedule).
    #[arg(long)]
    pub lr: Option<f64>,
    /// Learning-rate schedule: constant, or cosine (linear warm-up, then a cosine decay).
    #[arg(long)]
    pub lr_schedule: Option<ScheduleKind>,
    /// Epochs of linear warm-up of the cosine schedule (may be fractional).
    #[arg(long)]
    pub warmup_epochs: Option<f64>,
    /// The epoch at which the cosine reaches its floor (0 = the run's most epochs).
    #[arg(long)]
    pub decay_epochs: Option<usize>,
}

/// `sequda eval`
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The run folder.
    #[arg(long)]
    pub run: PathBuf,
    /// full, uniform-100 or popular-100.
    #[arg(long, default_value = "full")]
    pub protocol: String,
    /// valid or test.
    #[arg(long, default_value = "test")]
    pub split: String,
    /// Seed for the sampled protocols.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// auto, gpu, cpu, wgpu, adapter:N.
    #[arg(long, default_value = "auto")]
    pub device: String,
    /// Re-rank this many top candidates by target attention instead of the run's own
    /// `rerank_top` (0 = off, accepted by every run; a positive N needs a SeqUDA-Rec run with
    /// the target-attention head). Judge it on `--split valid`.
    #[arg(long)]
    pub rerank_top: Option<usize>,
    /// SeqUDA-Rec's graph: `train` (the training graph, default), `inputs` (for test, with
    /// each user's validation item added) or `lagged` (for validation, without each user's
    /// last training item: the validation analogue of test under `train`).
    #[arg(long, default_value = "train")]
    pub graph: String,
    /// Also write the per-user ranks as the run's `test_ranks.json` (for `sequda compare`)
    /// when it has none, e.g. a run cut before testing. Full-ranking test split, the run's own
    /// graph and re-ranking only; an existing file is never overwritten.
    #[arg(long)]
    pub save_ranks: bool,
}

/// `sequda resume`
#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// The run folder of the stopped or cut run (it keeps its data, settings and log).
    #[arg(long)]
    pub run: PathBuf,
    /// auto, gpu, cpu, wgpu, adapter:N; the run's own choice when absent.
    #[arg(long)]
    pub device: Option<String>,
}

/// `sequda compare`
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The reference run folder (e.g. SASRec-CE).
    #[arg(long)]
    pub baseline: PathBuf,
    /// The run folder compared with it, on the same data.
    #[arg(long)]
    pub run: PathBuf,
}

/// `sequda recommend`
#[derive(Debug, Args)]
pub struct RecommendArgs {
    /// The run folder.
    #[arg(long)]
    pub run: PathBuf,
    /// The user id as it appears in the data.
    #[arg(long)]
    pub user: String,
    /// How many items.
    #[arg(short = 'k', long = "k", default_value_t = 10, value_parser = at_least_one::<usize>)]
    pub k: usize,
    /// Also recommend items the user already interacted with.
    #[arg(long)]
    pub include_seen: bool,
    /// JSON on stdout instead of a table.
    #[arg(long)]
    pub json: bool,
    /// auto, gpu, cpu, wgpu, adapter:N.
    #[arg(long, default_value = "auto")]
    pub device: String,
}

/// `sequda audience`
#[derive(Debug, Args)]
pub struct AudienceArgs {
    /// The run folder.
    #[arg(long)]
    pub run: PathBuf,
    /// The item (ad) id as it appears in the data.
    #[arg(long)]
    pub item: String,
    /// How many users, most likely engagers first.
    #[arg(long, default_value_t = 100, value_parser = at_least_one::<usize>)]
    pub top: usize,
    /// Write the CSV here instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Score with the full-ranking scores even when the model has a target-attention head.
    #[arg(long)]
    pub without_target_attention: bool,
    /// auto, gpu, cpu, wgpu, adapter:N.
    #[arg(long, default_value = "auto")]
    pub device: String,
}

/// `sequda bench`
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The interaction log (default: the bundled sample data).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// How to read it.
    #[command(flatten)]
    pub input: InputArgs,
    /// Model variant: sasrec, sequda, sequda-no-gan, sequda-no-cl, sequda-no-graph.
    #[arg(long, default_value = "sasrec")]
    pub model: String,
    /// Timed epochs (SeqUDA-Rec's GAN pretrains in its first epochs and trains adversarially
    /// after: time enough epochs to reach the phase to measure).
    #[arg(long, default_value_t = 1, value_parser = at_least_one::<usize>)]
    pub epochs: usize,
    /// Encoder and optimiser shape.
    #[command(flatten)]
    pub shape: ShapeArgs,
    /// The next-item loss.
    #[command(flatten)]
    pub loss: LossArgs,
    /// auto, gpu, cpu, wgpu, adapter:N.
    #[arg(long, default_value = "auto")]
    pub device: String,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// `sequda gui`
#[derive(Debug, Args, Default)]
pub struct GuiArgs {
    /// The interaction log to open (default: the bundled sample data).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Item metadata (titles, categories); looked for next to the data when absent.
    #[arg(long)]
    pub items: Option<PathBuf>,
    /// How to read the log: the same format and column flags as `train`.
    #[command(flatten)]
    pub input: InputArgs,
    /// Folder where runs are saved and compared.
    #[arg(long, default_value = "runs")]
    pub runs: PathBuf,
    /// Start training (Quick demo unless other settings were saved) once the data is loaded.
    #[arg(long)]
    pub train: bool,
    /// Close the window when that training ends (with --train).
    #[arg(long)]
    pub exit_after_training: bool,
    /// Print start-up and training timings to stderr.
    #[arg(long)]
    pub timings: bool,
    /// Close the window after this many frames with the data on screen (smoke tests).
    #[arg(long, value_name = "FRAMES")]
    pub exit_after_frames: Option<u64>,
    /// Start with the default layout and settings instead of the saved ones.
    #[arg(long)]
    pub fresh: bool,
}

/// `sequda generate`
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The run folder (a SeqUDA-Rec run with its GAN).
    #[arg(long)]
    pub run: PathBuf,
    /// How many sequences.
    #[arg(long, default_value_t = 100, value_parser = at_least_one::<usize>)]
    pub count: usize,
    /// Write the CSV here instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Sampling seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// auto, gpu, cpu, wgpu, adapter:N.
    #[arg(long, default_value = "auto")]
    pub device: String,
}

/// `sequda experiment`
#[derive(Debug, Args)]
pub struct ExperimentArgs {
    /// The interaction log.
    #[arg(long)]
    pub data: PathBuf,
    /// How to read it.
    #[command(flatten)]
    pub input: InputArgs,
    /// ablation, sparsity or temperature.
    #[arg(long)]
    pub plan: String,
    /// Seeds per variant (1, 2, …, S).
    #[arg(long, default_value_t = 3, value_parser = at_least_one::<u64>)]
    pub seeds: u64,
    /// Run only these rows of the plan (comma-separated names, e.g. `sasrec,sequda`), each
    /// with the baseline row it is compared with. Default: every row.
    #[arg(long, value_delimiter = ',')]
    pub variants: Vec<String>,
    /// A TOML file with `[train]` settings for every run (flags override it).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Most epochs per run.
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Early-stopping patience.
    #[arg(long)]
    pub patience: Option<usize>,
    /// auto, gpu, cpu, wgpu, adapter:N.
    #[arg(long)]
    pub device: Option<String>,
    /// Encoder and optimiser shape.
    #[command(flatten)]
    pub shape: ShapeArgs,
    /// The next-item loss.
    #[command(flatten)]
    pub loss: LossArgs,
    /// Output folder (one run folder per variant and seed, plus results.md / results.json).
    #[arg(long)]
    pub out: PathBuf,
    /// Keep each finished run's config, summary and gzipped test ranks, and the results,
    /// here (e.g. `results/ml-1m/ablation`, committed to git); recorded runs that match are
    /// restored instead of trained again (a run with other settings replaces its record).
    #[arg(long)]
    pub record: Option<PathBuf>,
}
