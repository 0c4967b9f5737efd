"""The sample's vocabulary: the reference date, commissioners, outcomes, indicators, places,
organisation names, programmes and the other words the illustrative rows are made from."""

from __future__ import annotations




# ---------------------------------------------------------------------------
# Fixed reference data
# ---------------------------------------------------------------------------

#: The reference "today" used to decide which contracts are live or ended.
REFERENCE_DATE = "2026-11-25"

#: The borough's 23 wards (boundaries in force since May 2018).  Real names.
WARDS: list[str] = [
    "Borough & Bankside",
    "Camberwell Green",
    "Champion Hill",
    "Chaucer",
    "Dulwich Hill",
    "Dulwich Village",
    "Dulwich Wood",
    "Faraday",
    "Goose Green",
    "London Bridge & West Bermondsey",
    "Newington",
    "North Bermondsey",
    "North Walworth",
    "Nunhead & Queen's Road",
    "Old Kent Road",
    "Peckham",
    "Peckham Rye",
    "Rotherhithe",
    "Rye Lane",
    "South Bermondsey",
    "St George's",
    "St Giles",
    "Surrey Docks",
]

#: ONS codes that have been checked.  Others are left empty on purpose.
#: The district whose wards (and their ONS codes) the sample uses, as named in the ONS ward lookup.
SAMPLE_DISTRICT = "Southwark"

#: An illustrative relative-need score per ward (-1 least, +1 most), used only
#: to give the fictional figures a plausible geographic pattern.
WARD_NEED: dict[str, float] = {
    "Borough & Bankside": -0.2,
    "Camberwell Green": 0.5,
    "Champion Hill": 0.1,
    "Chaucer": 0.4,
    "Dulwich Hill": -0.6,
    "Dulwich Village": -1.0,
    "Dulwich Wood": -0.5,
    "Faraday": 0.9,
    "Goose Green": -0.5,
    "London Bridge & West Bermondsey": -0.3,
    "Newington": 0.5,
    "North Bermondsey": 0.3,
    "North Walworth": 0.6,
    "Nunhead & Queen's Road": 0.6,
    "Old Kent Road": 0.8,
    "Peckham": 1.0,
    "Peckham Rye": -0.2,
    "Rotherhithe": 0.0,
    "Rye Lane": 0.4,
    "South Bermondsey": 0.6,
    "St George's": 0.3,
    "St Giles": 0.5,
    "Surrey Docks": -0.4,
}

COUNCIL_DEPARTMENTS = ["SWK-CFS", "SWK-ENV", "SWK-HSG", "SWK-RES", "SWK-PH"]
NHS_CHANGEOVER = "2022-07-01"  # CCG replaced by the ICB on this date

# (commissioner_id, name, type, org_id, active_from, active_to, note)
COMMISSIONERS: list[tuple[str, str, str, str, str, str, str]] = [
    ("SWK-CFS", "Children's and Adults' Services", "council department", "GB-LAE-SWK", "", "", ""),
    ("SWK-ENV", "Environment, Neighbourhoods and Growth", "council department", "GB-LAE-SWK", "", "", ""),
    ("SWK-HSG", "Housing", "council department", "GB-LAE-SWK", "", "", ""),
    ("SWK-RES", "Resources", "council department", "GB-LAE-SWK", "", "", ""),
    ("SWK-PH", "Public Health", "council department", "GB-LAE-SWK", "", "", ""),
    ("NHS-SWK-CCG", "NHS Southwark Clinical Commissioning Group", "NHS partner", "", "", "2022-06-30",
     "Replaced by NHS South East London ICB on 1 July 2022."),
    ("NHS-SEL-ICB", "NHS South East London Integrated Care Board", "NHS partner", "", "2022-07-01", "",
     "Replaced NHS Southwark CCG on 1 July 2022."),
    ("SWK-PCT", "Partnership Commissioning Team (council and NHS)", "joint partnership team", "", "", "",
     "A joint team of council and NHS commissioners working under a pooled budget agreement."),
]

# (outcome_id, theme, title, description)
OUTCOMES: list[tuple[str, str, str, str]] = [
    ("OC1", "Healthy lives", "Residents are physically and mentally healthy",
     "More residents live healthy lives, and people get help early when their physical or mental health starts to suffer."),
    ("OC2", "Children and young people thrive", "Children and young people get the best start and reach their potential",
     "Children are ready for school, young people are safe and supported, and all of them can go on to learning or work."),
    ("OC3", "Safe and strong communities", "Residents feel safe and connected to their neighbours",
     "People feel safe where they live, know their neighbours, volunteer and take part in local life."),
    ("OC4", "Independent later life", "Older people live independently and well",
     "Older residents and their carers get the right support to stay healthy, active and in their own homes for longer."),
    ("OC5", "Good jobs and skills", "Residents have the skills and chances to get good jobs",
     "More residents are in decent, fairly paid work, and the council's spending creates local jobs and apprenticeships."),
    ("OC6", "Homes and housing stability", "Residents have a safe, secure and affordable home",
     "Fewer people become homeless, fewer families live in temporary accommodation and nobody has to sleep rough."),
    ("OC7", "Reducing inequality", "Fewer residents are held back by poverty or disadvantage",
     "The gaps in income, health and opportunity between communities and neighbourhoods get smaller."),
    ("OC8", "Green and clean neighbourhoods", "Neighbourhoods are clean, green and pleasant to live in",
     "Streets and parks are clean and well looked after, more waste is recycled and the borough is greener."),
]

_SRC_COUNCIL = "Council service records"
_SRC_OHID = "Office for Health Improvement and Disparities, Fingertips"
_SRC_MHSDS = "NHS England, Mental Health Services Data Set"
_SRC_SURVEY = "Annual residents' survey"

