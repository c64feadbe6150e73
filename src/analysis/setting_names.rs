//! Run settings in plain names: `train.encoder.dim` reads "Hidden size", `train.model = sequda`
//! reads "Model: SeqUDA-Rec", for tables that show how runs differ.

use crate::settings::ModelKind;

/// Plain names of the settings people compare most; others are named from their key.
const NAMES: &[(&str, &str)] = &[
    ("data.path", "Data file"),
    ("data.items", "Item titles file"),
    ("data.format", "Data format"),
    ("data.users", "Users"),
    ("data.items_count", "Items"),
    ("data.interactions", "Interactions"),
    ("train.model", "Model"),
    ("train.seed", "Seed"),
    ("train.epochs", "Most epochs"),
    ("train.patience", "Patience"),
    ("train.batch_size", "Batch size"),
    ("train.length_groups", "Length groups"),
    ("train.learning_rate", "Learning rate"),
    ("train.schedule.kind", "Learning-rate schedule"),
    ("train.schedule.warmup_epochs", "Warm-up epochs"),
    ("train.schedule.decay_epochs", "Decay ends at epoch"),
    ("train.schedule.floor", "Final learning-rate share"),
    ("train.device", "Device"),
    ("train.log_every", "Log every"),
    ("train.drop_train_share", "Training interactions dropped"),
    ("train.init_from", "Started from run"),
    ("train.encoder.dim", "Hidden size"),
    ("train.encoder.max_len", "Max length"),
    ("train.encoder.blocks", "Blocks"),
    ("train.encoder.heads", "Heads"),
    ("train.encoder.dropout", "Dropout"),
    ("train.encoder.positional", "Positions"),
    ("train.encoder.mixing", "Mixing beside attention"),
    ("train.encoder.mix_alpha", "Mixing weight α"),
    ("train.encoder.mix_frequencies", "Low-pass frequencies"),
    ("train.encoder.positional_padding", "Embedded padding"),
    ("train.sequda.graph", "Graph"),
    ("train.sequda.contrastive", "Contrastive loss"),
    ("train.sequda.gan", "GAN sequences"),
    ("train.sequda.target_attention", "Target attention"),
    ("train.sequda.graph_layers", "Graph layers"),
    ("train.sequda.edge_dropout", "Edge dropout"),
    ("train.sequda.node_dropout", "Node dropout"),
    ("train.sequda.temperature", "Contrastive temperature"),
    ("train.sequda.contrastive_weight", "Contrastive weight"),
];

/// The plain name of a flattened setting key (see [`super::runs::flat_config`]).
pub fn setting_name(key: &str) -> String {
    if let Some((_, name)) = NAMES.iter().find(|(k, _)| *k == key) {
        return (*name).to_owned();
    }
    let last = key.rsplit('.').next().unwrap_or(key).replace('_', " ");
    let mut name: String = last.chars().take(1).flat_map(char::to_uppercase).collect();
    name.extend(last.chars().skip(1));
    if key.contains("gan_settings") {
        format!("GAN {}", name.to_lowercase())
    } else {
        name
    }
}

/// The plain form of a setting's value: model names as people know them, on/off for switches.
pub fn setting_value(key: &str, value: &str) -> String {
    if key == "train.model"
        && let Ok(kind) = value.parse::<ModelKind>()
    {
        return kind.label().to_owned();
    }
    match value {
        "true" => "on".to_owned(),
        "false" => "off".to_owned(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values_read_plainly() {
        assert_eq!(setting_name("train.encoder.dim"), "Hidden size");
        assert_eq!(setting_name("train.model"), "Model");
        assert_eq!(
            setting_name("train.sequda.views_each_step"),
            "Views each step"
        );
        assert_eq!(
            setting_name("train.sequda.gan_settings.generator_lr"),
            "GAN generator lr"
        );
        assert_eq!(setting_value("train.model", "sequda"), "SeqUDA-Rec");
        assert_eq!(setting_value("train.model", "sasrec"), "SASRec-CE");
        assert_eq!(setting_value("train.sequda.gan", "false"), "off");
        assert_eq!(setting_value("train.encoder.dim", "64"), "64");
    }
}
