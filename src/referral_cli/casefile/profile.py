"""The worker's own profile: set once, used by every session and every packet.

It holds the worker's details, never a youth's: the agency packet needs someone to call back,
and the youth card a first name and a phone, without the worker typing them each session.
Kept as plain JSON in the case-file folder, owner-only (0600), written atomically.
"""

from __future__ import annotations

import json

from pydantic import Field, ValidationError

from referral_cli.casefile.files import atomic_write_text, home_dir, private_home
from referral_cli.catalog.models import Email, Model, Phone
from referral_cli.errors import ReferralError

PROFILE_FILE = "profile.json"


class WorkerProfile(Model):
    """Who the worker is, as a receiving agency and the youth need to reach them."""

    name: str = Field(min_length=1, max_length=100)
    program: str = Field(min_length=1, max_length=200)
    phone: Phone
    email: Email | None = None

    @property
    def first_name(self) -> str:
        """What the youth card prints: the first word of the name only."""
        return self.name.split()[0] if self.name.split() else ""


def profile_path() -> str:
    """Where the profile lives (shown to the worker, so it is a string)."""
    return str(home_dir() / PROFILE_FILE)


def load_profile() -> WorkerProfile | None:
    """The saved profile, or None when the worker has not set one yet."""
    path = home_dir() / PROFILE_FILE
    if not path.exists():
        return None
    try:
        return WorkerProfile.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError):
        raise ReferralError(
            f"The worker profile {path} cannot be read. Set it again with: referral profile"
        ) from None


def save_profile(profile: WorkerProfile) -> None:
    """Write the profile owner-only, atomically."""
    folder = private_home()  # refused, never chmod'ed, if it holds other files
    atomic_write_text(folder / PROFILE_FILE, profile.model_dump_json(indent=2) + "\n")
