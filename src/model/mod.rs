//! burn modules and configs: the Transformer encoder, losses and scorers.
//! Pure computation: no egui, no threads, no file I/O.

pub mod block;
pub mod contrastive;
pub mod dropout;
#[cfg(test)]
mod encoder_variant_tests;
pub mod gan;
pub mod inference;
pub mod loss;
pub mod sasrec;
pub mod sequda;
pub mod sequence_mix;
pub mod target_attention;
pub mod tokens;

pub use inference::{InferenceModel, SeqUdaSnapshot};
pub use sasrec::{EncoderOutput, PADDING_TOKEN, SasRec};