# Indicators: id, outcome, title, unit, higher_is_better, source,
# base level (quarterly for "sum", otherwise annual), trend per year,
# quarterly noise sd, aggregation to the year, decimals,
# target (start, step per year) or None, measured by ward.
INDICATORS: list[dict] = [
    dict(id="IND01", oc="OC1", title="Adults in contact with secondary mental health services who are in paid work",
         unit="percent", hib=True, src=_SRC_MHSDS, base=5.6, trend=0.35, sd=0.3, agg="mean", dec=1,
         target=(6.0, 0.5), ward=False),
    dict(id="IND02", oc="OC1", title="Adults who are physically active for at least 150 minutes a week",
         unit="percent", hib=True, src=_SRC_OHID, base=65.8, trend=0.5, sd=0.8, agg="mean", dec=1,
         target=(67.0, 0.5), ward=False),
    dict(id="IND03", oc="OC1", title="People starting NHS talking therapies treatment",
         unit="count", hib=True, src=_SRC_MHSDS, base=1180, trend=45, sd=60, agg="sum", dec=0,
         target=(5000, 200), ward=False, season=(0.0, -0.05, 0.04, 0.01)),
    dict(id="IND04", oc="OC1", title="People leaving drug and alcohol treatment successfully who do not return within six months",
         unit="percent", hib=True, src=_SRC_OHID, base=21.5, trend=0.6, sd=1.0, agg="mean", dec=1,
         target=(23.0, 1.0), ward=False),
    dict(id="IND05", oc="OC2", title="Children achieving a good level of development at the end of reception",
         unit="percent", hib=True, src="Department for Education, early years foundation stage profile",
         base=66.4, trend=0.8, sd=0.6, agg="mean", dec=1, target=(68.0, 1.0), ward=True),
    dict(id="IND06", oc="OC2", title="Young people aged 16 and 17 not in education, employment or training",
         unit="percent", hib=False, src=_SRC_COUNCIL, base=3.1, trend=-0.15, sd=0.25, agg="mean", dec=1,
         target=(3.0, -0.2), ward=False, season=(0.3, 0.0, -0.4, 0.1)),
    dict(id="IND07", oc="OC2", title="Children's social care referrals that are re-referrals within 12 months",
         unit="percent", hib=False, src=_SRC_COUNCIL, base=19.5, trend=-0.4, sd=1.2, agg="mean", dec=1,
         target=(18.0, -0.5), ward=False),
    dict(id="IND08", oc="OC2", title="Attendances at council-funded youth sessions",
         unit="count", hib=True, src=_SRC_COUNCIL, base=5400, trend=420, sd=250, agg="sum", dec=0,
         target=(22000, 1500), ward=False, season=(0.0, 0.18, -0.08, -0.1)),
    dict(id="IND09", oc="OC3", title="Residents who feel safe in their local area after dark",
         unit="percent", hib=True, src=_SRC_SURVEY, base=61.5, trend=0.7, sd=0.9, agg="mean", dec=1,
         target=(63.0, 1.0), ward=True),
    dict(id="IND10", oc="OC3", title="Residents who have volunteered in the last 12 months",
         unit="percent", hib=True, src=_SRC_SURVEY, base=22.8, trend=0.4, sd=0.8, agg="mean", dec=1,
         target=None, ward=False),
    dict(id="IND11", oc="OC3", title="Domestic abuse incidents reported to the police",
         unit="rate per 1,000 residents", hib=False, src="Metropolitan Police Service, recorded crime data",
         base=3.9, trend=0.05, sd=0.2, agg="sum", dec=2, target=None, ward=False,
         season=(0.05, 0.08, -0.03, -0.1)),
    dict(id="IND12", oc="OC3", title="Days from referral to first contact with a domestic abuse advocate",
         unit="days", hib=False, src=_SRC_COUNCIL, base=6.8, trend=-0.5, sd=0.6, agg="mean", dec=1,
         target=(6.0, -0.5), ward=False),
    dict(id="IND13", oc="OC4", title="Older people still at home 91 days after leaving hospital into reablement",
         unit="percent", hib=True, src="NHS England, Adult Social Care Outcomes Framework",
         base=81.2, trend=0.8, sd=1.3, agg="mean", dec=1, target=(83.0, 0.5), ward=False),
    dict(id="IND14", oc="OC4", title="Emergency hospital admissions due to falls, people aged 65 and over",
         unit="rate per 1,000 residents", hib=False, src=_SRC_OHID, base=5.2, trend=-0.08, sd=0.25,
         agg="sum", dec=2, target=(20.5, -0.4), ward=False, season=(-0.05, -0.08, 0.04, 0.09)),
    dict(id="IND15", oc="OC4", title="Adult social care users who have as much social contact as they would like",
         unit="percent", hib=True, src="NHS England, Adult Social Care Survey", base=39.5, trend=0.9,
         sd=1.1, agg="mean", dec=1, target=(41.0, 1.0), ward=False),
    dict(id="IND16", oc="OC4", title="Permanent admissions to care homes, people aged 65 and over",
         unit="count", hib=False, src=_SRC_COUNCIL, base=44, trend=-1.5, sd=5, agg="sum", dec=0,
         target=(170, -6), ward=False),
    dict(id="IND17", oc="OC5", title="Residents helped into work by council employment programmes",
         unit="count", hib=True, src=_SRC_COUNCIL, base=235, trend=22, sd=20, agg="sum", dec=0,
         target=(1000, 100), ward=False),
    dict(id="IND18", oc="OC5", title="Apprenticeships started with council suppliers",
         unit="count", hib=True, src=_SRC_COUNCIL, base=28, trend=4, sd=5, agg="sum", dec=0,
         target=(120, 20), ward=False, season=(-0.1, 0.25, -0.05, -0.1)),
    dict(id="IND19", oc="OC5", title="Employers in the borough accredited as London Living Wage employers",
         unit="count", hib=True, src="Living Wage Foundation, accredited employers list", base=248, trend=26,
         sd=2, agg="last", dec=0, target=None, ward=False),
    dict(id="IND20", oc="OC5", title="Residents aged 16 to 64 claiming out-of-work benefits",
         unit="percent", hib=False, src="Office for National Statistics, claimant count", base=6.4,
         trend=-0.3, sd=0.12, agg="mean", dec=1, target=(6.0, -0.3), ward=True),
    dict(id="IND21", oc="OC6", title="Households living in temporary accommodation",
         unit="count", hib=False, src=_SRC_COUNCIL, base=3350, trend=210, sd=30, agg="last", dec=0,
         target=(3300, -100), ward=False),
    dict(id="IND22", oc="OC6", title="Homelessness cases where homelessness was prevented or relieved",
         unit="percent", hib=True, src=_SRC_COUNCIL, base=54.0, trend=0.6, sd=1.8, agg="mean", dec=1,
         target=(56.0, 1.0), ward=False),
    dict(id="IND23", oc="OC6", title="People seen sleeping rough for the first time",
         unit="count", hib=False, src="Combined Homelessness and Information Network (CHAIN)", base=78,
         trend=4, sd=8, agg="sum", dec=0, target=(280, -20), ward=False, season=(0.05, 0.1, -0.02, -0.13)),
    dict(id="IND24", oc="OC6", title="Average days to re-let council homes",
         unit="days", hib=False, src=_SRC_COUNCIL, base=47.0, trend=-2.5, sd=3.0, agg="mean", dec=1,
         target=(42.0, -3.0), ward=False),
    dict(id="IND25", oc="OC7", title="Residents who say they are struggling to pay their bills",
         unit="percent", hib=False, src=_SRC_SURVEY, base=17.5, trend=0.9, sd=0.9, agg="mean", dec=1,
         target=(17.0, -0.5), ward=True),
    dict(id="IND26", oc="OC7", title="Benefits and grants claimed with help from council-funded advice services",
         unit="pounds", hib=True, src=_SRC_COUNCIL, base=1_150_000, trend=70_000, sd=60_000, agg="sum", dec=0,
         target=(4_800_000, 300_000), ward=False),
    dict(id="IND27", oc="OC7", title="Residents who agree that people from different backgrounds get on well together",
         unit="percent", hib=True, src=_SRC_SURVEY, base=81.5, trend=0.3, sd=0.8, agg="mean", dec=1,
         target=None, ward=True),
    dict(id="IND28", oc="OC8", title="Household waste sent for reuse, recycling and composting",
         unit="percent", hib=True, src="Department for Environment, Food and Rural Affairs, WasteDataFlow",
         base=33.2, trend=0.7, sd=0.9, agg="mean", dec=1, target=(35.0, 1.5), ward=False,
         season=(1.0, 1.5, -0.8, -1.7)),
    dict(id="IND29", oc="OC8", title="Satisfaction with parks and open spaces",
         unit="score out of 10", hib=True, src=_SRC_SURVEY, base=7.3, trend=0.05, sd=0.1, agg="mean", dec=1,
         target=(7.5, 0.1), ward=True),
    dict(id="IND30", oc="OC8", title="Fly-tipping incidents reported",
         unit="rate per 1,000 residents", hib=False, src=_SRC_COUNCIL, base=8.4, trend=-0.2, sd=0.5,
         agg="sum", dec=2, target=(32.0, -1.5), ward=False, season=(0.04, 0.06, -0.02, -0.08)),
]

