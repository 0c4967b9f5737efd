"""Seeded, deterministic generator of ILLUSTRATIVE sample data.

Writes the twelve CSV files described by ``data/datapackage.json`` (the schemas
live in ``schemas/*.json``) for a fictional picture of the London Borough of
Southwark's commissioning: wards, commissioners, organisations, contracts,
grants, commissioning intentions, outcomes, indicators, measurements, the
alignment of funding to outcomes, and the decisions behind them with their links.

The ward names are real, and so are the decisions with provenance ``real`` (copied
from ``reference/southwark-decisions.csv``; none is linked to the fictional data).
Every organisation, contract, grant, other decision and figure is invented.  The
same seed and size always give byte-identical files: all randomness comes from
``numpy.random.default_rng(seed)`` (the decisions from a second generator seeded
from the same seed, so the other files do not depend on them) and no date is
taken from the clock (the reference "today" is ``REFERENCE_DATE``).

Usage::

    python -m generator.sample --out DIR [--grants 1600] [--seed 2016]

or from Python::

    from generator.sample import generate
    counts = generate(pathlib.Path("out"), grants=1600, seed=2016)
"""

from __future__ import annotations

import argparse
import pathlib
import sys
from typing import Sequence

import numpy as np
import pandas as pd

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
WARD_ONS_CODES: dict[str, str] = {"Borough & Bankside": "E05011095"}

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

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

_EPOCH = np.datetime64("1970-01-01", "D")


def _day(s: str) -> int:
    """Days since 1970-01-01 for an ISO date string."""
    return int((np.datetime64(s, "D") - _EPOCH).astype(np.int64))


def _dates(days: np.ndarray, empty: np.ndarray | None = None) -> np.ndarray:
    """ISO strings (object array) for integer day numbers; '' where empty."""
    days = np.asarray(days, dtype=np.int64)
    out = np.datetime_as_string(days.astype("datetime64[D]"), unit="D").astype(object)
    if empty is not None:
        out[empty] = ""
    return out


def _add_months(days: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Add calendar months to day numbers, clamping the day of the month."""
    dt = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    m = dt.astype("datetime64[M]")
    dom = (dt - m.astype("datetime64[D]")).astype(np.int64)
    nm = m + np.asarray(months, dtype=np.int64)
    first = nm.astype("datetime64[D]")
    length = ((nm + 1).astype("datetime64[D]") - first).astype(np.int64)
    return (first - _EPOCH).astype(np.int64) + np.minimum(dom, length - 1)


def _first_of_month(days: np.ndarray) -> np.ndarray:
    dt = np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]")
    return (dt.astype("datetime64[D]") - _EPOCH).astype(np.int64)


def _weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday)."""
    return (np.asarray(days, dtype=np.int64) + 3) % 7


def _obj(values: Sequence[str]) -> np.ndarray:
    return np.array(list(values), dtype=object)


def _pick(rng: np.random.Generator, options: Sequence[str], n: int, p=None) -> np.ndarray:
    arr = _obj(options)
    if p is not None:
        p = np.asarray(p, dtype=float)
        p = p / p.sum()
    return arr[rng.choice(len(arr), size=n, p=p)]


def _norm(w) -> np.ndarray:
    w = np.asarray(w, dtype=float)
    return w / w.sum()


def _alloc(n: int, weights) -> np.ndarray:
    """Split n into integer counts proportional to weights (largest remainder)."""
    w = _norm(weights)
    raw = w * n
    base = np.floor(raw).astype(np.int64)
    rem = n - int(base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rem]] += 1
    return base


