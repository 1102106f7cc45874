"""Which catalog agency each HSDS organization is: ids that stay with their organization.

An imported agency keeps the source's id and name (`source:` in agencies.yaml), and a
re-import matches on it, so two organizations both named "Salvation Army" keep their own
ids whatever order the next export lists them in. A new organization never takes the id of
an agency the catalog already has. Agencies imported before ids were kept, or written by
hand, have no source id: they are matched by id and name, and when that cannot tell two
organizations apart and a vetting is at stake, the import refuses unless told.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from referral_cli.catalog.contents import Catalog
from referral_cli.catalog.models import Agency, ImportSource
from referral_cli.catalog.places import AGENCIES_FILE, AGENCY_DIR
from referral_cli.hsds.results import ImportedAgency


@dataclass
class Identities:
    """The ids an import gives, and the matches a person must confirm."""

    by_source: dict[str, str]
    existing: dict[str, Agency]
    vetted: set[str]
    taken: set[str] = field(default_factory=set)
    conflicts: list[str] = field(default_factory=list)
    root: Path | None = None

    def file_of(self, ident: str) -> str:
        """The file that holds an agency: agencies/<id>.yaml in the files layout, where a
        coordinator adds the `source:` that settles a conflict, else agencies.yaml."""
        root = self.root or Path()
        own = root / AGENCY_DIR / f"{ident}.yaml"
        return str(own if own.is_file() else root / AGENCIES_FILE)

    @classmethod
    def of(cls, catalog: Catalog | None) -> Identities:
        """The catalog's agencies, indexed by the source ids they keep."""
        existing = dict(catalog.agencies) if catalog is not None else {}
        by_source = {a.source.id: a.id for a in existing.values() if a.source is not None}
        vetted = {i for i, v in (catalog.vettings if catalog else {}).items() if v}
        return cls(
            by_source, existing, vetted, set(existing), root=catalog.root if catalog else None
        )

    def fresh(self, base: str) -> str:
        """base, or base-2, base-3...: never an id the catalog or this import already has."""
        ident, n = base, 2
        while ident in self.taken:
            ident, n = f"{base}-{n}", n + 1
        self.taken.add(ident)
        return ident


def _legacy(ids: Identities, item: ImportedAgency) -> list[str]:
    """Agencies without a source id that this organization could be, by id or name."""
    base, name = item.agency.id, item.agency.name.casefold()
    return [
        a.id
        for a in ids.existing.values()
        if a.source is None
        and a.id not in ids.by_source.values()
        and (a.id == base or (a.name.casefold() == name and a.id.startswith(base)))
    ]


def assign(items: list[ImportedAgency], catalog: Catalog | None) -> list[str]:
    """Give every imported agency its id; return the matches that could move a vetting."""
    ids = Identities.of(catalog)
    claims: dict[str, list[ImportedAgency]] = {}
    pending: list[ImportedAgency] = []
    for item in items:
        known = ids.by_source.get(item.hsds_id) if item.hsds_id else None
        if known is not None:
            _give(item, known, ids)
        elif item.claimed:
            owner = ids.existing.get(item.claimed)
            if owner is not None and owner.source is not None and owner.source.id != item.hsds_id:
                ids.conflicts.append(
                    f"'{item.agency.name}' (source id {item.hsds_id}) names agency "
                    f"{item.claimed}, which is source id {owner.source.id} "
                    f"(in {ids.file_of(item.claimed)})"
                )
            _give(item, item.claimed, ids)
        else:
            pending.append(item)
            for candidate in _legacy(ids, item):
                claims.setdefault(candidate, []).append(item)
    matched: dict[int, str] = {}
    for candidate, wanting in claims.items():
        free = [w for w in wanting if id(w) not in matched]
        if not free:
            continue
        if len(wanting) > 1 and candidate in ids.vetted:
            ids.conflicts.append(
                f"agency {candidate} (vetted) has no source id, and "
                + " and ".join(f"'{w.agency.name}' (source id {w.hsds_id})" for w in wanting)
                + f" all match it by name; which one it is cannot be told "
                f"(in {ids.file_of(candidate)})"
            )
        matched[id(free[0])] = candidate
    for item in pending:
        if id(item) in matched:
            _give(item, matched[id(item)], ids)
        else:
            _give(item, ids.fresh(item.agency.id), ids, new=True)
    return ids.conflicts


def _give(item: ImportedAgency, ident: str, ids: Identities, *, new: bool = False) -> None:
    """Set the agency's id and keep the source's id and name on it."""
    ids.taken.add(ident)
    source = item.agency.source
    if item.hsds_id and not item.claimed:
        if source is None or source.id != item.hsds_id:  # else: as our own export carried it
            source = ImportSource(id=item.hsds_id, name=item.agency.name)
    elif ident in ids.existing and not new:
        source = ids.existing[ident].source
    # set in place (the agency is the import's own): a copy of each of 25,000 agencies
    # held 28 MB more while the import ran
    item.agency.id = ident
    item.agency.source = source
