//! The ad catalogue: categories (one brand's campaign each), products, the funnel chain of ads
//! of every product (teaser → launch → retargeting → last call) and the related-product graph.

use crate::rng::SplitMix64;

/// One campaign template: the category's display name, its brand and its product names.
struct CategoryTemplate {
    /// Category (campaign) name as written in `ads.csv`.
    name: &'static str,
    /// Brand prefixed to every title of the category.
    brand: &'static str,
    /// Product names separated by `|`; reused with a " Mk N" suffix when a category needs more.
    products: &'static str,
}

/// The campaign templates; the config's `categories` takes the first N.
const TEMPLATES: [CategoryTemplate; 16] = [
    CategoryTemplate {
        name: "Running gear",
        brand: "TrailBlaze",
        products: "Running Shoes|Trail Shoes|GPS Watch|Running Jacket|Compression Socks|Hydration Vest|Running Shorts|Headlamp|Foam Roller|Sports Sunglasses",
    },
    CategoryTemplate {
        name: "Home coffee",
        brand: "Crema & Co",
        products: "Espresso Machine|Burr Grinder|Milk Frother|Single-Origin Beans|Pour-Over Kit|Cold Brew Maker|Travel Mug|Descaling Kit|Barista Scale|Coffee Subscription",
    },
    CategoryTemplate {
        name: "Smartphones",
        brand: "Nova",
        products: "X Pro Phone|Lite Phone|Fast Charger|Phone Case|Wireless Earbuds|Screen Protector|Power Bank|Smartwatch|Car Mount|Trade-in Offer",
    },
    CategoryTemplate {
        name: "Streaming",
        brand: "Flixwave",
        products: "Premium Plan|Family Plan|Sports Pass|Kids Profiles|Documentary Channel|Movie Rentals|4K Upgrade|Annual Plan|Student Plan|Music Add-on",
    },
    CategoryTemplate {
        name: "Travel",
        brand: "Skyroute",
        products: "Weekend City Break|Beach Holiday|Ski Package|Flight + Hotel Deal|Rail Pass|Travel Insurance|Cruise Getaway|Road Trip Rental|Lounge Access|Last-Minute Deals",
    },
    CategoryTemplate {
        name: "Home fitness",
        brand: "CoreFlex",
        products: "Smart Exercise Bike|Yoga Mat|Adjustable Dumbbells|Resistance Bands|Rowing Machine|Fitness App|Kettlebell Set|Pull-up Bar|Treadmill|Protein Shakes",
    },
    CategoryTemplate {
        name: "Skincare",
        brand: "Lumière",
        products: "Vitamin C Serum|Daily Moisturiser|SPF 50 Sunscreen|Night Cream|Gentle Cleanser|Eye Cream|Clay Mask|Lip Balm Trio|Retinol Oil|Starter Set",
    },
    CategoryTemplate {
        name: "Gaming",
        brand: "PixelForge",
        products: "Game Console|Wireless Controller|Gaming Headset|RPG Launch Title|Season Pass|Gaming Chair|Mechanical Keyboard|Cloud Gaming Plan|4K Monitor|Racing Wheel",
    },
    CategoryTemplate {
        name: "Meal kits",
        brand: "FreshCrate",
        products: "Family Meal Box|Veggie Box|15-Minute Meals|Breakfast Box|Dessert Add-on|Protein Box|Kids Lunch Packs|Wine Pairing|Gourmet Weekend Box|Trial Box",
    },
    CategoryTemplate {
        name: "Personal finance",
        brand: "Ledgerly",
        products: "Budgeting App|Savings Account|Cashback Credit Card|Investing Starter|Tax Filing Help|Travel Card|Student Account|Pension Check-up|Joint Account|Insurance Bundle",
    },
    CategoryTemplate {
        name: "Pet care",
        brand: "Pawsome",
        products: "Grain-Free Dog Food|Cat Litter Subscription|Chew Toys|Pet Insurance|Orthopaedic Dog Bed|Cat Tree|Flea Treatment|Training Treats|Pet Camera|Grooming Kit",
    },
    CategoryTemplate {
        name: "Home & garden",
        brand: "GreenNest",
        products: "Robot Lawn Mower|Patio Set|Smart Thermostat|LED Bulb Pack|Herb Garden Kit|Pressure Washer|Cordless Drill|Compost Bin|Outdoor Lights|Raised Garden Bed",
    },
    CategoryTemplate {
        name: "Books & learning",
        brand: "Inkwell",
        products: "Audiobook Subscription|E-Reader|Language Course|Coding Bootcamp|Bestseller Bundle|Kids Book Club|Online Masterclass|Study Planner|Podcast Premium|Exam Prep",
    },
    CategoryTemplate {
        name: "Electric mobility",
        brand: "VoltRide",
        products: "E-Scooter|Commuter E-Bike|Smart Helmet|Bike Lock|Home Charger|Commuter Backpack|Ride-Share Pass|EV Lease|Bike Lights|Service Plan",
    },
    CategoryTemplate {
        name: "Fashion",
        brand: "Northline",
        products: "Winter Parka|Denim Jeans|Wool Sweater|Leather Boots|Sneakers|Rain Jacket|Linen Shirt|Canvas Backpack|Scarf & Gloves|Sunglasses",
    },
    CategoryTemplate {
        name: "Baby & kids",
        brand: "LittleSteps",
        products: "Stroller|Car Seat|Baby Monitor|Diaper Subscription|Toddler Shoes|Wooden Toys|Baby Carrier|High Chair|Nursery Lamp|Kids Tablet",
    },
];

