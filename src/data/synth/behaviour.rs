//! One simulated user: drifting category interests, funnel chains and related-product
//! follow-ups, random exposures, and the deepest funnel event reached on every exposure.

use super::catalogue::{Catalogue, Stage};
use super::config::SynthConfig;
use super::funnel::{Affinity, Event, continue_per_mille, draw_event, related_per_mille};
use crate::rng::SplitMix64;

/// Users start within the first three weeks of the log.
const START_SPREAD_S: u64 = 21 * 86_400;
/// Chance that a session ends after an exposure (mean session ≈ 8 exposures).
const SESSION_END_PER_MILLE: u32 = 120;
/// Shortest gap between two sessions.
const SESSION_GAP_MIN_S: i64 = 2 * 3_600;
/// Random extra gap between two sessions (uniform, up to 2.5 days).
const SESSION_GAP_SPREAD_S: u64 = 60 * 3_600;
/// Shortest gap between two exposures of one session.
const EXPOSURE_GAP_MIN_S: i64 = 15;
/// Random extra gap between two exposures of one session (uniform, up to 4 minutes).
const EXPOSURE_GAP_SPREAD_S: u64 = 240;
/// Chance that a new session forgets the funnel the user was in.
const SESSION_RESET_PER_MILLE: u32 = 500;
/// Chance that an ad the user has already seen is shown again anyway (frequency capping lets a
/// few repeats through).
const REPEAT_PER_MILLE: u32 = 80;
/// Chance that a fresh entry into a product skips its teaser.
const ENTER_AT_LAUNCH_PER_MILLE: u32 = 300;
/// Relative weights of a product's related products, strongest first.
const RELATED_WEIGHTS: [u64; 3] = [5, 3, 2];
/// Chance that a fresh entry instead resumes the latest funnel the user left unfinished
/// (delayed retargeting: the next ad depends on an ad seen several steps earlier).
const RESUME_PER_MILLE: u32 = 400;
/// How many unfinished funnels a user remembers.
const PENDING_CAPACITY: usize = 3;
/// Draws before a fresh entry gives up avoiding repeats.
const ENTRY_TRIES: usize = 8;
/// Relative weights of a user's favourite categories, primary interest first.
const FAVOURITE_WEIGHTS: [u64; 3] = [5, 3, 2];
/// Chance that a user has three favourite categories rather than two.
const THIRD_FAVOURITE_PER_MILLE: u32 = 400;

/// One row of a user's log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Exposure {
    /// Ad index into the catalogue.
    pub(super) ad: usize,
    /// Unix seconds.
    pub(super) timestamp: i64,
    /// Deepest funnel stage reached.
    pub(super) event: Event,
}

/// Where the user is in a product's funnel chain.
#[derive(Clone, Copy, Debug)]
struct Cursor {
    /// Product index.
    product: usize,
    /// Position in the product's chain.
    position: usize,
    /// What the user did on that ad.
    event: Event,
}

/// The length of one user's log: `min` plus a geometric tail with the configured mean, capped.
fn sequence_length(config: &SynthConfig, rng: &mut SplitMix64) -> usize {
    let min = config.min_sequence_length.max(1);
    let max = config.max_sequence_length.max(min);
    let extra_mean = config.mean_sequence_length.clamp(min, max) - min;
    let mut len = min;
    while len < max && rng.below(extra_mean as u64 + 1) != 0 {
        len += 1;
    }
    len
}

/// The simulation state of one user.
struct User<'a> {
    /// The ads.
    catalogue: &'a Catalogue,
    /// The knobs.
    config: &'a SynthConfig,
    /// This user's random stream.
    rng: &'a mut SplitMix64,
    /// Favourite categories, primary interest first.
    favourites: Vec<usize>,
    /// Ads already shown to the user.
    seen: Vec<bool>,
    /// Funnels left after a launch or retargeting ad without converting, latest last.
    pending: Vec<Cursor>,
}