# ---------------------------------------------------------------------------
# Word lists for fictional organisation names
# ---------------------------------------------------------------------------


#: Local place names used in organisation names, by the ward an organisation is based in.
WARD_PLACES: dict[str, list[str]] = {
    "Borough & Bankside": ["Bankside", "Borough", "Borough High Street"],
    "Camberwell Green": ["Camberwell", "Camberwell Green", "Denmark Hill"],
    "Champion Hill": ["Champion Hill", "Denmark Hill", "Dog Kennel Hill"],
    "Chaucer": ["Tabard", "Elephant", "Great Dover Street"],
    "Dulwich Hill": ["Honor Oak", "East Dulwich", "Dulwich"],
    "Dulwich Village": ["Dulwich", "Herne Hill", "Dulwich Village"],
    "Dulwich Wood": ["Sydenham Hill", "Dulwich", "Dulwich Wood"],
    "Faraday": ["Walworth", "Burgess Park", "Albany Road"],
    "Goose Green": ["East Dulwich", "Goose Green", "Lordship Lane"],
    "London Bridge & West Bermondsey": ["Bermondsey", "Tower Bridge Road", "Bermondsey Spa"],
    "Newington": ["Newington", "Walworth Road", "Elephant"],
    "North Bermondsey": ["Bermondsey", "Cherry Garden", "Southwark Park"],
    "North Walworth": ["Walworth", "Elephant", "East Street"],
    "Nunhead & Queen's Road": ["Nunhead", "Nunhead Green", "Queens Road"],
    "Old Kent Road": ["Old Kent Road", "Bricklayers", "Burgess Park"],
    "Peckham": ["Peckham", "North Peckham", "Peckham Hill"],
    "Peckham Rye": ["Peckham Rye", "Peckham Rise", "Bellenden"],
    "Rotherhithe": ["Rotherhithe", "Canada Water", "Southwark Park"],
    "Rye Lane": ["Rye Lane", "Peckham", "Bellenden"],
    "South Bermondsey": ["South Bermondsey", "Bermondsey", "Blue Anchor"],
    "St George's": ["Borough", "Elephant", "Newington"],
    "St Giles": ["Camberwell", "Brandon", "Sumner"],
    "Surrey Docks": ["Surrey Quays", "Greenland Dock", "Russia Dock"],
}

LOCAL_PLACES: list[str] = sorted({p for places in WARD_PLACES.values() for p in places})

OUTSIDE_PLACES = [
    "Riverside", "Thameside", "Meridian", "Beacon", "Harbour", "Lantern", "Kestrel", "Bridgeway",
    "Southside", "Compass", "Horizon", "Oakfield", "Ashdown", "Larkspur", "Willowbrook",
    "Brightwater", "Northgate", "Silverleaf", "Kingsmead", "Fairhaven", "Hollybank", "Greenway",
    "Elmhurst", "Redwood", "Cedarview", "Maplewood", "Skylark", "Juniper", "Hartfield", "Wyvern",
    "Clearwater", "Evergreen", "Cobalt", "Amberley", "Foxglove", "Halcyon", "Marigold", "Oakhaven",
]

# invented street and estate names (for schools, residents' associations, parks)
STREETS = [
    "Ashgrove", "Belvedere", "Copperfield", "Danecroft", "Elderwood", "Fernhill", "Greywell",
    "Hazelmere", "Kingfisher", "Larchmont", "Millbrook", "Netherby", "Orchardleigh", "Pennyfield",
    "Quarrendon", "Rosebank", "Sandringham Row", "Thornbury", "Underhill", "Vinegar Yard",
    "Wharfdale", "Yarrow", "Alderney Court", "Bramblewood", "Cloverdale", "Dunmore", "Emberton",
    "Foxley", "Galsworth", "Harcourt Fields", "Inverness Row", "Juniper Walk", "Kelmscott",
    "Lavender Wharf", "Marlowe", "Northcote Gardens", "Oxley", "Pelling", "Redcross Way North",
    "Saltmarsh", "Tillingham", "Wendover Gardens", "Willowdene", "Brockham Vale", "Caxton Fields",
]

COMMUNITIES = [
    "African Caribbean", "Latin American", "Vietnamese", "Sierra Leonean", "Nigerian",
    "Portuguese-speaking", "Chinese", "Somali", "Eritrean", "Bangladeshi", "Polish", "Ghanaian",
    "Colombian", "Turkish-speaking", "Congolese", "Irish", "Kurdish", "Filipino",
]

