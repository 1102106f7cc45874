"""The shipped mapping on real service names: right when it maps, unmapped when unsure.

The names are service names as public directories write them (the San Francisco 211 HSDS
export the coalition tried, Open Referral's sample directories, typical 211 listings).
A wrong mapping is worse than none: a youth could be sent to a "legal clinic" for a medical
need. So every name must map exactly as labelled, and the ones labelled () must stay unmapped.
"""

from __future__ import annotations

import pytest
import yaml

from referral_cli.catalog.load import default_data_dir
from referral_cli.hsds.mapping import Mapping, load_mapping

LABELLED: list[tuple[str, tuple[str, ...]]] = [
    # the cases the issue reported
    ("Runaway and Homeless Youth Shelters", ("emergency-shelter",)),
    ("Trafficking survivors assistance project", ("anti-trafficking-services",)),
    ("T-Visa applications", ("immigration-legal",)),
    ("Opioid Detoxification", ("substance-use-treatment",)),
    ("Cold Weather Shelters/Warming Centers", ("emergency-shelter",)),
    ("Legal Clinic", ("legal-civil",)),
    ("Immigration Legal Clinic", ("immigration-legal",)),
    ("Career Counseling", ("job-training-placement",)),
    ("Tenant Rights Information/Counseling", ()),
    ("Homeless Shelter Volunteer Opportunities", ()),
    ("Donations of Animal Food", ()),
    ("Rooms for Rent", ()),
    # basic needs
    ("Food Pantry", ("food",)),
    ("Hot Meals", ("food",)),
    ("Soup Kitchens", ("food",)),
    ("Emergency Food Boxes", ("food",)),
    ("Clothing Closet", ("clothing",)),
    ("Bus Passes", ("transportation",)),
    ("Child Care Subsidies", ("child-dependent-care",)),
    ("Parenting Classes", ("child-dependent-care",)),
    ("Diaper Bank", ("child-dependent-care",)),
    # safety and crisis
    ("24 Hour Crisis Line", ("crisis-intervention",)),
    ("Crisis Counseling", ("crisis-intervention",)),
    ("Safety Planning", ("safety-planning",)),
    ("Anti-Trafficking Hotline", ("anti-trafficking-services",)),
    ("Human Trafficking Case Management", ("anti-trafficking-services", "case-management")),
    ("Domestic Violence Shelters", ("domestic-violence-services", "emergency-shelter")),
    ("Rape Crisis Counseling", ("sexual-assault-services", "counselling-therapy")),
    ("Sexual Assault Nurse Examiner (SANE) Exams", ("sexual-assault-services",)),
    ("Forensic Interviews", ("child-advocacy-center",)),
    ("Victim Services", ("victim-advocacy",)),
    # health
    ("Primary Care", ("medical-care",)),
    ("Community Health Clinic", ("medical-care",)),
    ("Free Medical Clinic", ("medical-care",)),
    ("Hospital Emergency Room", ("medical-care",)),
    ("STI Testing", ("reproductive-health",)),
    ("Prenatal Care", ("reproductive-health",)),
    ("Dental Care", ("dental-care",)),
    ("Mental Health Services", ("mental-health-care",)),
    ("Mental Health Care", ("mental-health-care",)),
    ("Individual Therapy", ("counselling-therapy",)),
    ("Grief Counselling", ("counselling-therapy",)),
    ("Substance Abuse Treatment", ("substance-use-treatment",)),
    ("Alcohol and Drug Outpatient Programs", ("substance-use-treatment",)),
    ("Detox", ("substance-use-treatment",)),
    ("Harm Reduction Supplies", ("substance-use-treatment",)),
    # housing
    ("Youth Shelter", ("emergency-shelter",)),
    ("Women's Shelter", ("emergency-shelter",)),
    ("Transitional Living Program for Youth", ("transitional-housing",)),
    ("Transitional Housing for Youth", ("transitional-housing",)),
    ("Host Homes for LGBTQ Youth", ("transitional-housing", "lgbtq-services")),
    ("Permanent Supportive Housing", ("permanent-housing",)),
    ("Rapid Rehousing", ("permanent-housing",)),
    ("Shelter Plus Care", ("permanent-housing",)),
    # legal
    ("Expungement Assistance", ("legal-criminal",)),
    ("Public Defender", ("legal-criminal",)),
    ("Restraining Order Assistance", ("legal-civil",)),
    ("Legal Aid for Domestic Violence Survivors", ("legal-civil", "domestic-violence-services")),
    ("Transgender Legal Services", ("lgbtq-services", "legal-civil")),
    ("U Visa Certification", ("immigration-legal",)),
    ("Asylum Applications", ("immigration-legal",)),
    # education, work, money
    ("GED Preparation", ("education-ged",)),
    ("ESL Classes", ("esl-classes",)),
    ("English as a Second Language", ("esl-classes",)),
    ("Job Training", ("job-training-placement",)),
    ("Resume Help", ("job-training-placement",)),
    ("Financial Literacy Workshops", ("financial-literacy",)),
    ("Credit Counseling", ("financial-literacy",)),
    ("SNAP Application Assistance", ("public-benefits",)),
    ("CalFresh Enrollment", ("public-benefits",)),
    ("Food Stamps", ("public-benefits",)),
    ("WIC", ("public-benefits",)),
    # navigation and identity
    ("Interpretation Services", ("translation-interpretation",)),
    ("LGBTQ+ Youth Drop-In", ("lgbtq-services",)),
    ("Support Groups", ("peer-support",)),
    ("Case Management", ("case-management",)),
    ("Birth Certificates", ("identification-documents",)),
    # must stay unmapped: not a service for a youth, or too vague to guess
    ("Volunteer Income Tax Assistance", ()),
    ("Pet Food Pantry", ()),
    ("Animal Shelter", ()),
    ("Shelter Pet Adoption", ()),
    ("Blood Drive Volunteers", ()),
    ("Clinic", ()),
    ("Support Services", ()),
    ("Information and Referral", ()),
    ("Tax Preparation", ()),
    ("Utility Bill Assistance", ()),
    ("Thrift Store", ()),
    ("Housing Counseling", ()),
    ("Street Outreach", ()),
    ("Advocacy", ()),
    ("Drop-in Center for Homeless Youth", ()),
]