impl User<'_> {
    /// `per_mille` scaled by the configured strength of sequential follow-ups.
    fn follow_up(&self, per_mille: u32) -> u32 {
        let scaled = u64::from(per_mille) * u64::from(self.config.follow_up_per_mille) / 1000;
        scaled.min(1000) as u32
    }

    /// Whether `ad` may be shown: unseen ads always, seen ones rarely.
    fn acceptable(&mut self, ad: usize) -> bool {
        !self.seen[ad] || self.rng.chance(REPEAT_PER_MILLE)
    }

    /// A category drawn by overall popularity, skipping the current favourites; `None` when
    /// every category is a favourite.
    fn new_interest(&mut self) -> Option<usize> {
        let mut weights = self.catalogue.category_weights.clone();
        for &f in &self.favourites {
            weights[f] = 0;
        }
        if weights.iter().all(|w| *w == 0) {
            return None;
        }
        Some(self.rng.weighted(&weights))
    }

    /// Interest drift at a session start: a new category becomes the primary interest and the
    /// weakest favourite is dropped.
    fn drift(&mut self) {
        if self.rng.chance(self.config.drift_per_mille)
            && let Some(category) = self.new_interest()
        {
            self.favourites.pop();
            self.favourites.insert(0, category);
        }
    }

    /// The category of a fresh funnel entry: a favourite, or now and then any category.
    fn entry_category(&mut self) -> usize {
        if self.favourites.is_empty() || self.rng.chance(self.config.explore_per_mille) {
            return self.rng.weighted(&self.catalogue.category_weights);
        }
        let weights = &FAVOURITE_WEIGHTS[..self.favourites.len().min(FAVOURITE_WEIGHTS.len())];
        self.favourites[self.rng.weighted(weights)]
    }

    /// A popular product of `category`.
    fn popular_product(&mut self, category: usize) -> usize {
        let category = &self.catalogue.categories[category];
        category.products[self.rng.weighted(&category.product_weights)]
    }

    /// Remembers `cursor` as an unfinished funnel when retargeting may follow later.
    fn leave(&mut self, cursor: Cursor) {
        let catalogue = self.catalogue;
        let chain = &catalogue.products[cursor.product].chain;
        let stage = catalogue.ads[chain[cursor.position]].stage;
        if cursor.position + 1 < chain.len()
            && cursor.event != Event::Conversion
            && matches!(stage, Stage::Launch | Stage::Retarget)
        {
            if self.pending.len() == PENDING_CAPACITY {
                self.pending.remove(0);
            }
            self.pending.push(cursor);
        }
    }

    /// A fresh entry: a resumed unfinished funnel, or a new product's funnel (teaser,
    /// sometimes launch) at its first unseen ad.
    fn fresh_entry(&mut self) -> (usize, Cursor) {
        let catalogue = self.catalogue;
        if !self.pending.is_empty()
            && self.rng.chance(self.follow_up(RESUME_PER_MILLE))
            && let Some(cursor) = self.pending.pop()
            && let Some(&ad) = catalogue.products[cursor.product]
                .chain
                .get(cursor.position + 1)
            && self.acceptable(ad)
        {
            return (
                ad,
                Cursor {
                    position: cursor.position + 1,
                    event: Event::Impression,
                    ..cursor
                },
            );
        }
        let mut fallback = None;
        for _ in 0..ENTRY_TRIES {
            let category = self.entry_category();
            let product = self.popular_product(category);
            let chain = &catalogue.products[product].chain;
            let start = usize::from(chain.len() > 1 && self.rng.chance(ENTER_AT_LAUNCH_PER_MILLE));
            let unseen = (start..chain.len()).find(|p| !self.seen[chain[*p]]);
            let position = unseen.unwrap_or(start);
            let ad = chain[position];
            let cursor = Cursor {
                product,
                position,
                event: Event::Impression,
            };
            if unseen.is_some() || self.rng.chance(REPEAT_PER_MILLE) {
                return (ad, cursor);
            }
            fallback = Some((ad, cursor));
        }
        fallback.unwrap_or((
            0,
            Cursor {
                product: 0,
                position: 0,
                event: Event::Impression,
            },
        ))
    }

    /// The next ad of the user's funnel: continue the chain, move to a related product, or
    /// start afresh.
    fn next_in_funnel(&mut self, cursor: Option<Cursor>) -> (usize, Cursor) {
        let catalogue = self.catalogue;
        if let Some(cursor) = cursor {
            let product = &catalogue.products[cursor.product];
            let stage = catalogue.ads[product.chain[cursor.position]].stage;
            if let Some(&ad) = product.chain.get(cursor.position + 1)
                && self
                    .rng
                    .chance(self.follow_up(continue_per_mille(stage, cursor.event)))
                && self.acceptable(ad)
            {
                return (
                    ad,
                    Cursor {
                        position: cursor.position + 1,
                        ..cursor
                    },
                );
            }
            self.leave(cursor);
            if !product.related.is_empty()
                && self
                    .rng
                    .chance(self.follow_up(related_per_mille(cursor.event)))
            {
                let weights = &RELATED_WEIGHTS[..product.related.len().min(RELATED_WEIGHTS.len())];
                let next = product.related[self.rng.weighted(weights)];
                if let Some(&ad) = catalogue.products[next].chain.first()
                    && self.acceptable(ad)
                {
                    return (
                        ad,
                        Cursor {
                            product: next,
                            position: 0,
                            event: Event::Impression,
                        },
                    );
                }
            }
        }
        self.fresh_entry()
    }

    /// A random exposure outside the user's funnel, by overall popularity.
    fn noise_ad(&mut self) -> usize {
        let catalogue = self.catalogue;
        let mut ad = 0;
        for _ in 0..ENTRY_TRIES {
            let category = self.rng.weighted(&catalogue.category_weights);
            let product = self.popular_product(category);
            let chain = &catalogue.products[product].chain;
            ad = chain[self.rng.index(chain.len())];
            if self.acceptable(ad) {
                break;
            }
        }
        ad
    }

    /// The deepest funnel stage the user reaches on `ad`.
    fn event(&mut self, ad: usize) -> Event {
        let ad = &self.catalogue.ads[ad];
        let affinity = match self.favourites.iter().position(|f| *f == ad.category) {
            Some(0) => Affinity::Strong,
            Some(_) => Affinity::Medium,
            None => Affinity::Weak,
        };
        draw_event(ad.stage, affinity, self.rng)
    }
}