CHARITY_FOCUS = [
    "Youth", "Carers", "Community", "Families", "Elders", "Women's", "Refugee", "Arts", "Music",
    "Food", "Mental Health", "Advice", "Sports", "Gardening", "Learning", "Play", "Disability",
    "Wellbeing", "Parents", "Men's Health", "Dementia", "Football", "Boxing", "Dance", "Theatre",
    "Heritage", "Neighbourhood", "Befriending", "Literacy", "Recovery", "Cycling", "Climate",
    "Young Carers", "Hearing Loss", "Sight Loss", "Autism", "Kinship Carers", "Domestic Abuse",
]
CHARITY_FORMS = [
    "Trust", "Network", "Project", "Association", "Foundation", "Forum", "Centre", "Alliance",
    "Partnership", "Collective", "Hub", "Society", "Initiative", "Support", "Action",
]
CIO_FORMS = ["Foundation", "Trust", "Project", "Network", "CIO", "Community Trust", "Hub", "Centre"]

CLG_NOUNS = [
    "Community Enterprise Ltd", "Development Trust", "Advice Centre Ltd", "Community Transport Ltd",
    "Training Partnership Ltd", "Law Centre", "Works Ltd", "Employment Partnership Ltd",
    "Community Housing Ltd", "Settlement", "Community Association Ltd", "Youth Enterprise Ltd",
]
CIC_NOUNS = [
    "Community Kitchen", "Bike Workshop", "Print Studio", "Makers", "Food Hub", "Growing Project",
    "Youth Media", "Wellbeing", "Repair Cafe", "Social Kitchen", "Theatre Company", "Coding Club",
    "Fitness", "Craft Collective", "Catering", "Training", "Dance Studio", "Sound System",
    "Community Cinema", "Play Rangers", "Photography", "Green Skills",
]
CBS_NOUNS = [
    "Community Energy Ltd", "Food Co-operative Ltd", "Community Land Trust", "Housing Co-operative Ltd",
    "Community Pub Society Ltd", "Allotment Society Ltd", "Community Shop Ltd", "Credit Union Ltd",
]
SME_BUSINESS = [
    "Care Services", "Homecare", "Support Solutions", "Training Services", "Consulting",
    "Health Partners", "Cleaning Services", "Interpreting Services", "Facilities Services",
    "Landscapes", "Care Partnership", "Supported Living", "Therapy Services", "Nursing Agency",
    "Fostering Services", "Transport", "IT Solutions", "Catering", "Property Services",
    "Security Services", "Events", "Research", "Recruitment", "Home Support",
]
BIG_BUSINESS = [
    "Care Group", "Healthcare Group", "Support Services (UK)", "Environmental Services",
    "Facilities Management", "Living", "Care Homes", "Public Services", "Outsourcing",
    "Children's Services", "Health and Care", "Waste Solutions",
]
COMPANY_SUFFIX = ["Ltd", "Ltd", "Ltd", "Limited"]
GROUP_NOUNS = [
    "Lunch Club", "Youth Club", "Boxing Club", "Walking Group", "Knit and Natter Group", "Mums' Group",
    "Gardening Club", "Over-60s Club", "Homework Club", "Chess Club", "Cycling Club", "Supper Club",
    "Dads' Group", "Allotment Group", "Litter Pickers", "Community Choir", "Tea Dance",
    "Film Club", "Parents' Group", "Running Club",
]
PARK_SUFFIX = ["Gardens", "Park", "Green", "Square", "Fields", "Community Garden"]
SCHOOL_FORMS = [
    "Primary School", "Primary School", "Primary School", "Primary Academy", "Community School",
    "Nursery School", "Academy", "School",
]

# Fictional NHS bodies.  Codes start with Z so they do not clash with real trust codes.
NHS_BODIES: list[tuple[str, str]] = [
    ("ZA1", "Thameside Community Health NHS Trust"),
    ("ZB4", "Riverside Mental Health NHS Foundation Trust"),
    ("ZC7", "Great Dover Hospitals NHS Foundation Trust"),
    ("ZD2", "Southside Community Healthcare NHS Trust"),
    ("ZE9", "Meridian Acute Hospitals NHS Trust"),
    ("ZF3", "Kestrel Urgent Care NHS Trust"),
    ("ZG6", "Brightwater Children's Health NHS Foundation Trust"),
    ("ZH8", "Larkspur Specialist Services NHS Trust"),
]


# ---------------------------------------------------------------------------
# Grant programmes
# ---------------------------------------------------------------------------