@pytest.fixture(scope="module")
def mapping() -> Mapping:
    services = yaml.safe_load((default_data_dir() / "services.yaml").read_text())["services"]
    return load_mapping(None, {s["id"] for s in services}, set())


def test_the_table_is_big_enough_and_has_names_that_must_stay_unmapped() -> None:
    assert len(LABELLED) >= 60
    assert sum(1 for _, ids in LABELLED if not ids) >= 15


@pytest.mark.parametrize(("name", "expected"), LABELLED, ids=[n for n, _ in LABELLED])
def test_each_real_service_name_maps_as_labelled(
    mapping: Mapping, name: str, expected: tuple[str, ...]
) -> None:
    outcome = mapping.outcome([name], [])
    assert sorted(m.target for m in outcome.matches) == sorted(expected)


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("Homeless Shelter Volunteer Opportunities", "not a service for a youth"),
        ("Clinic", "unsure: 'clinic' alone could mean several services"),
        ("Housing Counseling", "since 'housing' in 'Housing Counseling' suggests another kind"),
    ],
)
def test_an_unmapped_name_says_why(mapping: Mapping, name: str, why: str) -> None:
    assert why in mapping.outcome([name], []).why_not


def test_code_patterns_for_a_licensed_taxonomy(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "mine.yaml"
    path.write_text('services:\n  emergency-shelter:\n    terms: ["BH-1800.8500*"]\n')
    mine = load_mapping(path, {"emergency-shelter"}, set())
    found = mine.outcome(["Night program"], [("BH-1800.8500-800", "Youth Shelters")])
    assert [m.target for m in found.matches] == ["emergency-shelter"]
    assert mine.outcome(["Night program"], [("BH-1800.1500", "x")]).matches == []


def test_sector_comes_from_the_services_as_a_whole(mapping: Mapping) -> None:
    found, tied = mapping.sector_for(
        ["Bayview Community Services"],
        ["Legal Clinic", "Immigration Legal Clinic", "Free Medical Clinic"],
    )
    assert found is not None and found.target == "legal-advocacy"
    none, tied = mapping.sector_for(["Harbor Services"], ["Legal Clinic", "Free Medical Clinic"])
    assert none is None and tied == "health and legal-advocacy"