def _unique_from_ranges(rng: np.random.Generator, ranges: list[tuple[int, int]], n: int) -> np.ndarray:
    """n distinct integers drawn from the union of half-open ranges."""
    sizes = np.array([hi - lo for lo, hi in ranges], dtype=np.int64)
    total = int(sizes.sum())
    if n > total:
        raise ValueError(f"cannot draw {n} distinct numbers from a pool of {total}")
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    idx = rng.choice(total, size=n, replace=False).astype(np.int64)
    out = np.empty(n, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    which = np.searchsorted(np.cumsum(sizes), idx, side="right")
    for k, (lo, _hi) in enumerate(ranges):
        sel = which == k
        out[sel] = lo + (idx[sel] - starts[k])
    return out


def _zfill(nums: np.ndarray, width: int) -> np.ndarray:
    nums = np.asarray(nums, dtype=np.int64)
    if nums.size == 0:
        return np.zeros(0, dtype=object)
    return np.char.zfill(nums.astype(str), width).astype(object)


def _money(pence: np.ndarray) -> np.ndarray:
    """Format integer pence as plain pounds: 1500, 1500.5, 1500.25."""
    pence = np.asarray(pence, dtype=np.int64)
    pounds = (pence // 100).astype(str).astype(object)
    rem = pence % 100
    frac = np.full(len(pence), "", dtype=object)
    tens = (rem != 0) & (rem % 10 == 0)
    units = rem % 10 != 0
    frac[tens] = "." + (rem[tens] // 10).astype(str).astype(object)
    frac[units] = "." + _zfill(rem[units], 2)
    return pounds + frac


def _num(value: float, dec: int) -> str:
    """Plain decimal text with at most `dec` places and no trailing zeros."""
    if dec == 0:
        return str(int(round(value)))
    s = f"{value:.{dec}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _yesno(flags: np.ndarray) -> np.ndarray:
    return np.where(np.asarray(flags, dtype=bool), "yes", "no").astype(object)


def _write(df: pd.DataFrame, path: pathlib.Path) -> None:
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


# ---------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------

MAX_CONTRACTS = 99_999
MAX_INTENTIONS = 9_999
MAX_ORGANISATIONS = 500_000


def sizes(grants: int) -> dict[str, int]:
    """Row counts (or targets) derived from the number of grants."""
    if grants < 1:
        raise ValueError("grants must be at least 1")
    return {
        "grants": grants,
        "organisations": min(MAX_ORGANISATIONS, max(10, grants // 3)),
        "contracts": min(MAX_CONTRACTS, max(5, grants // 5)),
        "commissioning_intentions": min(MAX_INTENTIONS, max(10, grants // 40)),
    }


# ---------------------------------------------------------------------------
# Wards, commissioners, outcomes, indicators
# ---------------------------------------------------------------------------


def _wards() -> pd.DataFrame:
    names = sorted(WARDS)
    return pd.DataFrame({"ward_name": names, "ons_code": [WARD_ONS_CODES.get(w, "") for w in names]})


def _commissioners() -> pd.DataFrame:
    cols = ["commissioner_id", "name", "commissioner_type", "org_id", "active_from", "active_to", "note"]
    df = pd.DataFrame(COMMISSIONERS, columns=cols)
    return df.sort_values("commissioner_id", kind="mergesort").reset_index(drop=True)


def _outcomes() -> pd.DataFrame:
    return pd.DataFrame(OUTCOMES, columns=["outcome_id", "theme", "title", "description"])


def _indicators() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": [i["id"] for i in INDICATORS],
            "outcome_id": [i["oc"] for i in INDICATORS],
            "title": [i["title"] for i in INDICATORS],
            "unit": [i["unit"] for i in INDICATORS],
            "higher_is_better": ["yes" if i["hib"] else "no" for i in INDICATORS],
            "source": [i["src"] for i in INDICATORS],
        }
    )


# ---------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------

ORG_TYPES = [
    # type, share of the "ordinary" organisations, share based in the borough
    ("registered charity", 0.40, 0.52),
    ("charitable incorporated organisation", 0.13, 0.60),
    ("company limited by guarantee", 0.07, 0.50),
    ("private limited company", 0.16, 0.35),
    ("community interest company", 0.09, 0.65),
    ("community benefit society", 0.03, 0.60),
    ("unregistered community group", 0.12, 0.92),
]


def _org_names(rng: np.random.Generator, otype: str, ward: np.ndarray, big: np.ndarray, ext: bool) -> np.ndarray:
    """Fictional names for organisations of one type (object array).

    Organisations based in the borough are mostly named after a place in
    their own ward; those outside get a neutral, invented name.
    """
    n = len(ward)
    if n == 0:
        return np.zeros(0, dtype=object)
    local = ward != ""
    place = _pick(rng, OUTSIDE_PLACES, n)
    u = rng.random(n)
    for w in WARDS:
        sel = ward == w
        k = int(sel.sum())
        if k:
            place[sel] = _pick(rng, WARD_PLACES[w], k)
    other_local = local & (u < 0.06)
    place[other_local] = _pick(rng, LOCAL_PLACES, int(other_local.sum()))
    if ext:  # second and later attempts: a richer template so that names stay unique
        two = rng.random(n) < 0.5
        place2 = _pick(rng, LOCAL_PLACES + OUTSIDE_PLACES, n)
        place = np.where(two & (place != place2), place + " and " + place2, place).astype(object)
    p_comm = 0.5 if ext else 0.08
    comm = np.where(rng.random(n) < p_comm, _pick(rng, COMMUNITIES, n) + " ", "").astype(object)

    if otype == "registered charity":
        name = place + " " + comm + _pick(rng, CHARITY_FOCUS, n) + " " + _pick(rng, CHARITY_FORMS, n)
    elif otype == "charitable incorporated organisation":
        name = place + " " + comm + _pick(rng, CHARITY_FOCUS, n) + " " + _pick(rng, CIO_FORMS, n)
    elif otype == "company limited by guarantee":
        name = place + " " + _pick(rng, CLG_NOUNS, n)
    elif otype == "community interest company":
        name = place + " " + _pick(rng, CIC_NOUNS, n) + " CIC"
    elif otype == "community benefit society":
        name = place + " " + _pick(rng, CBS_NOUNS, n)
    elif otype == "private limited company":
        biz = np.where(big, _pick(rng, BIG_BUSINESS, n), _pick(rng, SME_BUSINESS, n)).astype(object)
        name = place + " " + biz + " " + _pick(rng, COMPANY_SUFFIX, n)
    elif otype == "unregistered community group":
        street = _pick(rng, STREETS, n)
        t = rng.choice(4, size=n, p=[0.3, 0.4, 0.12, 0.18])
        tra = street + " Estate Tenants and Residents' Association"
        club = place + " " + comm + _pick(rng, GROUP_NOUNS, n)
        friends = "Friends of " + street + " " + _pick(rng, PARK_SUFFIX, n)
        women = place + " " + _pick(rng, COMMUNITIES, n) + " " + _pick(
            rng, ["Women's Group", "Elders' Group", "Community Group", "Parents' Group", "Youth Group"], n)
        name = np.select([t == 0, t == 1, t == 2], [tra, club, friends], women).astype(object)
    elif otype == "school":
        name = _pick(rng, STREETS, n) + " " + _pick(rng, SCHOOL_FORMS, n)
    else:  # pragma: no cover - NHS bodies and local authorities are named from fixed lists
        raise ValueError(otype)
    return name.astype(object)


def _organisations(rng: np.random.Generator, n: int) -> pd.DataFrame:
    n_nhs = min(len(NHS_BODIES), n // 80)
    n_la = 0  # no local authorities: their names would be real organisations with invented money
    n_school = min(200, n // 40)
    counts = _alloc(n - n_nhs - n_la - n_school, [t[1] for t in ORG_TYPES])
    ward_p = _norm([1.0 + 0.5 * WARD_NEED[w] for w in WARDS])

    parts = []
    company_needed = 0
    plan = []
    for (otype, _share, p_local), k in zip(ORG_TYPES, counts):
        plan.append((otype, int(k), p_local))
    plan.append(("school", n_school, 0.9))

    # --- register numbers, drawn so that none repeat ----------------------
    n_char = dict((t, k) for t, k, _ in plan)["registered charity"]
    n_cio = dict((t, k) for t, k, _ in plan)["charitable incorporated organisation"]
    n_cbs = dict((t, k) for t, k, _ in plan)["community benefit society"]
    n_ug = dict((t, k) for t, k, _ in plan)["unregistered community group"]
    char_company = rng.random(n_char) < 0.3  # charitable companies also have a company number
    company_needed = (
        int(char_company.sum())
        + dict((t, k) for t, k, _ in plan)["company limited by guarantee"]
        + dict((t, k) for t, k, _ in plan)["private limited company"]
        + dict((t, k) for t, k, _ in plan)["community interest company"]
    )
    # Numbers from ranges no register has issued (charities 9xxxxxx, companies 99xxxxxx,
    # societies IP9xxxxx, school URNs 9xxxxx), so no fictional organisation borrows a
    # real body's identifier.
    char_nums = _unique_from_ranges(rng, [(9_000_000, 9_499_999)], n_char)
    cio_nums = _unique_from_ranges(rng, [(9_500_000, 9_999_999)], n_cio)
    company_nums = _unique_from_ranges(rng, [(99_000_000, 99_999_999)], company_needed)
    cbs_nums = _unique_from_ranges(rng, [(900_000, 999_999)], n_cbs)
    ug_width = max(5, len(str(2 * n_ug)))
    ug_nums = _unique_from_ranges(rng, [(1, 10 ** ug_width)], n_ug)
    school_nums = _unique_from_ranges(rng, [(900_000, 999_999)], n_school)
    company_pos = 0

    for otype, k, p_local in plan:
        if k == 0:
            continue
        local = rng.random(k) < p_local
        ward = np.where(local, _pick(rng, WARDS, k, p=ward_p), "").astype(object)
        charity_number = np.full(k, "", dtype=object)
        company_number = np.full(k, "", dtype=object)
        big = np.zeros(k, dtype=bool)
        if otype == "registered charity":
            charity_number = char_nums.astype(str).astype(object)
            org_id = "GB-CHC-" + charity_number
            m = int(char_company.sum())
            company_number[char_company] = _zfill(company_nums[company_pos:company_pos + m], 8)
            company_pos += m
            vcs = np.ones(k, dtype=bool)
            big = rng.random(k) < 0.05
        elif otype == "charitable incorporated organisation":
            charity_number = cio_nums.astype(str).astype(object)
            org_id = "GB-CHC-" + charity_number
            vcs = np.ones(k, dtype=bool)
            big = rng.random(k) < 0.01
        elif otype in ("company limited by guarantee", "private limited company", "community interest company"):
            company_number = _zfill(company_nums[company_pos:company_pos + k], 8)
            company_pos += k
            org_id = "GB-COH-" + company_number
            if otype == "company limited by guarantee":
                vcs = rng.random(k) < 0.9
                big = rng.random(k) < 0.08
            elif otype == "private limited company":
                vcs = np.zeros(k, dtype=bool)
                big = rng.random(k) < 0.25
            else:
                vcs = np.ones(k, dtype=bool)
        elif otype == "community benefit society":
            company_number = "IP" + _zfill(cbs_nums, 6)
            org_id = "GB-COH-" + company_number
            vcs = np.ones(k, dtype=bool)
        elif otype == "unregistered community group":
            org_id = "GB-LAE-SWK-UG" + _zfill(ug_nums, ug_width)
            vcs = np.ones(k, dtype=bool)
        else:  # school
            org_id = "GB-EDU-" + school_nums.astype(str).astype(object)
            vcs = np.zeros(k, dtype=bool)
        parts.append(
            dict(
                org_id=org_id.astype(object),
                organisation_type=np.full(k, otype, dtype=object),
                charity_number=charity_number,
                company_number=company_number,
                is_vcs=vcs,
                is_sme=~big,
                based_in_borough=local,
                ward=ward,
                _local=local,
                _big=big,
            )
        )

    # NHS bodies and local authorities: fixed fictional / public names
    if n_nhs:
        sel = sorted(rng.choice(len(NHS_BODIES), size=n_nhs, replace=False).tolist())
        local = rng.random(n_nhs) < 0.5
        parts.append(
            dict(
                org_id=_obj(["GB-NHS-" + NHS_BODIES[i][0] for i in sel]),
                organisation_type=np.full(n_nhs, "NHS body", dtype=object),
                charity_number=np.full(n_nhs, "", dtype=object),
                company_number=np.full(n_nhs, "", dtype=object),
                is_vcs=np.zeros(n_nhs, dtype=bool),
                is_sme=np.zeros(n_nhs, dtype=bool),
                based_in_borough=local,
                ward=np.where(local, _pick(rng, WARDS, n_nhs), "").astype(object),
                name=_obj([NHS_BODIES[i][1] for i in sel]),
            )
        )

    # --- names: generate, then re-draw any duplicates until all are unique --
    for part in parts:
        if "name" not in part:
            part["name"] = _org_names(rng, part["organisation_type"][0], part["ward"], part["_big"], ext=False)
    fixed_cols = ["org_id", "name", "organisation_type", "charity_number", "company_number",
                  "is_vcs", "is_sme", "based_in_borough", "ward"]
    for attempt in range(12):
        all_names = pd.Series(np.concatenate([p["name"] for p in parts]))
        dup = all_names.duplicated(keep="first").to_numpy()
        if not dup.any():
            break
        pos = 0
        for part in parts:
            k = len(part["name"])
            d = dup[pos:pos + k]
            pos += k
            if not d.any():
                continue
            if "_local" not in part:  # fixed lists never repeat
                continue
            if attempt < 10:
                part["name"][d] = _org_names(
                    rng, part["organisation_type"][0], part["ward"][d], part["_big"][d], ext=True)
            else:  # last resort, only reachable at very large sizes
                idx = np.nonzero(d)[0]
                part["name"][idx] = part["name"][idx] + " (" + (idx + 2).astype(str).astype(object) + ")"
    df = pd.DataFrame({c: np.concatenate([p[c] for p in parts]) for c in fixed_cols})
    for c in ("is_vcs", "is_sme", "based_in_borough"):
        df[c] = _yesno(df[c].to_numpy())
    df = df.sort_values("org_id", kind="mergesort").reset_index(drop=True)
    if df["name"].duplicated().any() or df["org_id"].duplicated().any():  # pragma: no cover
        raise RuntimeError("organisation names or ids are not unique")
    return df


# ---------------------------------------------------------------------------
# Contracts
# ---------------------------------------------------------------------------


def _weighted_pool(rng: np.random.Generator, mask: np.ndarray, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    idx = np.nonzero(mask)[0]
    w = rng.lognormal(0.0, sigma, size=len(idx))
    return idx, (w / w.sum() if len(idx) else w)


def _draw(rng: np.random.Generator, pool: tuple[np.ndarray, np.ndarray], n: int) -> np.ndarray:
    idx, w = pool
    return idx[rng.choice(len(idx), size=n, p=w)]


def _routes(rng: np.random.Generator, total_gbp: np.ndarray, client: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """A plausible procurement route given the value and kind of supplier."""
    n = len(total_gbp)
    band = np.select([total_gbp >= 663_540, total_gbp >= 214_904, total_gbp >= 100_000], [3, 2, 1], 0)
    care = client != OT
    #          open  restr  cpn   frame  direct light  grant  spot
    tables = {
        (3, True): [0.33, 0.10, 0.10, 0.10, 0.02, 0.35, 0.00, 0.00],
        (3, False): [0.60, 0.18, 0.10, 0.10, 0.02, 0.00, 0.00, 0.00],
        (2, True): [0.25, 0.05, 0.08, 0.17, 0.08, 0.27, 0.10, 0.00],
        (2, False): [0.45, 0.08, 0.10, 0.25, 0.07, 0.00, 0.05, 0.00],
        (1, True): [0.15, 0.00, 0.05, 0.22, 0.25, 0.10, 0.15, 0.08],
        (1, False): [0.15, 0.00, 0.05, 0.30, 0.30, 0.00, 0.15, 0.05],
        (0, True): [0.03, 0.00, 0.00, 0.17, 0.35, 0.00, 0.20, 0.25],
        (0, False): [0.03, 0.00, 0.00, 0.22, 0.40, 0.00, 0.20, 0.15],
    }
    out = np.empty(n, dtype=object)
    for (b, c), probs in tables.items():
        sel = (band == b) & (care == c)
        k = int(sel.sum())
        if k:
            out[sel] = _pick(rng, ROUTES, k, p=probs)
    # grant agreements only go to the voluntary sector; public bodies are direct awards
    out[(out == "grant agreement") & (kind != "vcs")] = "direct award"
    out[np.isin(kind, ["la", "nhs"]) & (rng.random(n) < 0.6)] = "direct award"
    return out


def _contracts(rng: np.random.Generator, n: int, orgs: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    ref = _day(REFERENCE_DATE)
    cat_w = _norm([c[6] for c in CATALOGUE])
    entry = rng.choice(len(CATALOGUE), size=n, p=cat_w)

    # commissioner, client group, supplier kind, value
    commissioner = np.empty(n, dtype=object)
    kind = np.empty(n, dtype=object)
    median = np.empty(n, dtype=float)
    client = np.empty(n, dtype=object)
    for e, (_t, _d, cg, comms, med, supp, _w, _oc) in enumerate(CATALOGUE):
        sel = entry == e
        k = int(sel.sum())
        if not k:
            continue
        commissioner[sel] = _pick(rng, list(comms), k, p=list(comms.values()))
        kind[sel] = _pick(rng, list(supp), k, p=list(supp.values()))
        median[sel] = med
        client[sel] = cg
    # a few contracts outside the catalogue's usual client group
    other = (rng.random(n) < 0.04) & ~np.isin(commissioner, ["SWK-PCT", "NHS"])
    client[other] = OT

    # value: a typical annual value for the service, times a term of 1 to 7 years
    annual = median / 4.0 * rng.lognormal(0.0, 0.6, size=n)
    pilot = rng.random(n) < 0.08  # small pilots and one-off call-offs
    annual[pilot] *= rng.uniform(0.04, 0.25, size=int(pilot.sum()))
    term_opts = np.array([12, 18, 24, 36, 48, 60, 84])
    term = np.empty(n, dtype=np.int64)
    for sel, p in (
        (annual < 80_000, [0.35, 0.10, 0.25, 0.20, 0.05, 0.05, 0.00]),
        ((annual >= 80_000) & (annual < 600_000), [0.10, 0.05, 0.20, 0.35, 0.15, 0.12, 0.03]),
        (annual >= 600_000, [0.03, 0.00, 0.12, 0.30, 0.20, 0.23, 0.12]),
    ):
        k = int(sel.sum())
        if k:
            term[sel] = term_opts[rng.choice(len(term_opts), size=k, p=_norm(p))]
    spot = np.isin(entry, [i for i, c in enumerate(CATALOGUE) if c[0].startswith("Independent fostering")])
    term[spot & (term > 36)] = 24
    # rounding: most annual values are round numbers, some are exact to the penny
    style = rng.random(n)
    annual_pence = np.where(
        style < 0.5, np.rint(annual / 100) * 10_000,
        np.where(style < 0.85, np.rint(annual) * 100, np.rint(annual * 100)),
    )
    total_pence = np.rint(annual_pence * term / 12.0).astype(np.int64)
    small = total_pence < 1_000_000  # nothing below about £10,000 is published as a contract
    total_pence[small] = rng.integers(100, 250, size=int(small.sum())) * 10_000
    tg = total_pence / 100

    # start dates 2017-04-01 .. 2026-09-30, mostly on the first of a month
    fy = 2017 + rng.choice(10, size=n, p=_norm([3, 3, 4, 4, 5, 6, 7, 8, 9, 5]))
    fy_start = np.array([_day(f"{y}-04-01") for y in range(2017, 2027)], dtype=np.int64)[fy - 2017]
    how = rng.random(n)
    span = np.where(fy == 2026, 6, 12)  # the last starts are in September 2026
    month_off = np.floor(rng.random(n) * span).astype(np.int64)
    day_off = np.floor(rng.random(n) * np.where(fy == 2026, 183, 365)).astype(np.int64)
    start = np.where(how < 0.45, fy_start, np.where(how < 0.85, _add_months(fy_start, month_off), fy_start + day_off))
    start = np.minimum(start, _day("2026-09-30"))

    end = _add_months(start, term) - 1
    annual_pence = np.rint(total_pence * 12.0 / term).astype(np.int64)  # never above the total

    # status and extensions
    status = np.where(end < ref, "ended", "live").astype(object)
    ext = (end < ref) & (end >= ref - 330) & (term <= 60) & (rng.random(n) < 0.35)
    end[ext] = _add_months(end[ext] + 1, 12) - 1
    total_pence[ext] += annual_pence[ext]
    status[ext] = "extended"
    status[(status == "live") & (rng.random(n) < 0.06)] = "extended"
    term_early = (status == "ended") & (rng.random(n) < 0.07)
    frac = rng.uniform(0.4, 0.9, size=n)
    end[term_early] = start[term_early] + np.floor(frac[term_early] * (end[term_early] - start[term_early])).astype(np.int64)
    status[term_early] = "terminated early"
    review = np.maximum(start, _add_months(end + 1, -6) - 1)

    # NHS partner: the CCG before 1 July 2022, the ICB from then on
    nhs = commissioner == "NHS"
    commissioner[nhs & (start < _day(NHS_CHANGEOVER))] = "NHS-SWK-CCG"
    commissioner[nhs & (start >= _day(NHS_CHANGEOVER))] = "NHS-SEL-ICB"

    # suppliers
    otype = orgs["organisation_type"].to_numpy()
    is_sme = orgs["is_sme"].to_numpy() == "yes"
    vcs_mask = np.isin(otype, ["registered charity", "charitable incorporated organisation",
                               "company limited by guarantee", "community interest company",
                               "community benefit society"])
    priv = otype == "private limited company"
    pools = {
        "vcs": _weighted_pool(rng, vcs_mask, 1.2),
        "vcs_big": _weighted_pool(rng, vcs_mask & ~is_sme, 0.8),
        "private": _weighted_pool(rng, priv & is_sme, 1.2),
        "private_big": _weighted_pool(rng, priv & ~is_sme, 0.8),
        "nhs": _weighted_pool(rng, otype == "NHS body", 0.6),
        "la": _weighted_pool(rng, otype == "local authority", 0.6),
        "school": _weighted_pool(rng, otype == "school", 0.6),
    }
    big_contract = tg >= 1_500_000
    want = kind.copy()
    want[(kind == "vcs") & big_contract & (rng.random(n) < 0.5)] = "vcs_big"
    want[(kind == "private") & big_contract & (rng.random(n) < 0.8)] = "private_big"
    fallback = {"vcs_big": "vcs", "private_big": "private", "private": "vcs", "nhs": "vcs",
                "la": "vcs", "school": "vcs", "vcs": "private"}
    pools["any"] = _weighted_pool(rng, np.ones(len(orgs), dtype=bool), 1.0)
    for key in list(fallback):
        if len(pools[key][0]) == 0:  # small sizes: fall back to a kind that exists
            alt, seen = fallback[key], {key}
            while len(pools[alt][0]) == 0 and alt not in seen:
                seen.add(alt)
                alt = fallback.get(alt, "any")
            want[want == key] = alt if len(pools[alt][0]) else "any"
    supplier = np.empty(n, dtype=np.int64)
    for key, pool in pools.items():
        sel = want == key
        k = int(sel.sum())
        if k and len(pool[0]):
            supplier[sel] = _draw(rng, pool, k)
    supplier_kind = np.where(np.isin(want, ["vcs", "vcs_big"]), "vcs",
                             np.where(np.isin(want, ["private", "private_big"]), "private", want))

    route = _routes(rng, total_pence / 100, client, supplier_kind)
    route[spot & (rng.random(n) < 0.8)] = "spot purchase"

    # text
    titles = _obj([c[0] for c in CATALOGUE])[entry]
    suffix = (rng.random(n) < 0.35) & ~pilot
    titles[suffix] = titles[suffix] + _pick(rng, AREA_SUFFIXES[:-1], int(suffix.sum()))
    pilot_title = pilot & (rng.random(n) < 0.6) & ~spot
    titles[pilot_title] = titles[pilot_title] + " (pilot)"
    descs = _obj([c[1] for c in CATALOGUE])[entry]

    llw = rng.random(n) < np.where(supplier_kind == "private", 0.8, 0.93)
    p_sv = np.select([tg >= 500_000, tg >= 100_000], [0.85, 0.6], 0.35)
    has_sv = rng.random(n) < p_sv
    sv = np.full(n, "", dtype=object)
    k = int(has_sv.sum())
    if k:
        tmpl = _pick(rng, SOCIAL_VALUE, k)
        tmpl2 = _pick(rng, SOCIAL_VALUE, k)
        two = (rng.random(k) < 0.4) & (tmpl2 != tmpl)
        text = np.where(two, tmpl + " " + tmpl2, tmpl).astype(object)
        nums = rng.integers(2, 9, size=k).astype(str)
        pct = (rng.integers(5, 13, size=k) * 5).astype(str)
        hrs = (rng.integers(2, 21, size=k) * 50).astype(str)
        sv[has_sv] = _obj(
            t.replace("{n}", a).replace("{p}", b).replace("{h}", c) for t, a, b, c in zip(text, nums, pct, hrs)
        )
    vat = np.zeros(n, dtype=np.int64)
    has_vat = rng.random(n) < 0.05
    vat[has_vat] = np.rint(total_pence[has_vat] * rng.uniform(0.005, 0.04, size=int(has_vat.sum())))

    # order chronologically, then number
    order = np.lexsort((rng.random(n), start))
    df = pd.DataFrame(
        {
            "contract_id": "SWK-C-" + _zfill(np.arange(1, n + 1), 5),
            "title": titles[order],
            "description": descs[order],
            "commissioner_id": commissioner[order],
            "client_group": client[order],
            "procurement_route": route[order],
            "supplier_org_id": orgs["org_id"].to_numpy()[supplier[order]],
            "start_date": _dates(start[order]),
            "end_date": _dates(end[order]),
            "review_date": _dates(review[order]),
            "total_value_gbp": _money(total_pence[order]),
            "annual_value_gbp": _money(annual_pence[order]),
            "vat_not_recoverable_gbp": _money(vat[order]),
            "london_living_wage": _yesno(llw[order]),
            "social_value_commitments": sv[order],
            "status": status[order],
        }
    )
    extra = dict(entry=entry[order], start=start[order], end=end[order], total_pence=total_pence[order],
                 status=status[order], commissioner=commissioner[order])
    return df, extra


# ---------------------------------------------------------------------------
# Grants
# ---------------------------------------------------------------------------


def _grants(rng: np.random.Generator, n: int, orgs: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    first, last = _day("2021-04-01"), _day("2026-03-31")
    n_prog = len(PROGRAMMES)
    pw = np.array([p["w"] for p in PROGRAMMES], dtype=float)
    prog = rng.choice(n_prog, size=n, p=pw / pw.sum())
    prog[rng.choice(n, size=int(round(n * P_NO_PROGRAMME)), replace=False)] = n_prog  # no programme recorded

    award = np.empty(n, dtype=np.int64)
    amount = np.empty(n, dtype=float)
    longer = np.empty(n, dtype=bool)
    months = np.empty(n, dtype=np.int64)
    dept = np.empty(n, dtype=object)
    for i, p in enumerate(PROGRAMMES + [None]):
        sel = prog == i
        k = int(sel.sum())
        if not k:
            continue
        if p is None:
            award[sel] = rng.integers(first, last + 1, size=k)
            amount[sel] = np.clip(rng.lognormal(np.log(4000), 0.8, size=k), 500, 30_000)
            longer[sel] = rng.random(k) < 0.7
            m_long = rng.choice([12, 24, 36], size=k, p=[0.6, 0.25, 0.15])
            m_short = rng.choice([3, 6, 12], size=k, p=[0.3, 0.4, 0.3])
            dept[sel] = _pick(rng, COUNCIL_DEPARTMENTS, k, p=[0.3, 0.35, 0.1, 0.15, 0.1])
        else:
            rounds = []
            for fy in p["fys"]:
                for mo, dd in p["rounds"]:
                    y = fy if mo >= 4 else fy + 1
                    d = _day(f"{y}-{mo:02d}-{dd:02d}")
                    if first <= d <= last:
                        rounds.append(d)
            rounds = np.array(rounds, dtype=np.int64)
            award[sel] = rounds[rng.integers(0, len(rounds), size=k)] + rng.integers(0, 15, size=k)
            amount[sel] = np.clip(rng.lognormal(np.log(p["median"]), p["sigma"], size=k), p["lo"], p["hi"])
            longer[sel] = rng.random(k) < p["p_long"]
            m_long = rng.choice(p["long_months"][0], size=k, p=p["long_months"][1])
            m_short = rng.choice(p["short_months"][0], size=k, p=p["short_months"][1])
            dept[sel] = p["dept"]
        months[sel] = np.where(longer[sel], m_long, m_short)
    # awards are made on working days, inside the five financial years
    wd = _weekday(award)
    award = award - np.where(wd == 5, 1, np.where(wd == 6, 2, 0))
    award = np.clip(award, first, last)

    # amounts: round numbers, with a minimum of £500
    style = rng.random(n)
    step = np.where(amount < 1000, 50, np.where(amount < 10_000, 100, 500))
    pence = np.where(style < 0.93, np.rint(amount / step) * step * 100, np.rint(amount * 2) * 50).astype(np.int64)
    pence = np.maximum(pence, 50_000)

    # planned dates
    start = np.where(
        longer,
        _add_months(_first_of_month(award), 1 + rng.choice(3, size=n, p=[0.6, 0.3, 0.1])),
        award + rng.integers(7, 46, size=n),
    )
    end = _add_months(start, months) - 1

    # recipients
    otype = orgs["organisation_type"].to_numpy()
    registered_vcs = np.isin(otype, ["registered charity", "charitable incorporated organisation",
                                     "company limited by guarantee", "community interest company",
                                     "community benefit society"]) & (orgs["is_vcs"].to_numpy() == "yes")
    groups = otype == "unregistered community group"
    schools = otype == "school"
    if not registered_vcs.any():
        registered_vcs = np.ones(len(orgs), dtype=bool)
    pools = [_weighted_pool(rng, registered_vcs, 0.75), _weighted_pool(rng, groups, 0.6),
             _weighted_pool(rng, schools, 0.7)]
    p_group = np.array([p["p_group"] for p in PROGRAMMES] + [0.15])[prog]
    p_school = np.array([p["p_school"] for p in PROGRAMMES] + [0.02])[prog]
    u = rng.random(n)
    which = np.where(u < p_group, 1, np.where(u < p_group + p_school, 2, 0))
    which[(which == 1) & (len(pools[1][0]) == 0)] = 0
    which[(which == 2) & (len(pools[2][0]) == 0)] = 0
    recipient = np.empty(n, dtype=np.int64)
    for j, pool in enumerate(pools):
        sel = which == j
        k = int(sel.sum())
        if k:
            recipient[sel] = _draw(rng, pool, k)

    # beneficiary ward: ~80 % have one, often the recipient's own ward
    org_ward = orgs["ward"].to_numpy()[recipient]
    has_ward = rng.random(n) < 0.8
    ward_p = _norm([1.0 + 0.6 * WARD_NEED[w] for w in WARDS])
    ward = _pick(rng, WARDS, n, p=ward_p)
    use_own = (org_ward != "") & (rng.random(n) < 0.75)
    ward = np.where(use_own, org_ward, ward).astype(object)
    ward[~has_ward] = ""

    # titles and descriptions, from the programme's word lists
    title = np.empty(n, dtype=object)
    desc = np.empty(n, dtype=object)
    borough = ~has_ward
    where_t = np.where(borough, " across the borough", " in " + ward).astype(object)
    where_d = np.where(borough, " across the borough", " in " + ward + " ward").astype(object)
    generic = dict(
        activities=["Community project", "Volunteer programme", "Support sessions", "Community events"],
        groups=["local residents", "families", "older residents", "young people"],
        aims=["support local people", "help residents get involved in their community"],
    )
    for i, p in enumerate(PROGRAMMES + [generic]):
        sel = prog == i
        k = int(sel.sum())
        if not k:
            continue
        act = _pick(rng, p["activities"], k)
        grp = _pick(rng, p["groups"], k)
        aim = _pick(rng, p["aims"], k)
        wt, wdsc, bw = where_t[sel], where_d[sel], borough[sel]
        mstr = months[sel].astype(str).astype(object)
        t = rng.integers(0, 3, size=k)
        d = rng.integers(0, 3, size=k)
        tt = np.empty(k, dtype=object)
        dd = np.empty(k, dtype=object)
        j = t == 0  # build each template only for the rows that use it
        tt[j] = act[j] + " for " + grp[j]
        j = t == 1
        tt[j] = act[j] + np.where(bw[j], " across Southwark", wt[j])
        j = t == 2
        tt[j] = act[j] + " for " + grp[j] + wt[j]
        j = d == 0
        dd[j] = "A " + mstr[j] + "-month grant to " + aim[j] + ", working with " + grp[j] + wdsc[j] + "."
        j = d == 1
        dd[j] = act[j] + " to " + aim[j] + wdsc[j] + "."
        j = d == 2
        dd[j] = ("A contribution towards staff and running costs to " + aim[j] + ". The work will reach "
                 + grp[j] + wdsc[j] + ".")
        title[sel] = tt
        desc[sel] = dd
    extra = rng.random(n) < 0.45
    desc[extra] = desc[extra] + " " + _pick(rng, GRANT_EXTRAS, int(extra.sum()))

    programme = _obj([p["name"] for p in PROGRAMMES] + [""])[prog]
    funding_type = np.where(longer, "longer-term", "short-term innovation").astype(object)

    order = np.lexsort((rng.random(n), award))
    df = pd.DataFrame(
        {
            "grant_id": "360G-southwarkcouncil-G" + _zfill(np.arange(1, n + 1), 7),
            "title": title[order],
            "description": desc[order],
            "programme": programme[order],
            "funding_type": funding_type[order],
            "recipient_org_id": orgs["org_id"].to_numpy()[recipient[order]],
            "amount_awarded": _money(pence[order]),
            "award_date": _dates(award[order]),
            "planned_start_date": _dates(start[order]),
            "planned_end_date": _dates(end[order]),
            "beneficiary_ward": ward[order],
            "department_id": dept[order],
        }
    )
    return df, prog[order]


# ---------------------------------------------------------------------------
# Commissioning intentions
# ---------------------------------------------------------------------------


def _intentions(rng: np.random.Generator, n: int, contracts: pd.DataFrame, cx: dict) -> pd.DataFrame:
    ref = _day(REFERENCE_DATE)
    lo, hi = _day("2026-12-01"), _day("2029-03-31")
    next_start = cx["end"] + 1
    cand = np.nonzero(np.isin(cx["status"], ["live", "extended"]) & (next_start >= lo) & (next_start <= hi))[0]
    n_rep = min(len(cand), int(round(n * 0.45)))
    if n_rep:
        w = 1.0 / (1.0 + (next_start[cand] - lo) / 180.0) ** 1.5
        rep = np.sort(rng.choice(cand, size=n_rep, replace=False, p=w / w.sum()))
    else:
        rep = np.zeros(0, dtype=np.int64)
    n_new = n - n_rep

    entry = np.concatenate([cx["entry"][rep], rng.choice(len(CATALOGUE), size=n_new, p=_norm([c[6] for c in CATALOGUE]))])
    start = np.empty(n, dtype=np.int64)
    start[:n_rep] = next_start[rep]
    fy = rng.choice([2027, 2028], size=n_new, p=[0.6, 0.4])
    april = np.array([_day(f"{y}-04-01") for y in (2027, 2028)], dtype=np.int64)[fy - 2027]
    new_start = np.where(rng.random(n_new) < 0.45, april,
                         _first_of_month(rng.integers(lo, hi + 1, size=n_new)))
    start[n_rep:] = np.clip(new_start, lo, hi)

    commissioner = np.empty(n, dtype=object)
    commissioner[:n_rep] = cx["commissioner"][rep]
    client = np.empty(n, dtype=object)
    client[:n_rep] = contracts["client_group"].to_numpy()[rep]
    for e in np.unique(entry[n_rep:]):
        sel = np.zeros(n, dtype=bool)
        sel[n_rep:] = entry[n_rep:] == e
        comms = CATALOGUE[e][3]
        commissioner[sel] = _pick(rng, list(comms), int(sel.sum()), p=list(comms.values()))
        client[sel] = CATALOGUE[e][2]
    commissioner[np.isin(commissioner, ["NHS", "NHS-SWK-CCG"])] = "NHS-SEL-ICB"

    value = np.empty(n, dtype=float)
    value[:n_rep] = cx["total_pence"][rep] / 100 * rng.uniform(0.85, 1.3, size=n_rep)
    value[n_rep:] = np.array([CATALOGUE[e][4] for e in entry[n_rep:]]) * rng.lognormal(0, 0.6, size=n_new)
    value = np.where(value >= 100_000, np.rint(value / 10_000) * 10_000, np.rint(value / 1_000) * 1_000)
    value = np.maximum(value, 10_000)

    supp_kind = _obj(max(CATALOGUE[e][5], key=CATALOGUE[e][5].get) for e in entry)
    route = _routes(rng, value, client, supp_kind)

    soon = start < ref + 270
    status = np.where(
        soon,
        _pick(rng, ["in procurement", "awarded", "planned", "deferred"], n, p=[0.55, 0.15, 0.25, 0.05]),
        _pick(rng, ["planned", "in procurement", "deferred", "cancelled", "awarded"], n,
              p=[0.7, 0.12, 0.1, 0.05, 0.03]),
    ).astype(object)

    title = _obj(CATALOGUE[e][0] for e in entry)
    title[:n_rep] = pd.Series(contracts["title"].to_numpy()[rep], dtype=object).str.replace(
        " (pilot)", "", regex=False).to_numpy(dtype=object)
    desc = _obj(CATALOGUE[e][1] for e in entry)
    replaces = np.full(n, "", dtype=object)
    if n_rep:
        replaces[:n_rep] = contracts["contract_id"].to_numpy()[rep]
        ends = _dates(cx["end"][rep])
        desc[:n_rep] = desc[:n_rep] + " It will replace contract " + replaces[:n_rep] + ", which ends on " + ends + "."
    if n_new:
        reason = _pick(rng, INTENTION_REASONS, n_new)
        joint = np.isin(commissioner[n_rep:], ["SWK-PCT", "NHS-SEL-ICB"])
        pooled = (reason == INTENTION_REASONS[4]) & ~joint
        reason[pooled] = _pick(rng, INTENTION_REASONS[:4] + INTENTION_REASONS[5:], int(pooled.sum()))
        desc[n_rep:] = desc[n_rep:] + " " + reason

    order = np.lexsort((rng.random(n), start))
    return pd.DataFrame(
        {
            "intention_id": "SWK-CI-" + _zfill(np.arange(1, n + 1), 4),
            "title": title[order],
            "description": desc[order],
            "commissioner_id": commissioner[order],
            "client_group": client[order],
            "estimated_value_gbp": _money(np.rint(value[order] * 100).astype(np.int64)),
            "planned_start_date": _dates(start[order]),
            "intended_route": route[order],
            "status": status[order],
            "replaces_contract_id": replaces[order],
        }
    )


# ---------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------

FINANCIAL_YEARS = ["2021-22", "2022-23", "2023-24", "2024-25", "2025-26"]


def _measurements(rng: np.random.Generator) -> pd.DataFrame:
    rows: list[tuple[str, str, str, str, str]] = []
    wards = sorted(WARDS)
    for ind in INDICATORS:
        unit, dec = ind["unit"], ind["dec"]
        season = np.array(ind.get("season", (0.0, 0.0, 0.0, 0.0)))
        nq = 4 * len(FINANCIAL_YEARS)
        t = np.arange(nq) / 4.0
        noise = np.zeros(nq)
        e = rng.normal(0.0, ind["sd"], size=nq)
        for q in range(nq):  # gentle, autocorrelated noise
            noise[q] = (0.5 * noise[q - 1] if q else 0.0) + e[q]
        level = ind["base"] + ind["trend"] * t
        if unit in ("count", "pounds", "rate per 1,000 residents"):
            q_vals = level * (1.0 + season[np.arange(nq) % 4]) + noise
        else:
            q_vals = level + season[np.arange(nq) % 4] + noise
        lo_b, hi_b = (0.0, 100.0) if unit == "percent" else (0.0, 10.0) if unit == "score out of 10" else (0.0, np.inf)
        q_vals = np.clip(np.round(q_vals, dec), lo_b, hi_b)
        target = ind["target"]
        for y, fy in enumerate(FINANCIAL_YEARS):
            qv = q_vals[4 * y:4 * y + 4]
            if ind["agg"] == "sum":
                annual = float(np.round(qv.sum(), dec))
            elif ind["agg"] == "last":
                annual = float(qv[-1])
            else:
                annual = float(np.round(qv.mean(), dec))
            t_annual = t_q = ""
            if target is not None:
                tv = target[0] + target[1] * y
                t_annual = _num(tv, dec)
                t_q = _num(tv / 4.0, dec) if ind["agg"] == "sum" else t_annual
            rows.append((ind["id"], fy, "Southwark", _num(annual, dec), t_annual))
            for q in range(4):
                rows.append((ind["id"], f"{fy} Q{q + 1}", "Southwark", _num(qv[q], dec), t_q))
            if ind["ward"]:
                sign = -1.0 if ind["hib"] else 1.0
                spread = 0.12 if unit != "score out of 10" else 0.06
                for w in wards:
                    v = annual * (1.0 + sign * spread * WARD_NEED[w]) + rng.normal(0.0, ind["sd"] * 1.5)
                    v = float(np.clip(round(v, dec), lo_b, hi_b))
                    rows.append((ind["id"], fy, w, _num(v, dec), t_annual))
    df = pd.DataFrame(rows, columns=["indicator_id", "period", "area", "value", "target"])
    return df.sort_values(["indicator_id", "period", "area"], kind="mergesort").reset_index(drop=True)


# ---------------------------------------------------------------------------
# Funding aligned to outcomes
# ---------------------------------------------------------------------------


def _alignment(rng: np.random.Generator, n: int, primary: list[list[str]], secondary: list[list[str]],
               key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row index (into the funded items) and outcome for 1-2 outcomes per item."""
    oc_ids = [o[0] for o in OUTCOMES]
    n_groups = len(primary)
    first = np.full(n, -1, dtype=np.int64)
    second = np.full(n, -1, dtype=np.int64)
    for g in range(n_groups):
        sel = key == g
        k = int(sel.sum())
        if not k:
            continue
        prim = [oc_ids.index(o) for o in primary[g]]
        sec = [oc_ids.index(o) for o in secondary[g] if o not in primary[g]]
        first[sel] = np.array(prim)[rng.integers(0, len(prim), size=k)]
        # second outcome: another primary, a listed secondary, or occasionally any other
        pool = prim + sec
        s = np.array(pool)[rng.integers(0, len(pool), size=k)]
        anyo = rng.integers(0, len(oc_ids), size=k)
        s = np.where(rng.random(k) < 0.1, anyo, s)
        second[sel] = s
    none = rng.random(n) < 0.03
    two = (rng.random(n) < 0.45) & (second != first) & (second >= 0)
    item = np.concatenate([np.nonzero(~none)[0], np.nonzero(~none & two)[0]])
    outc = np.concatenate([first[~none], second[~none & two]])
    order = np.lexsort((outc, item))
    return item[order], outc[order]


def _funding_outcomes(rng: np.random.Generator, contracts: pd.DataFrame, cx: dict,
                      grants: pd.DataFrame, prog: np.ndarray) -> pd.DataFrame:
    oc_ids = _obj(o[0] for o in OUTCOMES)
    c_item, c_oc = _alignment(rng, len(contracts), [c[7][0] for c in CATALOGUE], [c[7][1] for c in CATALOGUE],
                              cx["entry"])
    g_prim = [p["oc"][0] for p in PROGRAMMES] + [["OC3", "OC7"]]
    g_sec = [p["oc"][1] for p in PROGRAMMES] + [["OC1", "OC2", "OC4"]]
    g_item, g_oc = _alignment(rng, len(grants), g_prim, g_sec, prog)
    nc, ng = len(c_item), len(g_item)
    return pd.DataFrame(
        {
            "contract_id": np.concatenate([contracts["contract_id"].to_numpy()[c_item], np.full(ng, "", dtype=object)]),
            "grant_id": np.concatenate([np.full(nc, "", dtype=object), grants["grant_id"].to_numpy()[g_item]]),
            "outcome_id": np.concatenate([oc_ids[c_oc], oc_ids[g_oc]]),
        }
    )


# ---------------------------------------------------------------------------
# Decisions and decision links
# ---------------------------------------------------------------------------

#: The real Southwark decisions bundled with the package (see its README beside it).
REAL_DECISIONS = pathlib.Path(__file__).resolve().parent / "reference" / "southwark-decisions.csv"

DECISION_COLUMNS = [
    "decision_id", "provenance", "title", "gateway", "decision_maker", "decision_status", "key_decision",
    "reason_key", "subject_to_call_in", "decision_date", "publication_date", "effective_from", "wards_affected",
    "department", "purpose", "resolutions", "estimated_value_gbp", "value_basis", "contract_term", "client_group",
    "client_group_inferred", "source_url", "verification_note",
]
LINK_COLUMNS = ["decision_id", "contract_id", "intention_id", "programme", "gateway", "note"]

#: The decisions draw from their own generator, seeded from the main seed and this stream
#: number, so adding them left every other file byte for byte as it was.
DECISIONS_STREAM = 20161213

GATEWAY_THRESHOLD = 100_000  # Gateway decisions are made for contracts over this value
KEY_THRESHOLD = 500_000  # spending over this is a key decision
CABINET_THRESHOLD = 10_000_000  # Gateway decisions at or over this value go to Cabinet
MISSING_AWARD_SHARE = 50  # one contract over the threshold in this many has no award decision

# Illustrative decision makers: roles and bodies, never names.
CABINET_MEMBER = {
    "SWK-CFS": "Cabinet Member for Health and Wellbeing",
    "SWK-PCT": "Cabinet Member for Health and Wellbeing",
    "SWK-PH": "Cabinet Member for Health and Wellbeing",
    "SWK-HSG": "Cabinet Member for Council Homes and Homelessness",
    "SWK-ENV": "Cabinet Member for Environment and Communities",
    "SWK-RES": "Cabinet Member for Finance and Resources",
}
CHILDREN_CABINET_MEMBER = "Cabinet Member for Children, Education and Refugees"
OFFICER = {
    "SWK-CFS": "Strategic Director of Children's and Adults' Services",
    "SWK-PCT": "Strategic Director of Children's and Adults' Services",
    "SWK-PH": "Director of Public Health",
    "SWK-HSG": "Strategic Director of Housing",
    "SWK-ENV": "Strategic Director of Environment, Neighbourhoods and Growth",
    "SWK-RES": "Strategic Director of Resources",
}
NHS_COMMISSIONERS = ("NHS-SWK-CCG", "NHS-SEL-ICB")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def real_decisions() -> pd.DataFrame:
    """The bundled real decisions in the schema's columns, yes/no in lower case."""
    real = pd.read_csv(REAL_DECISIONS, dtype=str, keep_default_na=False, encoding="utf-8")
    real.insert(1, "provenance", "real")
    for column in ("key_decision", "subject_to_call_in", "client_group_inferred"):
        real[column] = real[column].str.lower()
    return real[DECISION_COLUMNS]


def _long_dates(days: np.ndarray) -> np.ndarray:
    """Day numbers as '1 April 2024'."""
    ymd = np.datetime_as_string(np.asarray(days, dtype=np.int64).astype("datetime64[D]"), unit="D")
    return _obj(f"{int(s[8:10])} {MONTHS[int(s[5:7]) - 1]} {s[:4]}" for s in ymd)


def _pounds(values: np.ndarray) -> np.ndarray:
    return _obj(f"£{v:,.0f}" if float(v).is_integer() else f"£{v:,.2f}" for v in np.asarray(values, dtype=float))


def _working_day(days: np.ndarray) -> np.ndarray:
    """The day itself, or the Friday before a weekend day."""
    wd = _weekday(days)
    return days - np.where(wd == 5, 1, np.where(wd == 6, 2, 0))


def _before(rng: np.random.Generator, days: np.ndarray, latest: int, spread: int = 240) -> np.ndarray:
    """The days, with any after `latest` moved to a random day up to `spread` days before it."""
    days = np.asarray(days, dtype=np.int64)
    return np.where(days > latest, latest - rng.integers(0, spread, size=len(days)), days)


def _term(months: np.ndarray) -> np.ndarray:
    months = np.asarray(months, dtype=np.int64)
    return np.where(months % 12 == 0, (months // 12).astype(str).astype(object) + np.where(months == 12, " year", " years"),
                    months.astype(str).astype(object) + " months").astype(object)


def _makers(commissioner: np.ndarray, client: np.ndarray, value: np.ndarray, day: np.ndarray,
            cabinet_from: float = CABINET_THRESHOLD) -> dict[str, np.ndarray]:
    """Decision maker, department, key-decision and call-in flags, status and wards for
    decisions of the given commissioners, values and dates."""
    nhs = np.isin(commissioner, NHS_COMMISSIONERS)
    member = _obj(CABINET_MEMBER.get(c, "") for c in commissioner)
    member[np.isin(commissioner, ["SWK-CFS", "SWK-PCT"]) & (client == "children and young people")] = \
        CHILDREN_CABINET_MEMBER
    officer = _obj(OFFICER.get(c, "") for c in commissioner)
    key = value > KEY_THRESHOLD
    maker = np.where(value >= cabinet_from, "Cabinet", np.where(key, member, officer)).astype(object)
    maker[nhs] = np.where(day[nhs] < _day(NHS_CHANGEOVER), "NHS Southwark Clinical Commissioning Group",
                          "NHS South East London Integrated Care Board")
    names = dict((c[0], c[1]) for c in COMMISSIONERS)
    department = _obj(names.get("SWK-CFS" if c == "SWK-PCT" else c, "") for c in commissioner)
    department[nhs] = ""
    return dict(
        decision_maker=maker,
        department=department,
        key_decision=np.where(nhs, "", _yesno(key)).astype(object),
        reason_key=np.where(key & ~nhs, "Expenditure > £500,000", "").astype(object),
        subject_to_call_in=np.where(nhs, "", _yesno(key | (maker == "Cabinet"))).astype(object),
        decision_status=np.where(nhs, "Approved", "Recommendations Approved").astype(object),
        wards_affected=np.where(nhs, "", "(All Wards)").astype(object),
    )


def _decision_rows(rng: np.random.Generator, gateway: int, day: np.ndarray, title: np.ndarray,
                   purpose: np.ndarray, resolutions: np.ndarray, value: np.ndarray, basis: str,
                   term: np.ndarray, commissioner: np.ndarray, client: np.ndarray, target: dict,
                   cabinet_from: float = CABINET_THRESHOLD) -> pd.DataFrame:
    """One illustrative decision per element, with its link (the target columns)."""
    n = len(day)
    day = _working_day(np.asarray(day, dtype=np.int64))
    made = _makers(commissioner, client, value, day, cabinet_from)
    nhs = np.isin(commissioner, NHS_COMMISSIONERS)
    published = day + np.where(nhs, rng.integers(7, 29, size=n), rng.integers(1, 4, size=n))
    published = _working_day(published) + np.where(_weekday(published) >= 5, 3, 0)  # the next Monday
    effective = published + 8  # five working days for call-in
    pence = np.rint(np.asarray(value, dtype=float) * 100).astype(np.int64)
    frame = pd.DataFrame({
        "_day": day,
        "provenance": "illustrative",
        "title": title,
        "gateway": "" if gateway < 0 else str(gateway),
        **{k: made[k] for k in ("decision_maker", "decision_status", "key_decision", "reason_key",
                                "subject_to_call_in")},
        "decision_date": _dates(day),
        "publication_date": _dates(published),
        "effective_from": _dates(effective, empty=nhs),
        "wards_affected": made["wards_affected"],
        "department": made["department"],
        "purpose": purpose,
        "resolutions": resolutions,
        "estimated_value_gbp": _money(pence),
        "value_basis": basis,
        "contract_term": term,
        "client_group": client,
        "client_group_inferred": "no",
        "source_url": "",
        "verification_note": "",
    })
    for column in ("contract_id", "intention_id", "programme"):
        frame["_" + column] = target.get(column, "")
    frame["_gateway"] = "" if gateway < 0 else str(gateway)
    frame["_note"] = target.get("note", "")
    return frame


def _decisions(seed: int, contracts: pd.DataFrame, cx: dict, orgs: pd.DataFrame, intentions: pd.DataFrame,
               grants: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The real decisions, then illustrative Gateway decisions for the contracts and
    intentions over £100,000 and decisions establishing the largest grant programmes.

    Contracts: Gateway 1 (procurement strategy) 4 to 10 months before the award, except spot
    purchases; Gateway 2 (contract award) 5 to 14 weeks before the start, except for one
    contract in MISSING_AWARD_SHARE (the data quality pages show them); Gateway 3 for extended
    contracts. Intentions: Gateway 1 when in procurement (and Gateway 0 for some over £1m),
    Gateways 1 and 2 when awarded, Gateway 0 for some planned ones over £1m. No real decision
    is linked: they concern real contracts, which are not in this fictional data.
    """
    rng = np.random.default_rng([seed, DECISIONS_STREAM])
    ref = _day(REFERENCE_DATE)
    latest = ref - 45  # decisions are published (and in effect) by the reference date
    parts: list[pd.DataFrame] = []

    # --- contracts -------------------------------------------------------
    total = cx["total_pence"] / 100
    annual = pd.to_numeric(contracts["annual_value_gbp"]).to_numpy()
    over = np.nonzero(total > GATEWAY_THRESHOLD)[0]
    missing = rng.choice(over, size=len(over) // MISSING_AWARD_SHARE, replace=False) if len(over) else over
    start, end = cx["start"], cx["end"]
    extended = cx["status"] == "extended"
    first_end = np.where(extended, _add_months(end + 1, -12) - 1, end)
    first_end = np.where(first_end > start + 180, first_end, end)
    first_value = np.where(extended & (total - annual > 0), total - annual, total)
    months = np.maximum(1, np.rint((first_end - start + 1) / 30.44)).astype(np.int64)
    titles = contracts["title"].to_numpy(dtype=object)
    lower = _obj(t[:1].lower() + t[1:] for t in titles)
    names = dict(zip(orgs["org_id"], orgs["name"]))
    supplier = _obj(names[o] for o in contracts["supplier_org_id"])
    route = contracts["procurement_route"].to_numpy(dtype=object)
    commissioner = cx["commissioner"]
    client = contracts["client_group"].to_numpy(dtype=object)
    ids = contracts["contract_id"].to_numpy(dtype=object)
    nhs = np.isin(commissioner, NHS_COMMISSIONERS)
    starts, ends = _long_dates(start), _long_dates(first_end)
    # A contract terminated early was let for longer than it ran: its term is not known here.
    early = cx["status"] == "terminated early"
    term = np.where(early, "from " + starts, _term(months) + " from " + starts).astype(object)
    to_end = np.where(early, "", " to " + ends).astype(object)

    award = start - rng.integers(35, 100, size=len(start))
    strategy = award - rng.integers(120, 300, size=len(start))

    sel = over[route[over] != "spot purchase"]
    parts.append(_decision_rows(
        rng, 1, strategy[sel],
        np.where(nhs[sel], "Procurement strategy approval: ", "Gateway 1 - Procurement Strategy Approval: ") + titles[sel],
        "To approve the procurement strategy for " + lower[sel] + ".",
        "Procurement strategy approved: " + route[sel] + " for a contract " + np.where(early[sel], "", "of ") + term[sel]
        + ", estimated total value " + _pounds(first_value[sel])
        + " | The contract award to be brought back for approval (Gateway 2)",
        first_value[sel], "estimated total contract value", term[sel], commissioner[sel], client[sel],
        {"contract_id": ids[sel]}))

    sel = np.setdiff1d(over, missing)
    parts.append(_decision_rows(
        rng, 2, award[sel],
        np.where(nhs[sel], "Contract award approval: ", "Gateway 2 - Contract Award Approval: ") + titles[sel],
        "To approve the award of the contract for " + lower[sel] + ".",
        "Contract for " + lower[sel] + " awarded to " + supplier[sel] + np.where(early[sel], " ", " for ") + term[sel] + to_end[sel]
        + ", total value " + _pounds(first_value[sel]) + " | London Living Wage and social value commitments noted",
        first_value[sel], "total contract value", term[sel], commissioner[sel], client[sel],
        {"contract_id": ids[sel]}))

    sel = over[extended[over]]
    if len(sel):
        lo = np.minimum(start[sel] + 30, latest)
        variation = _before(rng, first_end[sel] - rng.integers(60, 150, size=len(sel)), latest)
        variation = np.maximum(variation, lo)
        parts.append(_decision_rows(
            rng, 3, variation,
            np.where(nhs[sel], "Contract extension approval: ", "Gateway 3 - Variation Decision: extension of ")
            + lower[sel],
            "To approve the extension of the contract for " + lower[sel] + ".",
            "Contract for " + lower[sel] + " with " + supplier[sel] + " extended by up to 12 months to "
            + _long_dates(end[sel]) + ", at a cost of up to " + _pounds(annual[sel]),
            annual[sel], "value of the extension", _obj(["up to 12 months"] * len(sel)), commissioner[sel],
            client[sel], {"contract_id": ids[sel], "note": "Approves an extension of up to 12 months."}))

    # --- commissioning intentions ----------------------------------------
    value = pd.to_numeric(intentions["estimated_value_gbp"]).to_numpy()
    status = intentions["status"].to_numpy(dtype=object)
    i_start = (intentions["planned_start_date"].to_numpy().astype("datetime64[D]") - _EPOCH).astype(np.int64)
    i_title = intentions["title"].to_numpy(dtype=object)
    i_lower = _obj(t[:1].lower() + t[1:] for t in i_title)
    i_comm = intentions["commissioner_id"].to_numpy(dtype=object)
    i_client = intentions["client_group"].to_numpy(dtype=object)
    i_route = intentions["intended_route"].to_numpy(dtype=object)
    i_ids = intentions["intention_id"].to_numpy(dtype=object)
    i_nhs = np.isin(i_comm, NHS_COMMISSIONERS)
    n_i = len(intentions)
    big = value > GATEWAY_THRESHOLD
    awarded = big & (status == "awarded")
    procuring = big & (status == "in procurement")
    i_award = np.minimum(latest - rng.integers(0, 80, size=n_i), i_start - 60)
    i_strategy = np.where(awarded, i_award - rng.integers(120, 300, size=n_i),
                          _before(rng, i_start - rng.integers(240, 420, size=n_i), latest))
    options = np.where(procuring, i_strategy - rng.integers(90, 240, size=n_i), latest - rng.integers(0, 200, size=n_i))
    has_options = ((procuring & (rng.random(n_i) < 0.5)) | ((status == "planned") & (rng.random(n_i) < 0.4))) \
        & (value >= 1_000_000)
    i_term = "from " + _long_dates(i_start)

    sel = np.nonzero(has_options)[0]
    parts.append(_decision_rows(
        rng, 0, options[sel],
        np.where(i_nhs[sel], "Strategic options assessment: ", "Gateway 0 - Strategic Options Assessment: ") + i_title[sel],
        "To agree how " + i_lower[sel] + " should be provided " + i_term[sel] + ".",
        "Strategic options assessed; the preferred option is a " + i_route[sel]
        + " | A procurement strategy to be brought for approval (Gateway 1)",
        value[sel], "estimated total value", i_term[sel], i_comm[sel], i_client[sel], {"intention_id": i_ids[sel]}))
    sel = np.nonzero(procuring | awarded)[0]
    parts.append(_decision_rows(
        rng, 1, i_strategy[sel],
        np.where(i_nhs[sel], "Procurement strategy approval: ", "Gateway 1 - Procurement Strategy Approval: ") + i_title[sel],
        "To approve the procurement strategy for " + i_lower[sel] + ".",
        "Procurement strategy approved: " + i_route[sel] + " for a service starting " + _long_dates(i_start[sel])
        + ", estimated total value " + _pounds(value[sel])
        + " | The contract award to be brought back for approval (Gateway 2)",
        value[sel], "estimated total value", i_term[sel], i_comm[sel], i_client[sel], {"intention_id": i_ids[sel]}))
    sel = np.nonzero(awarded)[0]
    parts.append(_decision_rows(
        rng, 2, i_award[sel],
        np.where(i_nhs[sel], "Contract award approval: ", "Gateway 2 - Contract Award Approval: ") + i_title[sel],
        "To approve the award of the contract for " + i_lower[sel] + ".",
        "Contract for " + i_lower[sel] + " awarded for a start on " + _long_dates(i_start[sel]) + ", total value "
        + _pounds(value[sel]) + " | Contract details to be published once signed",
        value[sel], "total contract value", i_term[sel], i_comm[sel], i_client[sel], {"intention_id": i_ids[sel]}))

    # --- grant programmes: the decisions establishing the largest -------------
    named = grants[grants["programme"] != ""]
    amounts = pd.to_numeric(named["amount_awarded"])
    totals = amounts.groupby(named["programme"], sort=True).sum().sort_values(ascending=False, kind="mergesort")
    top = list(totals.index[:4])
    if top:
        first_award = named.groupby("programme")["award_date"].min()
        dept = dict(zip(named["programme"], named["department_id"]))
        budget = np.array([np.ceil(totals[p] / 100_000) * 100_000 for p in top])
        day = np.array([_day(first_award[p]) for p in top]) - rng.integers(30, 120, size=len(top))
        comm = _obj(dept[p] for p in top)
        officers = _obj(OFFICER.get(c, "the responsible strategic director") for c in comm)
        programme = _obj(top)
        parts.append(_decision_rows(
            rng, -1, day, programme + ": establishing the fund and its criteria",
            "To establish the " + programme + " and agree its purpose, criteria and budget.",
            "The " + programme + " established, with a budget of up to " + _pounds(budget)
            + " over its funding rounds | Funding criteria agreed | Grant awards delegated to the "
            + officers, budget, "budget over the fund's rounds", _obj([""] * len(top)), comm,
            _obj(["other"] * len(top)), {"programme": programme}, cabinet_from=1_000_000))

    # --- together: real first, then illustrative in date order --------------
    made = pd.concat(parts, ignore_index=True)
    made = made.iloc[np.lexsort((np.arange(len(made)), made["_day"].to_numpy()))].reset_index(drop=True)
    width = max(4, len(str(len(made))))
    made.insert(0, "decision_id", "ILL-DEC-" + _zfill(np.arange(1, len(made) + 1), width))
    links = pd.DataFrame({
        "decision_id": made["decision_id"],
        "contract_id": made["_contract_id"],
        "intention_id": made["_intention_id"],
        "programme": made["_programme"],
        "gateway": made["_gateway"],
        "note": made["_note"],
    })
    decisions = pd.concat([real_decisions(), made[DECISION_COLUMNS]], ignore_index=True)
    return decisions, links[LINK_COLUMNS]


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def generate(out_dir: pathlib.Path, grants: int = 1600, seed: int = 2016) -> dict[str, int]:
    """Write the twelve sample CSV files into ``out_dir`` and return row counts.

    Sizes scale with ``grants``: organisations about grants/3 (at least 10),
    contracts about grants/5 (at least 5, at most 99,999), commissioning
    intentions about grants/40 (10 to 9,999).  Wards, commissioners, outcomes,
    indicators and measurements do not depend on the size.  Decisions: the 33
    real ones, then about two or three illustrative ones per contract over
    £100,000 (see ``_decisions``), a few for intentions and grant programmes.
    """
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    n = sizes(int(grants))
    rng = np.random.default_rng(seed)

    tables: dict[str, pd.DataFrame] = {}
    tables["wards"] = _wards()
    tables["commissioners"] = _commissioners()
    orgs = _organisations(rng, n["organisations"])
    tables["organisations"] = orgs
    contracts, cx = _contracts(rng, n["contracts"], orgs)
    tables["contracts"] = contracts
    grants_df, prog = _grants(rng, n["grants"], orgs)
    tables["grants"] = grants_df
    tables["commissioning_intentions"] = _intentions(rng, n["commissioning_intentions"], contracts, cx)
    tables["outcomes"] = _outcomes()
    tables["indicators"] = _indicators()
    tables["measurements"] = _measurements(rng)
    tables["funding_outcomes"] = _funding_outcomes(rng, contracts, cx, grants_df, prog)
    # Last, from their own generator: the other files are the same with or without them.
    tables["decisions"], tables["decision_links"] = _decisions(seed, contracts, cx, orgs,
                                                               tables["commissioning_intentions"], grants_df)

    counts: dict[str, int] = {}
    for name in ("wards", "commissioners", "organisations", "contracts", "grants", "commissioning_intentions",
                 "outcomes", "indicators", "measurements", "funding_outcomes", "decisions", "decision_links"):
        _write(tables[name], out_dir / f"{name}.csv")
        counts[name] = len(tables[name])
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator.sample",
        description="Write illustrative, seeded sample data (CSV) matching the schemas in schemas/.",
    )
    parser.add_argument("--out", required=True, type=pathlib.Path, help="directory to write the CSV files into")
    parser.add_argument("--grants", type=int, default=1600, help="number of grants; other sizes scale from it")
    parser.add_argument("--seed", type=int, default=2016, help="random seed (same seed and size give identical files)")
    args = parser.parse_args(argv)
    if args.grants < 1:
        parser.error("--grants must be at least 1")
    counts = generate(args.out, grants=args.grants, seed=args.seed)
    for name, count in counts.items():
        print(f"{name}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