PROGRAMMES: list[dict] = [
    dict(name="Common Good Fund", dept="SWK-ENV", w=0.10, fys=range(2021, 2026), rounds=[(6, 20), (11, 15)],
         median=6000, sigma=0.7, lo=1000, hi=25000, p_long=0.9, p_group=0.15, p_school=0.02,
         long_months=([12, 24, 36], [0.5, 0.3, 0.2]), short_months=([6, 9, 12], [0.4, 0.2, 0.4]),
         activities=["Community hub running costs", "Volunteer-led food pantry", "Weekly drop-in advice sessions",
                     "Intergenerational lunch club", "Community garden project", "Digital skills sessions",
                     "Welcome programme for new arrivals"],
         groups=["older residents", "local families", "people on low incomes", "refugees and asylum seekers",
                 "disabled residents", "residents of all ages"],
         aims=["reduce isolation and build connections between neighbours",
               "help people cope with the rising cost of living",
               "give residents a warm and welcoming place to meet",
               "help people get the advice and support they are entitled to"],
         oc=(["OC3", "OC7"], ["OC1"])),
    dict(name="Community Support Fund", dept="SWK-ENV", w=0.11, fys=range(2021, 2026), rounds=[(4, 28), (10, 10)],
         median=7000, sigma=0.7, lo=1000, hi=30000, p_long=0.95, p_group=0.1, p_school=0.0,
         long_months=([12, 24, 36], [0.45, 0.3, 0.25]), short_months=([6, 12], [0.5, 0.5]),
         activities=["Running costs for a community centre", "Food bank operating costs",
                     "Advice and advocacy service", "Befriending service", "English conversation classes",
                     "Peer support group", "Community transport scheme"],
         groups=["people facing hardship", "older residents", "refugees and migrants", "people with disabilities",
                 "lone parents", "people with long-term health conditions"],
         aims=["keep a well-used community service open", "support people through financial hardship",
               "help residents who would otherwise be alone", "help people find their way through the benefits system"],
         oc=(["OC7", "OC3"], ["OC1", "OC4"])),
    dict(name="Neighbourhoods Fund", dept="SWK-ENV", w=0.16, fys=range(2021, 2026), rounds=[(7, 5), (1, 20)],
         median=2000, sigma=0.6, lo=500, hi=10000, p_long=0.8, p_group=0.45, p_school=0.03,
         long_months=([12, 18, 24], [0.7, 0.15, 0.15]), short_months=([3, 6], [0.5, 0.5]),
         activities=["Street party", "Estate summer fun day", "Community clean-up and planting day",
                     "Local history walks", "Over-60s tea dance", "Family sports day", "Neighbourhood newsletter",
                     "Cultural festival"],
         groups=["neighbours", "estate residents", "families", "older residents", "young people"],
         aims=["bring neighbours together", "celebrate the area's history and cultures",
               "make the neighbourhood a friendlier place", "give local people a say in their area"],
         oc=(["OC3"], ["OC8", "OC1"])),
    dict(name="Positive Futures Fund", dept="SWK-CFS", w=0.09, fys=range(2021, 2026), rounds=[(3, 1)],
         median=15000, sigma=0.6, lo=3000, hi=60000, p_long=0.95, p_group=0.03, p_school=0.05,
         long_months=([12, 24, 36], [0.3, 0.4, 0.3]), short_months=([6, 12], [0.5, 0.5]),
         activities=["Mentoring programme", "Detached youth work", "Sports and mentoring sessions",
                     "Music production workshops", "Violence prevention workshops", "After-school youth club"],
         groups=["young people aged 11 to 19", "young people at risk of exclusion",
                 "young people at risk of exploitation", "young women", "young people leaving care"],
         aims=["help young people stay safe and make positive choices",
               "give young people trusted adults to turn to", "keep young people in education or training"],
         oc=(["OC2"], ["OC3", "OC5"])),
    dict(name="Youth Innovation Fund", dept="SWK-CFS", w=0.06, fys=range(2022, 2026), rounds=[(9, 12)],
         median=6000, sigma=0.5, lo=1000, hi=20000, p_long=0.1, p_group=0.1, p_school=0.05,
         long_months=([12, 24], [0.7, 0.3]), short_months=([3, 6, 9, 12], [0.15, 0.45, 0.2, 0.2]),
         activities=["Youth-led podcast pilot", "Peer mentoring pilot", "Youth-designed wellbeing app trial",
                     "Youth panel to shape local services", "Outdoor adventure pilot",
                     "Coding and game design pilot"],
         groups=["young people aged 13 to 25", "young people not in education or work", "young carers",
                 "LGBTQ+ young people"],
         aims=["test a new way of reaching young people", "let young people design the support they want",
               "try out an idea that could be scaled up"],
         oc=(["OC2"], ["OC5", "OC1"])),
    dict(name="Cleaner Greener Safer", dept="SWK-ENV", w=0.07, fys=range(2021, 2026), rounds=[(9, 28)],
         median=5000, sigma=0.7, lo=500, hi=40000, p_long=0.75, p_group=0.35, p_school=0.04,
         long_months=([12, 18, 24], [0.6, 0.2, 0.2]), short_months=([3, 6, 9], [0.3, 0.5, 0.2]),
         activities=["New planters and seating", "Community food-growing beds",
                     "Better lighting on an estate walkway", "Wildlife garden", "Play area refurbishment",
                     "Street tree planting", "Mural and alleyway improvements"],
         groups=["residents", "estate residents", "families with young children", "older residents"],
         aims=["make a shared space cleaner, greener and safer", "give residents a nicer place to spend time",
               "bring an unloved corner back into use"],
         oc=(["OC8"], ["OC3"])),
    dict(name="Holiday Activities and Food", dept="SWK-CFS", w=0.09, fys=range(2021, 2026),
         rounds=[(3, 3), (6, 10), (11, 20)],
         median=8000, sigma=0.6, lo=1500, hi=40000, p_long=0.3, p_group=0.05, p_school=0.35,
         long_months=([12, 24], [0.8, 0.2]), short_months=([3], [1.0]),
         activities=["Summer holiday club with free meals", "Easter holiday activities and lunches",
                     "Winter holiday sports camp with hot meals", "Holiday cooking and nutrition sessions",
                     "Holiday arts camp with free lunches"],
         groups=["children eligible for free school meals", "children aged 5 to 16",
                 "disabled children and their brothers and sisters", "secondary-school pupils"],
         aims=["make sure children eat well and stay active in the school holidays",
               "give children fun, healthy things to do in the holidays"],
         oc=(["OC2"], ["OC1", "OC7"])),
    dict(name="Voluntary Sector Strategic Fund", dept="SWK-RES", w=0.025, fys=[2021, 2024], rounds=[(2, 10)],
         median=90000, sigma=0.45, lo=50000, hi=250000, p_long=1.0, p_group=0.0, p_school=0.0,
         long_months=([36], [1.0]), short_months=([12], [1.0]),
         activities=["Core funding for advice services", "Core funding for the borough's volunteer centre",
                     "Core funding for a community anchor organisation",
                     "Strategic partnership for equalities work", "Core funding for carers' services",
                     "Support for voluntary sector infrastructure"],
         groups=["residents across the borough", "voluntary and community groups",
                 "Black, Asian and minority ethnic communities", "disabled residents"],
         aims=["provide stable core funding over a three-year cycle",
               "strengthen the local voluntary and community sector",
               "keep essential community services running"],
         oc=(["OC3", "OC7"], ["OC5"])),
    dict(name="Warm Spaces", dept="SWK-HSG", w=0.05, fys=range(2022, 2026), rounds=[(10, 3), (11, 14)],
         median=1800, sigma=0.5, lo=500, hi=6000, p_long=0.05, p_group=0.35, p_school=0.0,
         long_months=([12], [1.0]), short_months=([3, 6], [0.6, 0.4]),
         activities=["Warm space with hot drinks and activities", "Warm welcome cafe", "Weekday warm space and lunch",
                     "Warm hub with energy advice"],
         groups=["older residents", "people on low incomes", "families", "anyone who needs somewhere warm to go"],
         aims=["offer a free, warm and friendly place to spend the day over winter",
               "help people keep warm and cut their energy bills"],
         oc=(["OC7"], ["OC1", "OC3"])),
    dict(name="Carers Support Grants", dept="SWK-CFS", w=0.06, fys=range(2021, 2026), rounds=[(5, 18), (12, 1)],
         median=3000, sigma=0.6, lo=500, hi=15000, p_long=0.9, p_group=0.2, p_school=0.0,
         long_months=([12, 24], [0.7, 0.3]), short_months=([6, 12], [0.5, 0.5]),
         activities=["Respite breaks", "Carers' peer support group", "Carers' wellbeing sessions",
                     "Carers' advice surgery", "Days out for carers"],
         groups=["unpaid carers", "young carers", "carers of people with dementia", "parent carers of disabled children"],
         aims=["give carers a break and a chance to look after their own health",
               "make sure carers know what help they can get"],
         oc=(["OC4", "OC1"], ["OC7"])),
    dict(name="Health Inequalities Innovation Grants", dept="SWK-PH", w=0.05, fys=range(2022, 2026),
         rounds=[(8, 30)],
         median=10000, sigma=0.5, lo=2000, hi=40000, p_long=0.2, p_group=0.1, p_school=0.0,
         long_months=([12, 24], [0.6, 0.4]), short_months=([6, 9, 12], [0.4, 0.2, 0.4]),
         activities=["Community health champions pilot", "Blood pressure checks in barbershops",
                     "Culturally tailored healthy eating course", "Walking group for people with long-term conditions",
                     "Mental health peer support pilot", "Vaccination outreach sessions"],
         groups=["Black African and Caribbean residents", "Latin American residents", "men aged 40 and over",
                 "people with long-term conditions", "residents who rarely use GP services"],
         aims=["reach people that health services often miss", "test a community-led way to close health gaps"],
         oc=(["OC1"], ["OC7"])),
    dict(name="Arts and Culture Small Grants", dept="SWK-ENV", w=0.06, fys=range(2021, 2026), rounds=[(5, 5), (11, 6)],
         median=2500, sigma=0.6, lo=500, hi=10000, p_long=0.75, p_group=0.3, p_school=0.04,
         long_months=([12, 18], [0.8, 0.2]), short_months=([3, 6], [0.5, 0.5]),
         activities=["Community theatre production", "Photography exhibition",
                     "Intergenerational oral history project", "Dance classes", "Community choir", "Public mural"],
         groups=["young people", "older residents", "local artists", "families",
                 "residents with learning disabilities"],
         aims=["give local people the chance to make and enjoy art",
               "tell the stories of the neighbourhood", "bring people together through culture"],
         oc=(["OC3"], ["OC1", "OC2"])),
]
P_NO_PROGRAMME = 0.03