/// How many categories the templates can provide.
pub(super) const MAX_CATEGORIES: usize = TEMPLATES.len();

/// Taglines per funnel stage; a product's ads pick theirs by product index, for variety.
const TEASER_TAGLINES: [&str; 4] = ["coming soon", "sneak peek", "first look", "get ready"];
/// Taglines of launch ads.
const LAUNCH_TAGLINES: [&str; 4] = [
    "now available",
    "new this season",
    "shop the launch",
    "meet the new range",
];
/// Taglines of retargeting ads (some with commas, so `ads.csv` exercises RFC 4180 quoting).
const RETARGET_TAGLINES: [&str; 5] = [
    "spring sale",
    "still thinking? 15% off",
    "buy 2, get 1 free",
    "free shipping, this week only",
    "back in stock",
];
/// Taglines of last-call ads.
const LAST_CALL_TAGLINES: [&str; 2] = ["last chance", "final hours, extra 10% off"];

/// The funnel stage an ad plays in its product's campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stage {
    /// Awareness ad shown before the product is pushed.
    Teaser,
    /// The product ad itself.
    Launch,
    /// Discount/reminder ad shown mostly to people who clicked but did not convert.
    Retarget,
    /// Final reminder at the end of the funnel.
    LastCall,
}

/// One ad of the catalogue.
#[derive(Clone, Debug)]
pub(super) struct Ad {
    /// Readable title, e.g. "TrailBlaze Running Shoes — spring sale".
    pub(super) title: String,
    /// Index into [`Catalogue::categories`].
    pub(super) category: usize,
    /// Funnel stage of the ad.
    pub(super) stage: Stage,
}

/// One product: a chain of ads in funnel order plus its related products.
#[derive(Clone, Debug)]
pub(super) struct Product {
    /// Ad indices in funnel order (teaser first).
    pub(super) chain: Vec<usize>,
    /// Related products in the same category ("who finished X next saw Y"), most likely first.
    pub(super) related: Vec<usize>,
}

/// One category (a brand's campaign).
#[derive(Clone, Debug)]
pub(super) struct Category {
    /// Display name, e.g. "Running gear".
    pub(super) name: &'static str,
    /// Product indices of the category.
    pub(super) products: Vec<usize>,
    /// Zipf-like popularity weights of `products` (same order).
    pub(super) product_weights: Vec<u64>,
}

/// The whole ad catalogue.
#[derive(Clone, Debug, Default)]
pub(super) struct Catalogue {
    /// All ads; the index is the ad's position in `ads.csv` (`ad001` is index 0).
    pub(super) ads: Vec<Ad>,
    /// All products.
    pub(super) products: Vec<Product>,
    /// All categories.
    pub(super) categories: Vec<Category>,
    /// Popularity weights of `categories` (same order), gently skewed.
    pub(super) category_weights: Vec<u64>,
}

/// Zipf weight (exponent 1) of a popularity rank, offset by `shift` to soften the head.
fn zipf_weight(rank: usize, shift: usize) -> u64 {
    1_000_000 / (rank + shift) as u64
}

/// The funnel stages of a chain of `len` ads.
fn stages(len: usize) -> Vec<Stage> {
    match len {
        0 => Vec::new(),
        1 => vec![Stage::Launch],
        2 => vec![Stage::Launch, Stage::Retarget],
        3 => vec![Stage::Teaser, Stage::Launch, Stage::Retarget],
        _ => {
            let mut stages = vec![Stage::Teaser, Stage::Launch];
            stages.extend(std::iter::repeat_n(Stage::Retarget, len - 3));
            stages.push(Stage::LastCall);
            stages
        }
    }
}

