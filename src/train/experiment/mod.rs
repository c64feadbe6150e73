//! Experiment plans (docs/MODEL.md §6): variants × seeds, each a normal training run in its own
//! folder, reused or resumed when the plan runs again; their results table with paired
//! per-user tests; the record of a plan's small files kept in git (`--record`); and the
//! comparison of two finished runs.

mod compare;
mod outlook;
mod plan;
mod record;
mod results;
mod reuse;
mod run;
mod settle;

pub use compare::{ComparedRun, RunComparison, compare_runs};
pub use outlook::{PlanOutlook, plan_outlook};
pub use plan::{Plan, Variant, select_variants, variants};
pub use record::{RECORDED_RANKS_FILE, RESULT_FILES};
pub use results::{ExperimentResults, ResultRow, markdown};
pub use reuse::{PlannedRun, planned_run};
pub use run::{PlanFolders, restore_records, run_experiment};