GRANT_EXTRAS = [
    "Sessions are free and open to all.",
    "Includes a small budget for volunteer expenses.",
    "Delivered with help from local volunteers.",
    "Activities run on weekday evenings and Saturdays.",
    "The grant also covers sessional staff and venue hire.",
    "Delivered in partnership with local schools and faith groups.",
    "Interpreters will be available at sessions.",
    "The group will report back to funders at the end of the grant.",
]

# ---------------------------------------------------------------------------
# Contract catalogue
# ---------------------------------------------------------------------------

MH, CYP, OA, CN, OT = "mental health", "children and young people", "older adults", "complex needs", "other"

# title, description, client group, {commissioner: weight}, median total (£),
# {supplier kind: weight}, relative frequency, (primary outcomes, secondary outcomes)
CATALOGUE: list[tuple] = [
    ("Community mental health support service",
     "Floating support for adults living with severe mental illness in their own homes.",
     MH, {"SWK-PCT": 3, "NHS": 2, "SWK-CFS": 1}, 900_000, {"vcs": 8, "private": 1, "nhs": 1}, 3, (["OC1"], ["OC6"])),
    ("Mental health supported housing",
     "Supported accommodation with staff on site for adults recovering from mental illness.",
     MH, {"SWK-PCT": 3, "SWK-CFS": 1, "SWK-HSG": 1}, 2_200_000, {"vcs": 6, "private": 4}, 2, (["OC1"], ["OC6"])),
    ("Recovery college",
     "Free courses that help people with mental health conditions understand and manage their recovery.",
     MH, {"NHS": 2, "SWK-PCT": 1}, 250_000, {"vcs": 7, "nhs": 3}, 1.5, (["OC1"], ["OC5"])),
    ("Crisis cafe and out-of-hours support",
     "An evening and weekend safe space for people in mental health crisis, as an alternative to A&E.",
     MH, {"NHS": 2, "SWK-PCT": 2}, 420_000, {"vcs": 9, "nhs": 1}, 1.5, (["OC1"], [])),
    ("Talking therapies for adults",
     "Psychological therapies for common mental health problems such as anxiety and depression.",
     MH, {"NHS": 4, "SWK-PCT": 1}, 2_400_000, {"nhs": 5, "vcs": 3, "private": 2}, 1, (["OC1"], ["OC5"])),
    ("Employment support for people with mental health conditions",
     "Individual placement and support to help people with mental illness find and keep paid work.",
     MH, {"SWK-PCT": 2, "NHS": 1, "SWK-ENV": 1}, 550_000, {"vcs": 7, "private": 3}, 1.5, (["OC5"], ["OC1"])),
    ("Suicide prevention and bereavement support",
     "Support for people bereaved by suicide and training for front-line staff to spot the warning signs.",
     MH, {"SWK-PH": 3, "SWK-PCT": 1}, 150_000, {"vcs": 1}, 1, (["OC1"], [])),
    ("Peer support and wellbeing hubs",
     "Drop-in wellbeing hubs run by people with lived experience of mental ill health.",
     MH, {"SWK-PCT": 3, "NHS": 1}, 300_000, {"vcs": 1}, 1.5, (["OC1"], ["OC3"])),
    ("Children's centre services",
     "Early help, parenting support and play sessions for families with children under five.",
     CYP, {"SWK-CFS": 1}, 1_400_000, {"vcs": 7, "private": 1, "school": 2}, 2, (["OC2"], ["OC1"])),
    ("Youth clubs and detached youth work",
     "Open-access youth clubs and outreach youth workers in parks and estates.",
     CYP, {"SWK-CFS": 1}, 550_000, {"vcs": 1}, 2.5, (["OC2"], ["OC3"])),
    ("Short breaks for disabled children",
     "Day, evening and overnight short breaks for disabled children, giving their families a rest.",
     CYP, {"SWK-CFS": 3, "SWK-PCT": 1}, 800_000, {"vcs": 6, "private": 4}, 1.5, (["OC2"], ["OC4"])),
    ("Children and young people's emotional wellbeing service",
     "Early support in schools and the community for young people with emotional wellbeing needs.",
     CYP, {"SWK-PCT": 2, "NHS": 2, "SWK-CFS": 1}, 1_100_000, {"vcs": 6, "nhs": 4}, 1.5, (["OC2"], ["OC1"])),
    ("Supported accommodation for young people leaving care",
     "Supported flats with key workers for care leavers aged 16 to 21.",
     CYP, {"SWK-CFS": 1}, 1_800_000, {"private": 5, "vcs": 5}, 2, (["OC2"], ["OC6"])),
    ("Independent fostering agency placements",
     "Foster placements for looked-after children, bought placement by placement.",
     CYP, {"SWK-CFS": 1}, 180_000, {"private": 8, "vcs": 2}, 2, (["OC2"], [])),
    ("Health visiting and school nursing (0 to 19 service)",
     "Health visitors and school nurses for every child and family in the borough, from birth to age 19.",
     CYP, {"SWK-PH": 1}, 5_000_000, {"nhs": 9, "vcs": 1}, 0.5, (["OC2"], ["OC1"])),
    ("Young carers support service",
     "Assessment, respite activities and one-to-one support for young people who care for a family member.",
     CYP, {"SWK-CFS": 3, "SWK-PCT": 1}, 200_000, {"vcs": 1}, 1, (["OC2"], ["OC4"])),
    ("Speech and language therapy for children",
     "Speech and language therapy in early years settings, schools and clinics.",
     CYP, {"NHS": 2, "SWK-PCT": 2}, 950_000, {"nhs": 7, "private": 3}, 1, (["OC2"], [])),
    ("Youth justice prevention programme",
     "Diversion and mentoring for young people at risk of entering the youth justice system.",
     CYP, {"SWK-CFS": 1}, 260_000, {"vcs": 1}, 1.5, (["OC2"], ["OC3"])),
    ("Home care",
     "Personal care and practical help at home for older and disabled adults.",
     OA, {"SWK-CFS": 3, "SWK-PCT": 1}, 2_500_000, {"private": 85, "vcs": 15}, 2, (["OC4"], [])),
    ("Extra care housing support",
     "On-site care and support for tenants of extra care housing schemes.",
     OA, {"SWK-CFS": 2, "SWK-HSG": 1}, 1_400_000, {"private": 5, "vcs": 5}, 1.5, (["OC4"], ["OC6"])),
    ("Day opportunities for older people",
     "Day centres and activities for older people, including people living with dementia.",
     OA, {"SWK-CFS": 1}, 480_000, {"vcs": 8, "private": 2}, 1.5, (["OC4"], ["OC3"])),
    ("Dementia support and memory cafe service",
     "Advice after diagnosis, memory cafes and support for people with dementia and their carers.",
     OA, {"SWK-PCT": 2, "NHS": 1}, 340_000, {"vcs": 1}, 1.5, (["OC4"], ["OC1"])),
    ("Befriending and social isolation service",
     "Volunteer befrienders and telephone calls for older people who are lonely or isolated.",
     OA, {"SWK-CFS": 2, "SWK-PCT": 1}, 150_000, {"vcs": 1}, 2, (["OC4"], ["OC3"])),
    ("Falls prevention and strength and balance classes",
     "Strength and balance classes and home hazard checks to prevent falls among older people.",
     OA, {"SWK-PH": 2, "NHS": 1}, 160_000, {"vcs": 7, "nhs": 3}, 1, (["OC4"], ["OC1"])),
    ("Nursing home placements (block-booked beds)",
     "Block-booked nursing home beds for older people with high care needs.",
     OA, {"SWK-CFS": 2, "SWK-PCT": 2}, 3_500_000, {"private": 1}, 0.8, (["OC4"], [])),
    ("Hospital discharge and reablement support",
     "Short-term support at home to help people regain independence after a stay in hospital.",
     OA, {"SWK-PCT": 3, "NHS": 2}, 1_100_000, {"private": 5, "vcs": 3, "nhs": 2}, 1.5, (["OC4"], ["OC1"])),
    ("Carers' support service",
     "Information, advice, breaks and wellbeing support for adult unpaid carers.",
     OA, {"SWK-CFS": 2, "SWK-PCT": 2}, 650_000, {"vcs": 1}, 1, (["OC4"], ["OC1"])),
    ("Substance misuse treatment and recovery service",
     "Treatment, harm reduction and recovery support for adults who use drugs or alcohol.",
     CN, {"SWK-PH": 1}, 4_500_000, {"vcs": 7, "nhs": 3}, 0.7, (["OC1"], ["OC3"])),
    ("Domestic abuse advocacy and refuge service",
     "Independent advocates, refuge places and recovery support for survivors of domestic abuse.",
     CN, {"SWK-CFS": 2, "SWK-HSG": 1, "SWK-ENV": 1}, 1_100_000, {"vcs": 1}, 1.5, (["OC3"], ["OC6"])),
    ("Rough sleeping outreach",
     "Street outreach seven days a week to help people sleeping rough into accommodation.",
     CN, {"SWK-HSG": 1}, 850_000, {"vcs": 1}, 1, (["OC6"], [])),
    ("Homeless hostel and supported housing pathway",
     "Hostel beds and move-on supported housing for single homeless adults with support needs.",
     CN, {"SWK-HSG": 3, "SWK-PCT": 1}, 2_600_000, {"vcs": 8, "private": 2}, 1.5, (["OC6"], ["OC1"])),
    ("Supported living for adults with learning disabilities",
     "Support in shared and self-contained homes for adults with learning disabilities.",
     CN, {"SWK-CFS": 2, "SWK-PCT": 2}, 2_400_000, {"private": 5, "vcs": 5}, 2, (["OC4"], ["OC6"])),
    ("Housing-related floating support",
     "Short-term support to help people keep their tenancy and manage their home.",
     CN, {"SWK-HSG": 1}, 750_000, {"vcs": 7, "private": 3}, 1.5, (["OC6"], [])),
    ("Independent advocacy service",
     "Care Act, mental health and mental capacity advocacy for adults who need help to have their say.",
     CN, {"SWK-CFS": 2, "SWK-PCT": 2}, 420_000, {"vcs": 1}, 1, (["OC7"], ["OC1"])),
    ("Sexual health services",
     "Sexual health clinics, online testing and contraception for residents.",
     OT, {"SWK-PH": 1}, 3_500_000, {"nhs": 9, "private": 1}, 0.5, (["OC1"], [])),
    ("Advice and information service",
     "Free, independent advice on benefits, debt, housing and employment problems.",
     OT, {"SWK-RES": 2, "SWK-ENV": 1}, 600_000, {"vcs": 1}, 1.5, (["OC7"], ["OC6"])),
    ("Community translation and interpreting",
     "Face-to-face, telephone and video interpreting for council services.",
     OT, {"SWK-RES": 1}, 220_000, {"private": 8, "vcs": 2}, 1, (["OC7"], [])),
    ("Grounds maintenance for parks and open spaces",
     "Grass cutting, planting, litter picking and tree care in the borough's parks and open spaces.",
     OT, {"SWK-ENV": 1}, 3_500_000, {"private": 1}, 0.8, (["OC8"], [])),
    ("Voluntary sector infrastructure support",
     "Training, advice and networking for local voluntary and community groups.",
     OT, {"SWK-RES": 2, "SWK-ENV": 1}, 320_000, {"vcs": 1}, 1, (["OC3"], ["OC7"])),
    ("Digital inclusion programme",
     "Devices, data and one-to-one help for residents who are not yet online.",
     OT, {"SWK-RES": 1}, 120_000, {"vcs": 6, "private": 4}, 1, (["OC7"], ["OC5"])),
    ("Adult learning and employment support",
     "Courses, careers advice and job brokerage for adults who want to get into work or a better job.",
     OT, {"SWK-ENV": 1}, 520_000, {"vcs": 5, "private": 5}, 1.5, (["OC5"], ["OC7"])),
    ("Community food network",
     "Coordination and supplies for food banks, pantries and community kitchens across the borough.",
     OT, {"SWK-RES": 1, "SWK-ENV": 1}, 200_000, {"vcs": 1}, 1, (["OC7"], ["OC1"])),
    ("Stop smoking service",
     "Specialist stop smoking support, including in pharmacies and for pregnant women.",
     OT, {"SWK-PH": 1}, 300_000, {"nhs": 4, "private": 4, "vcs": 2}, 1, (["OC1"], [])),
    ("Healthy weight and physical activity programme",
     "Free exercise sessions, cooking classes and weight management support.",
     OT, {"SWK-PH": 1}, 380_000, {"vcs": 6, "private": 4}, 1, (["OC1"], [])),
    ("Tree planting and community growing",
     "Street trees, orchards and community growing spaces planted with residents.",
     OT, {"SWK-ENV": 1}, 150_000, {"vcs": 6, "private": 4}, 1, (["OC8"], ["OC3"])),
    ("Community mediation and anti-social behaviour support",
     "Mediation between neighbours and support for victims of anti-social behaviour.",
     OT, {"SWK-ENV": 1, "SWK-HSG": 1}, 240_000, {"vcs": 1}, 1, (["OC3"], [])),
    ("Shared out-of-hours emergency social work service",
     "Out-of-hours emergency duty social work, shared with a neighbouring borough.",
     OT, {"SWK-CFS": 1}, 900_000, {"la": 1}, 0.4, (["OC2"], ["OC4"])),
]

