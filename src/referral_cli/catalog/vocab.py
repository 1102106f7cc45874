"""The words a worker sees for catalog codes: need groups and partner sectors.

Plain data with no imports, so views can use it without loading the catalog models.
"""

GROUPS: dict[str, str] = {
    "basic-needs": "Basic needs",
    "safety-crisis": "Safety and crisis",
    "health": "Health",
    "mental-health": "Mental health",
    "housing": "Housing",
    "legal-immigration": "Legal and immigration",
    "education-work": "Education and work",
    "culture-identity": "Culture and identity",
    "family-peer": "Family and peer support",
    "navigation": "Navigation and advocacy",
}

SECTORS: dict[str, str] = {
    "anti-trafficking": "Anti-trafficking program or task force",
    "child-welfare": "Child welfare",
    "law-enforcement": "Law enforcement",
    "juvenile-justice": "Juvenile justice and probation",
    "runaway-homeless-youth": "Runaway and homeless youth",
    "sexual-assault": "Sexual assault / rape crisis",
    "domestic-violence": "Domestic violence",
    "child-advocacy-center": "Child Advocacy Center",
    "court": "Family court and juvenile judges",
    "legal-advocacy": "CASA, guardians ad litem, attorneys, public defenders",
    "behavioral-health": "Behavioural and mental health",
    "health": "Health, public health, hospitals, urgent care",
    "housing": "Housing, shelters and youth services",
    "labor-employment": "Labour and employment",
    "education": "Education (schools, counsellors)",
    "immigrant-serving": "Immigrant and refugee services",
    "survivor-led": "Survivor-led groups and youth advisory boards",
    "caregivers": "Caregivers and foster families",
    "faith-based": "Faith-based organisations",
    "community": "Community members (business, hospitality, transport)",
}