/// Title of the ad at funnel position `position` of product `product` (index within its
/// category), e.g. "TrailBlaze Running Shoes — spring sale".
fn title(brand: &str, names: &[&str], product: usize, stage: Stage, position: usize) -> String {
    let name = names
        .get(product % names.len().max(1))
        .copied()
        .unwrap_or("Product");
    let generation = product / names.len().max(1);
    let name = if generation == 0 {
        name.to_owned()
    } else {
        format!("{name} Mk {}", generation + 1)
    };
    let tagline = match stage {
        Stage::Teaser => TEASER_TAGLINES[product % TEASER_TAGLINES.len()],
        Stage::Launch => LAUNCH_TAGLINES[product % LAUNCH_TAGLINES.len()],
        Stage::Retarget => RETARGET_TAGLINES[(product + position) % RETARGET_TAGLINES.len()],
        Stage::LastCall => LAST_CALL_TAGLINES[product % LAST_CALL_TAGLINES.len()],
    };
    format!("{brand} {name} — {tagline}")
}

impl Catalogue {
    /// Builds `ads` ads spread evenly over `categories` categories (clamped to
    /// `1..=MAX_CATEGORIES` and to at most one per ad); each category is cut into products of
    /// about three ads, popularity ranks and related products are drawn from `rng`.
    pub(super) fn build(ads: usize, categories: usize, rng: &mut SplitMix64) -> Self {
        let categories = categories.clamp(1, MAX_CATEGORIES).min(ads);
        let mut catalogue = Self::default();
        let mut category_ranks: Vec<usize> = (0..categories).collect();
        rng.shuffle(&mut category_ranks);
        for (c, template) in TEMPLATES.iter().take(categories).enumerate() {
            let size = ads / categories + usize::from(c < ads % categories);
            let product_count = (size + 1) / 3;
            let product_count = product_count.max(1);
            let names: Vec<&str> = template.products.split('|').collect();
            let first_product = catalogue.products.len();
            for p in 0..product_count {
                let len = size / product_count + usize::from(p < size % product_count);
                let chain: Vec<usize> = stages(len)
                    .into_iter()
                    .enumerate()
                    .map(|(position, stage)| {
                        catalogue.ads.push(Ad {
                            title: title(template.brand, &names, p, stage, position),
                            category: c,
                            stage,
                        });
                        catalogue.ads.len() - 1
                    })
                    .collect();
                catalogue.products.push(Product {
                    chain,
                    related: Vec::new(),
                });
            }
            let products: Vec<usize> = (first_product..catalogue.products.len()).collect();
            let mut ranks: Vec<usize> = (0..products.len()).collect();
            rng.shuffle(&mut ranks);
            let product_weights = ranks.iter().map(|rank| zipf_weight(*rank, 1)).collect();
            for &product in &products {
                let mut others: Vec<usize> =
                    products.iter().copied().filter(|o| *o != product).collect();
                rng.shuffle(&mut others);
                others.truncate(3);
                catalogue.products[product].related = others;
            }
            catalogue.categories.push(Category {
                name: template.name,
                products,
                product_weights,
            });
            catalogue
                .category_weights
                .push(zipf_weight(category_ranks[c], 3));
        }
        catalogue
    }

    /// True when there is no ad to show.
    pub(super) fn is_empty(&self) -> bool {
        self.ads.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::SplitMix64;
    use super::{Catalogue, MAX_CATEGORIES, Stage};

    #[test]
    fn every_ad_belongs_to_exactly_one_chain() {
        for ads in [0, 1, 2, 5, 13, 300, 1000] {
            let catalogue = Catalogue::build(ads, 12, &mut SplitMix64::new(3));
            assert_eq!(catalogue.ads.len(), ads);
            let mut owners = vec![0; ads];
            let category_of =
                |product: usize| catalogue.ads[catalogue.products[product].chain[0]].category;
            for (p, product) in catalogue.products.iter().enumerate() {
                assert!(!product.chain.is_empty());
                for &ad in &product.chain {
                    owners[ad] += 1;
                    assert_eq!(catalogue.ads[ad].category, category_of(p));
                }
                assert!(
                    product
                        .related
                        .iter()
                        .all(|r| category_of(*r) == category_of(p))
                );
            }
            assert!(owners.iter().all(|o| *o == 1));
            assert!(catalogue.categories.len() <= MAX_CATEGORIES);
        }
    }

    #[test]
    fn chains_follow_the_funnel() {
        let catalogue = Catalogue::build(300, 12, &mut SplitMix64::new(7));
        assert_eq!(catalogue.categories.len(), 12);
        for product in &catalogue.products {
            let first = catalogue.ads[product.chain[0]].stage;
            assert!(matches!(first, Stage::Teaser | Stage::Launch));
        }
        assert_eq!(
            catalogue.ads[0].title,
            "TrailBlaze Running Shoes — coming soon"
        );
    }
}
