/**
 * @module
 * Word lists for the synthetic world: ~30 Pinterest-like themes. Topic names combine a modifier
 * with a subject ("Scandinavian" + "Living Rooms"), so every pairing is written to read well;
 * pin titles combine the theme's adjectives, nouns and details.
 */

export type Theme = {
  name: string
  /** Root of the fake link domain (reserved `.example` TLD, so links never resolve). */
  site: string
  modifiers: string[]
  subjects: string[]
  adjectives: string[]
  nouns: string[]
  details: string[]
}

// Lists are '|'-separated strings: far easier to read and edit than 1,500 quoted array items.
type RawTheme = [
  name: string,
  site: string,
  modifiers: string,
  subjects: string,
  adjectives: string,
  nouns: string,
  details: string,
]

const RAW: RawTheme[] = [
  [
    'Home Decor',
    'nestandnook',
    'Scandinavian|Boho|Mid-Century|Farmhouse|Japandi|Coastal|Industrial',
    'Living Rooms|Bedrooms|Kitchens|Entryways|Bathrooms|Reading Nooks',
    'rustic|cozy|minimalist|airy|warm|neutral|moody|light-filled|textured|sunlit|layered|calm',
    'oak dining table|linen sofa|rattan armchair|wool throw|pendant lamp|gallery wall|open shelving|jute rug|velvet headboard|plaster wall|reading chair|floor mirror|boucle ottoman|marble side table',
    'with linen runner|for small spaces|on a budget|in soft neutrals|with plenty of plants|under $200|for renters|with warm wood tones|by the window|with brass accents',
  ],
  [
    'Recipes',
    'weeknightplate',
    'Weeknight|Vegan|Gluten-Free|Mediterranean|Comfort Food|Summer|Holiday|High-Protein',
    'Pasta|Soups|Salads|Desserts|Breakfasts|Sheet Pan Dinners|Curries',
    'creamy|crispy|one-pot|easy|smoky|zesty|hearty|15-minute|garlicky|spicy|healthy|cheesy',
    'lemon orzo|chickpea stew|roasted veggie bowl|tomato soup|chicken thighs|lentil curry|banana bread|chocolate cake|overnight oats|pesto pasta|fish tacos|fried rice|shakshuka|mac and cheese',
    'with fresh herbs|for meal prep|the whole family loves|in under 30 minutes|with a secret ingredient|for two|with a crunchy topping|you can freeze|with homemade sauce|on a budget',
  ],
  [
    'Baking',
    'flourandcrumb',
    'Sourdough|French|Artisan|Holiday|Gluten-Free|Rustic|Nordic',
    'Baking|Bread|Pastries|Cookies|Cakes|Buns',
    'golden|flaky|crusty|buttery|soft|chewy|tangy|glazed|braided|airy|crumbly|spiced',
    'country loaf|croissants|cinnamon rolls|focaccia|baguette|brioche|galette|apple pie|shortbread|scones|babka|bagels|sandwich loaf|cardamom buns',
    'with seeds|from a sleepy starter|step by step|with brown butter|for beginners|with a crackly crust|made overnight|with honey glaze|for the weekend|with rye flour',
  ],
  [
    'Fashion',
    'closetnotes',
    'Minimalist|Parisian|Street Style|Vintage|Boho|Classic|Y2K',
    'Outfits|Capsule Wardrobes|Fall Fashion|Workwear|Summer Dresses|Accessories',
    'oversized|tailored|flowy|cropped|chunky|neutral|pleated|cozy|relaxed|satin|monochrome|layered',
    'trench coat|wide-leg trousers|linen shirt|knit cardigan|slip dress|leather loafers|denim jacket|wool blazer|ankle boots|midi skirt|canvas tote|gold hoops|turtleneck|white sneakers',
    'for everyday|styled three ways|for the office|with gold jewelry|for a weekend away|in earth tones|for petite frames|from the thrift store|for cold mornings|with a belted waist',
  ],
  [
    "Men's Style",
    'dapperdaily',
    'Smart Casual|Rugged|Minimal|Classic|Streetwear|Workwear',
    'Menswear|Outfits|Grooming|Watches|Shoes',
    'rugged|tailored|slim|heritage|waxed|raw|casual|sharp|vintage|relaxed|layered|timeless',
    'selvedge denim|chore coat|field watch|oxford shirt|chelsea boots|flannel overshirt|beard oil|leather belt|chino shorts|merino sweater|bomber jacket|suede loafers|dive watch|camp collar shirt',
    'for everyday wear|that lasts for years|for a first date|under $100|for the office|for fall layering|built to age well|for the weekend|with minimal effort|for travel',
  ],
  [
    'Travel',
    'wanderlog',
    'Italy|Japan|Iceland|Portugal|Mexico|Greece|Morocco|Norway',
    'Travel|Itineraries|Road Trips|Hidden Gems|Food Guides',
    'hidden|sunny|quiet|scenic|colorful|historic|charming|breathtaking|coastal|off-the-beaten-path|walkable|local',
    'beach cove|old town|mountain village|street market|cliffside hike|boutique hotel|train ride|harbor walk|hot spring|vineyard|rooftop bar|lighthouse|castle ruins|night market',
    'at sunset|for first timers|in 3 days|on a budget|away from the crowds|in early spring|with kids|by train|you cannot miss|for photographers',
  ],
  [
    'Fitness',
    'strongathome',
    'Beginner|At-Home|HIIT|Strength|Low-Impact|30-Day',
    'Workouts|Ab Routines|Leg Days|Stretching|Challenges',
    'quick|sweaty|full-body|no-equipment|gentle|intense|10-minute|core-focused|beginner-friendly|killer|effective|simple',
    'kettlebell circuit|plank series|glute bridge routine|dumbbell workout|mobility flow|squat ladder|resistance band set|jump rope session|pilates sequence|burpee finisher|hip opener|push-up progression|tabata block|cooldown stretch',
    'you can do anywhere|for busy mornings|for a stronger back|with printable plan|in your living room|for runners|to build strength|before bed|for better posture|with one dumbbell',
  ],
  [
    'Running',
    'milesandtrails',
    'Trail|Marathon|Ultra|Couch-to-5K|Winter|Mountain',
    'Running|Training Plans|Gear|Hiking',
    'lightweight|muddy|technical|long|easy|steady|hilly|fast|waterproof|breathable|grippy|alpine',
    'trail shoes|hydration vest|tempo run|long run plan|race day kit|headlamp|interval workout|recovery routine|ridge route|running jacket|fuel plan|hill repeats|GPS watch|trekking poles',
    'for beginners|for race week|in the rain|for 16 weeks|above the treeline|for cold mornings|that actually works|for your first ultra|on a budget|without injuries',
  ],
  [
    'Gardening',
    'greenplot',
    'Vegetable|Container|Cottage|Balcony|Pollinator|Raised Bed|Shade',
    'Gardens|Gardening|Planters|Borders',
    'lush|easy|thriving|colorful|low-maintenance|wild|tidy|blooming|organic|compact|fragrant|productive',
    'tomato trellis|herb spiral|lavender border|compost bin|raised bed|seed starting tray|dahlia patch|pea tunnel|rain barrel|wildflower meadow|strawberry planter|potting bench|hydrangea hedge|zucchini bed',
    'for small yards|in partial shade|from seed|that bees love|on a budget|for beginners|in one weekend|with recycled materials|for cooler climates|all season long',
  ],
  [
    'Houseplants',
    'leafylife',
    'Low-Light|Rare|Pet-Safe|Trailing|Tropical|Easy-Care',
    'Houseplants|Plant Shelves|Succulents|Terrariums',
    'variegated|glossy|trailing|leggy|happy|sculptural|tiny|oversized|thriving|dramatic|velvety|bright',
    'monstera|pothos cutting|fiddle leaf fig|snake plant|string of pearls|hoya|calathea|moss pole|plant shelf|propagation station|terracotta pot|bird of paradise|zz plant|peace lily',
    'for dark apartments|with repotting tips|that cats ignore|in a north window|from cuttings|for beginners|without overwatering|on a ladder shelf|in winter|in self-watering pots',
  ],
  [
    'DIY',
    'makeitweekend',
    'Weekend|Upcycled|Pallet|Budget|Scrap Wood|Beginner',
    'DIY Projects|Furniture Flips|Woodworking|Home Repairs|Crafts',
    'easy|clever|sturdy|hand-built|repurposed|custom|simple|rustic|painted|quick|modern|budget',
    'floating shelves|bench seat|coffee table|headboard|planter box|shoe rack|picture ledge|dresser makeover|spice rack|entryway hook rail|side table|garage storage|window seat|cabinet refresh',
    'with basic tools|for under $50|in one afternoon|with free plans|from an old dresser|for renters|step by step|with leftover paint|from scrap wood|for beginners',
  ],
  [
    'Weddings',
    'aisleandbloom',
    'Rustic|Boho|Garden|Minimalist|Winter|Beach|Vintage',
    'Weddings|Wedding Dresses|Bouquets|Table Settings|Wedding Cakes',
    'romantic|elegant|whimsical|dreamy|understated|lush|candlelit|timeless|ethereal|intimate|modern|classic',
    'lace gown|peony bouquet|long table setup|naked cake|floral arch|ceremony aisle|place cards|veil|bridesmaid dresses|boutonniere|welcome sign|candle centerpiece|reception tent|cake topper',
    'for an outdoor ceremony|on a budget|with wildflowers|for a small guest list|in dusty blue|with fairy lights|for fall|under a pergola|with greenery|for an elopement',
  ],
  [
    'Art',
    'studiosketch',
    'Watercolor|Abstract|Botanical|Ink|Oil|Digital',
    'Painting|Illustration|Sketching|Art Prints',
    'loose|vibrant|delicate|bold|textured|muted|expressive|detailed|dreamy|graphic|layered|minimal',
    'landscape study|portrait sketch|floral composition|color palette|still life|sketchbook spread|mountain scene|line drawing|animal study|city skyline|figure study|cloud study|seascape|leaf pattern',
    'for beginners|in 20 minutes|with a limited palette|step by step|from a photo|on toned paper|with simple brushes|for your walls|in warm tones|with negative space',
  ],
  [
    'Tech',
    'setupwall',
    'Minimal|Ergonomic|Gaming|Home Office|Smart Home|Retro',
    'Desk Setups|Gadgets|Keyboards|Workspaces',
    'clean|cable-free|compact|dual-monitor|glowing|wooden|all-white|tidy|custom|wireless|cozy|sleek',
    'standing desk|mechanical keyboard|monitor arm|desk mat|cable tray|ultrawide monitor|laptop stand|headphone hook|desk shelf|ambient light bar|pegboard|split keyboard|webcam mount|under-desk drawer',
    'for small rooms|under $300|for coders|with hidden cables|for long workdays|in a closet office|for streaming|with plants|for two people|that sparks joy',
  ],
  [
    'Dogs',
    'goodpupco',
    'Puppy|Dog|Rescue Dog|Senior Dog|Small Breed',
    'Training|Treats|Gear|Beds|Grooming',
    'happy|healthy|homemade|sturdy|cozy|simple|positive|calming|grain-free|washable|durable|easy',
    'peanut butter treats|crate setup|leash training plan|chew toy|orthopedic bed|puzzle feeder|harness|recall game|bath routine|frozen lick mat|car seat|dog door|grooming kit|agility course',
    'for anxious dogs|in 5 minutes a day|for big breeds|with three ingredients|for apartment living|for hot summers|vet approved|for first-time owners|on a budget|for long car rides',
  ],
  [
    'Cats',
    'whiskerhouse',
    'Cat|Kitten|Indoor Cat|Senior Cat',
    'Care|Toys|Furniture|Hacks',
    'cozy|tiny|playful|sleepy|modern|sturdy|hidden|interactive|fluffy|clever|quiet|handmade',
    'cat tree|window perch|litter box cabinet|scratching post|wall shelves|feather wand|catio|cardboard castle|water fountain|heated bed|puzzle toy|cat tunnel|feeding station|grooming brush',
    'for small apartments|that matches your decor|from cardboard|for bored indoor cats|for older cats|you can build|for multi-cat homes|cats actually use|on a budget|for a calmer cat',
  ],
  [
    'Kids',
    'littlehandsplay',
    'Toddler|Preschool|Rainy Day|Summer|Montessori|Screen-Free',
    'Activities|Crafts|Playrooms|Learning Games',
    'easy|colorful|messy|quiet|sensory|hands-on|simple|creative|printable|outdoor|calm|clever',
    'sensory bin|paper plate craft|play kitchen|reading corner|sticker chart|painted rocks|cardboard box fort|letter hunt|salt dough ornaments|busy board|bean bag toss|toy rotation shelf|bubble recipe|nature scavenger hunt',
    'for 2 year olds|with household items|for a rainy afternoon|in 10 minutes|for small spaces|that teach counting|without screens|for the backyard|for siblings|on a budget',
  ],
  [
    'Nursery',
    'cradleandco',
    'Baby|Gender-Neutral|Woodland|Minimal|Sage Green',
    'Nurseries|Baby Showers|Nursery Decor|Baby Essentials',
    'soft|serene|neutral|whimsical|cozy|airy|gentle|sweet|simple|dreamy|muted|organic',
    'crib|mobile|changing station|glider chair|wall decals|bookshelf ledge|blackout curtains|playmat|diaper caddy|dresser|name sign|moses basket|bunny lamp|cloud shelf',
    'for small rooms|in sage green|that grows with baby|on a budget|with vintage finds|for twins|in a shared room|with a reading nook|for winter babies|you can DIY',
  ],
  [
    'Beauty',
    'glowedit',
    'Natural|Bridal|Everyday|Glam|Korean|Clean',
    'Makeup|Skincare|Nail Art|Beauty Routines',
    'dewy|glowy|soft|bold|matte|sheer|simple|fresh|long-lasting|subtle|radiant|smoky',
    'glass skin routine|winged liner|lip combo|brow lamination|blush placement|chrome nails|night serum|sunscreen layering|cat eye|french manicure|bronzer routine|sheet mask|lash lift|cleansing balm',
    'for beginners|in 5 minutes|for oily skin|for hooded eyes|that lasts all day|under $20|for sensitive skin|for a wedding|for over 40|with drugstore products',
  ],
  [
    'Hair',
    'strandstudio',
    'Braided|Short|Curly|Easy|Wedding|Vintage',
    'Hairstyles|Haircuts|Updos|Hair Color',
    'messy|sleek|voluminous|textured|soft|bouncy|effortless|layered|romantic|chic|shiny|tousled',
    'low bun|french braid|wolf cut|curtain bangs|beach waves|balayage|half-up twist|pixie cut|space buns|claw clip updo|copper tone|wash-and-go routine|bob|ponytail wrap',
    'for thick hair|in 2 minutes|for the office|without heat|for fine hair|for second-day hair|for summer|for shoulder-length hair|that holds all day|for a round face',
  ],
  [
    'Architecture',
    'formandspace',
    'Modern|Brutalist|Cabin|Tiny House|Desert|Alpine',
    'Architecture|Homes|Exteriors|Interiors',
    'concrete|timber-clad|glass-walled|cantilevered|low-slung|stark|serene|sculptural|sun-drenched|minimal|weathered|light-filled',
    'courtyard house|A-frame|stair detail|skylight|facade|floor plan|hillside retreat|atrium|pavilion|loft conversion|reading tower|breezeway|roof garden|corner window',
    'in the forest|by the sea|with a view|on a tight lot|under 600 square feet|with passive design|in the mountains|built from reclaimed wood|for a family of four|with huge windows',
  ],
  [
    'Drinks',
    'goldenhourbar',
    'Summer|Gin|Mezcal|Low-ABV|Holiday|Coffee',
    'Cocktails|Drinks|Mocktails|Bar Carts',
    'refreshing|smoky|fizzy|frozen|bitter|bright|spiced|sparkling|tart|velvety|iced|herbal',
    'spritz|negroni|margarita|espresso martini|paloma|mojito|cold brew tonic|mulled wine|old fashioned|lemonade|sangria|highball|hot toddy|punch bowl',
    'for a crowd|with three ingredients|for brunch|with homemade syrup|for the holidays|without alcohol|for a hot afternoon|for date night|with fresh citrus|in a big batch',
  ],
  [
    'Photography',
    'framedlight',
    'Film|Street|Portrait|Landscape|Golden Hour|Moody',
    'Photography|Photo Ideas|Photo Editing|Composition',
    'grainy|cinematic|soft|dramatic|candid|muted|warm|high-contrast|dreamy|crisp|atmospheric|natural',
    'window light portrait|foggy forest|city reflection|lightroom preset|35mm scan|silhouette shot|couple pose|flat lay|night cityscape|backlit portrait|leading lines shot|motion blur|mirror selfie|beach portrait',
    'with a phone|for beginners|at blue hour|without a flash|with one lens|in harsh sunlight|for instagram|in the rain|with a cheap camera|at home',
  ],
  [
    'Tattoos',
    'inkedidea',
    'Fine Line|Botanical|Minimal|Traditional|Geometric|Blackwork',
    'Tattoos|Tattoo Ideas|Sleeves|Flash',
    'tiny|delicate|bold|dainty|meaningful|matching|subtle|ornamental|linework|simple|dotwork|symmetrical',
    'wildflower tattoo|moon phase tattoo|wrist tattoo|snake tattoo|ankle tattoo|wave tattoo|dagger tattoo|ear tattoo|mountain tattoo|script tattoo|spine tattoo|swallow tattoo|fern tattoo|sun tattoo',
    'for women|for first timers|with hidden meaning|for best friends|on the forearm|for men|that ages well|behind the ear|for sisters|with color accents',
  ],
  [
    'Cars',
    'gearheadgarage',
    'Vintage|Classic|Cafe Racer|Overland|JDM|Electric',
    'Cars|Motorcycles|Builds|Vans',
    'restored|lifted|lowered|matte|patina|custom|stripped-down|rugged|clean|retro|sleek|loud',
    'camper van build|roof rack setup|leather interior|engine bay|headlight swap|bench seat|wheel setup|paint job|dashboard|tank design|exhaust|garage setup|rooftop tent|seat cover',
    'for weekend trips|on a budget|built in a driveway|from a barn find|for off-road trails|step by step|for city riding|with solar power|for long hauls|that turns heads',
  ],
  [
    'Fiber Crafts',
    'yarnandneedle',
    'Chunky|Beginner|Granny Square|Cable Knit|Amigurumi|Scandi',
    'Knitting|Crochet|Sewing Projects|Patterns',
    'cozy|chunky|easy|textured|colorful|quick|soft|cute|simple|vintage|modern|seamless',
    'blanket|beanie|cardigan|market bag|tote|plush bunny|cowl|sweater vest|socks|baby booties|cushion cover|mittens|bucket hat|table runner',
    'for beginners|free pattern|in a weekend|with leftover yarn|for gifting|with video tutorial|in one skein|for fall|without a pattern|for babies',
  ],
  [
    'Camping',
    'basecampnotes',
    'Car|Winter|Backcountry|Family|Lakeside|Desert',
    'Camping|Campsites|Camp Cooking|Gear Lists',
    'cozy|lightweight|simple|easy|hearty|clever|packable|warm|quiet|rugged|scenic|compact',
    'tent setup|campfire chili|sleeping system|camp kitchen box|foil packet dinner|hammock|camp chair|dutch oven cobbler|trunk organizer|cooler hack|trail breakfast|lantern|pack list|pour-over kit',
    'for beginners|for cold nights|with kids|on one burner|under 10 pounds|for rainy weekends|that fits in a hatchback|for a long weekend|without reservations|by the lake',
  ],
  [
    'Holidays',
    'seasonstable',
    'Christmas|Halloween|Easter|Thanksgiving|Lunar New Year|Autumn',
    'Decor|Tablescapes|Wreaths|Party Ideas',
    'festive|cozy|spooky|elegant|rustic|golden|glowing|playful|natural|vintage|moody|bright',
    'mantel garland|door wreath|table runner|candle display|paper lanterns|place settings|pumpkin display|dessert table|porch setup|ornament garland|centerpiece|napkin fold|advent calendar|cookie platter',
    'on a budget|with foraged greenery|for a small apartment|in neutral tones|you can make tonight|for a crowd|from the dollar store|with dried oranges|for kids|with warm lights',
  ],
  [
    'Journaling',
    'inkandgrid',
    'Bullet Journal|Hand Lettering|Planner|Calligraphy|Junk Journal',
    'Spreads|Layouts|Ideas|Inspiration',
    'minimalist|colorful|cozy|clean|doodled|monthly|weekly|aesthetic|simple|floral|vintage|tidy',
    'habit tracker|cover page|mood tracker|brush lettering alphabet|weekly spread|reading log|gratitude page|budget tracker|washi tape border|savings tracker|monthly calendar|doodle banner|goal page|sleep log',
    'for beginners|in black and white|for the new year|with free printables|for students|with stickers|in 15 minutes|for fall|with one pen|for anxiety',
  ],
  [
    'Outdoor Living',
    'backyardhaven',
    'Small|Mediterranean|Modern|Cozy|Backyard|Rooftop',
    'Patios|Decks|Fire Pits|Outdoor Kitchens',
    'shaded|cozy|lush|breezy|sunny|private|warm|modern|rustic|inviting|relaxed|string-lit',
    'pergola|outdoor sofa|gravel patio|fire pit seating|herb wall|pizza oven|deck lighting|privacy screen|hammock nook|outdoor rug|dining set|planter wall|water feature|grill station',
    'on a budget|for small backyards|with string lights|for renters|in a weekend|with built-in seating|for summer nights|with gravel and pavers|for entertaining|with shade sails',
  ],
]

function split(list: string): string[] {
  return list.split('|')
}

export const THEMES: Theme[] = RAW.map(([name, site, ...lists]) => {
  const [modifiers, subjects, adjectives, nouns, details] = lists.map(split) as [
    string[],
    string[],
    string[],
    string[],
    string[],
  ]
  return { name, site: `${site}.example`, modifiers, subjects, adjectives, nouns, details }
})

/** Names of the catch-all boards people keep: everything goes in, so they carry little signal. */
export const CATCHALL_NAMES = [
  'Stuff',
  'Ideas',
  'Things I like',
  'Misc',
  'Saved',
  'Random',
  'For later',
  'Inspo',
]

/** Spam boards pin whatever is trending; their names are as generic as their contents. */
export const SPAM_NAMES = [
  'Best deals today',
  'Top trending pins',
  'Viral ideas 2026',
  'Must see',
  'Click for more',
]
