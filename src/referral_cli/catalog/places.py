"""Where a catalog lives and what its files are called (standard library only)."""

from __future__ import annotations

import os
from pathlib import Path

SERVICES_FILE = "services.yaml"
AGENCIES_FILE = "agencies.yaml"
AGENCY_DIR = "agencies"  # the files layout: one agency per file, agencies/<id>.yaml
VETTINGS_DIR = "vettings"


def default_data_dir() -> Path:
    """The shipped example catalog: package data when installed, the repo's data/ otherwise."""
    here = Path(__file__).resolve().parents[1]  # the package folder
    packaged = here / "data"
    return packaged if packaged.is_dir() else here.parents[1] / "data"


def is_packaged(root: Path) -> bool:
    """True for the example catalog shipped inside an installed wheel: never write there."""
    return root.resolve() == (Path(__file__).resolve().parents[1] / "data")


def resolve_data_dir(option: Path | None) -> Path:
    """`--data`, then `REFERRAL_DATA`, then the shipped example catalog."""
    if option is not None:
        return option
    env = os.environ.get("REFERRAL_DATA")
    return Path(env) if env else default_data_dir()