/// Simulates one user's chronological log. `catalogue` must not be empty.
pub(super) fn simulate_user(
    catalogue: &Catalogue,
    config: &SynthConfig,
    rng: &mut SplitMix64,
) -> Vec<Exposure> {
    if catalogue.is_empty() {
        return Vec::new();
    }
    let len = sequence_length(config, rng);
    let favourite_count = 2 + usize::from(rng.chance(THIRD_FAVOURITE_PER_MILLE));
    let mut user = User {
        catalogue,
        config,
        rng,
        favourites: Vec::new(),
        seen: vec![false; catalogue.ads.len()],
        pending: Vec::new(),
    };
    for _ in 0..favourite_count {
        if let Some(category) = user.new_interest() {
            user.favourites.push(category);
        }
    }
    let mut timestamp = config
        .start_timestamp
        .saturating_add(user.rng.below(START_SPREAD_S) as i64);
    let mut cursor: Option<Cursor> = None;
    let mut log = Vec::with_capacity(len);
    while log.len() < len {
        if !log.is_empty() {
            if user.rng.chance(SESSION_END_PER_MILLE) {
                let gap = SESSION_GAP_MIN_S + user.rng.below(SESSION_GAP_SPREAD_S) as i64;
                timestamp = timestamp.saturating_add(gap);
                user.drift();
                if user.rng.chance(SESSION_RESET_PER_MILLE)
                    && let Some(left) = cursor.take()
                {
                    user.leave(left);
                }
            } else {
                let gap = EXPOSURE_GAP_MIN_S + user.rng.below(EXPOSURE_GAP_SPREAD_S) as i64;
                timestamp = timestamp.saturating_add(gap);
            }
        }
        let (ad, next) = if user.rng.chance(config.noise_per_mille) {
            (user.noise_ad(), None)
        } else {
            let (ad, next) = user.next_in_funnel(cursor);
            (ad, Some(next))
        };
        let event = user.event(ad);
        user.seen[ad] = true;
        if let Some(next) = next {
            cursor = Some(Cursor { event, ..next });
        }
        log.push(Exposure {
            ad,
            timestamp,
            event,
        });
    }
    log
}
