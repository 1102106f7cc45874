"""What an HSDS import found and did: per organization, per service, for the summary and JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from referral_cli.catalog.models import Agency
from referral_cli.hsds.mapping import HsdsProblem


@dataclass(slots=True)  # 50,000 of them in a large import
class ServiceLine:
    """One HSDS service and what it became (our service ids, or nothing)."""

    name: str
    mapped: list[str]
    because: list[str]
    skipped: str = ""
    why_not: str = ""  # why it maps to nothing: a negative cue, or the mapping is unsure


@dataclass(slots=True)
class ImportedAgency:
    """One organization turned into an agency, with what a coordinator must check."""

    agency: Agency
    hsds_id: str
    where: str
    claimed: str = ""  # the agency id our own export carried (x_referral.agency_id)
    review: list[str] = field(default_factory=list)
    assumed: list[tuple[str, ...]] = field(default_factory=list)
    services: list[ServiceLine] = field(default_factory=list)
    unknown_languages: list[str] = field(default_factory=list)
    defaulted: list[str] = field(default_factory=list)  # review notes about defaulted fields
    action: str = "new"  # new | updated | unchanged


@dataclass(slots=True)
class Unimported:
    """An organization left out because none of its services maps to ours."""

    name: str
    where: str
    services: list[ServiceLine]


@dataclass
class ImportResult:
    """Everything `import-hsds` did or would do, for the summary and --format json."""

    source: str
    target: str
    mapping: str
    agencies: list[ImportedAgency] = field(default_factory=list)
    unmapped_orgs: list[Unimported] = field(default_factory=list)
    problems: list[HsdsProblem] = field(default_factory=list)
    skipped_invalid: list[str] = field(default_factory=list)
    id_conflicts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    new_languages: dict[str, str] = field(default_factory=dict)  # added to services.yaml
    review_files: list[str] = field(default_factory=list)
    read_as: str = ""  # "Read an HSDS 1.x tabular package: 14 organizations, 17 services"
    backup: str | None = None
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Machine-readable summary."""
        return {
            "source": self.source,
            "read_as": self.read_as,
            "target": self.target,
            "mapping": self.mapping,
            "dry_run": self.dry_run,
            "agencies": [
                {
                    "id": a.agency.id,
                    "name": a.agency.name,
                    "source_id": a.hsds_id,
                    "action": a.action,
                    "needs_review": a.review,
                    "services": [
                        {
                            "hsds": s.name,
                            "mapped": s.mapped,
                            "because": s.because,
                            "skipped": s.skipped,
                            "why_not": s.why_not,
                        }
                        for s in a.services
                    ],
                    "unknown_languages": a.unknown_languages,
                }
                for a in self.agencies
            ],
            "not_imported_unmapped": [
                {"name": u.name, "where": u.where, "services": [s.name for s in u.services]}
                for u in self.unmapped_orgs
            ],
            "unmapped_services": self.unmapped_services(),
            "problems": [p.as_dict() for p in self.problems],
            "skipped_invalid": self.skipped_invalid,
            "id_conflicts": self.id_conflicts,
            "warnings": self.warnings,
            "notes": self.notes,
            "new_languages": self.new_languages,
            "written": self.written,
            "review_files": self.review_files,
            "backup": self.backup,
        }

    def unmapped_services(self) -> list[str]:
        """HSDS service names that mapped to nothing, once each, for the mapping file."""
        names: dict[str, None] = {}
        items: list[ImportedAgency | Unimported] = [*self.agencies, *self.unmapped_orgs]
        for item in items:
            for line in item.services:
                if not line.mapped and not line.skipped:
                    names[line.name] = None
        return list(names)