AREA_SUFFIXES = [
    " (north of the borough)", " (south of the borough)", " (Lot 1)", " (Lot 2)", " (Lot 3)",
    " - Peckham and Nunhead", " - Bermondsey and Rotherhithe", " - Camberwell", " - Walworth",
    " - Dulwich", " (pilot)",
]

SOCIAL_VALUE = [
    "{n} apprenticeships for borough residents each year.",
    "At least {p}% of new jobs filled by Southwark residents.",
    "{h} hours a year of staff volunteering with local community groups.",
    "{n} work placements a year for young people leaving care.",
    "At least {p}% of goods and services bought from local small businesses.",
    "Zero-emission vehicles for all journeys within the borough.",
    "Free training for {n} local voluntary groups a year.",
    "{n} paid internships for residents with learning disabilities.",
    "Careers talks in {n} local schools each year.",
    "Recruitment events with the council's local employment service twice a year.",
]

INTENTION_REASONS = [
    "New service following the latest needs assessment.",
    "Brings together two existing contracts into one service.",
    "A two-year pilot, to be evaluated before any longer contract.",
    "Responds to growing demand identified by residents and partners.",
    "Jointly funded by the council and the NHS through the pooled budget.",
    "Will be co-designed with people who use the service.",
]

ROUTES = [
    "open procedure", "restricted procedure", "competitive procedure with negotiation", "framework call-off",
    "direct award", "light-touch regime", "grant agreement", "spot purchase",
]

# --- The equality lens (issue 19): illustrative DEI answers and sizes of VCS organisations -----------------
# Codes of the DEI Data Standard's taxonomy (generator/reference/360giving/dei/taxonomyCodes.csv; the sample
# may not read it, so they are written here and tests/sample checks every one is in it). Made up: an
# organisation's name suggests its answer, as a reader would expect, and nothing more.

#: Who leads an organisation whose name names a community (led_by).
COMMUNITY_LED_BY = {
    "African Caribbean": "DEI010100", "Latin American": "DEI019999", "Vietnamese": "DEI010399",
    "Sierra Leonean": "DEI010110", "Nigerian": "DEI010110", "Portuguese-speaking": "DEI050000",
    "Chinese": "DEI010340", "Somali": "DEI010110", "Eritrean": "DEI010110", "Bangladeshi": "DEI010330",
    "Polish": "DEI050000", "Ghanaian": "DEI010110", "Colombian": "DEI019999", "Turkish-speaking": "DEI019999",
    "Congolese": "DEI010110", "Irish": "DEI019999", "Kurdish": "DEI019999", "Filipino": "DEI010399",
}
#: Other organisations' leadership answers, and how often each is given (the rest: no code recorded).
OTHER_LED_BY = {"DEI090000": 5, "DEI020000": 3, "DEI010000": 3, "DEI010100": 2, "DEI010300": 2,
                "DEI040000": 1, "DEI060000": 1}
#: The communities served (serving) by an organisation whose name has one of these words.
FOCUS_SERVING = {
    "Youth": "DEI070200", "Young Carers": "DEI070200", "Play": "DEI070300", "Elders": "DEI060000",
    "Dementia": "DEI060000", "Women's": "DEI090000", "Domestic Abuse": "DEI090000", "Refugee": "DEI050200",
    "Mental Health": "DEI020200", "Recovery": "DEI020200", "Disability": "DEI020000", "Hearing Loss": "DEI020130",
    "Sight Loss": "DEI020120", "Autism": "DEI020330", "Food": "DEI080000", "Advice": "DEI080000",
    "Literacy": "DEI080000",
}
#: Each organisation type's NCVO size bands (income_band) and their weights.
INCOME_BANDS_BY_TYPE = {
    "registered charity": {"micro": 2, "small": 5, "medium": 4, "large": 2, "major": 0.3},
    "charitable incorporated organisation": {"micro": 3, "small": 5, "medium": 2, "large": 0.5},
    "community interest company": {"micro": 2, "small": 5, "medium": 2, "large": 0.3},
    "community benefit society": {"micro": 1, "small": 4, "medium": 3, "large": 0.5},
    "unregistered community group": {"micro": 7, "small": 3},
    "company limited by guarantee": {"small": 3, "medium": 4, "large": 2, "major": 0.5, "super-major": 0.1},
}
P_DEI_ANSWERED = 0.55  # VCS organisations that answered the DEI questions
P_DEI_AFTER_AWARD = 0.2  # of those with grants, the ones asked after their first award, not in the application
P_INCOME_BAND = 0.7  # VCS organisations whose size is recorded
