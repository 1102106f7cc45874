"""Who runs the session: from the worker profile when one is set, else asked as before.

Kept apart from the opening step so that the profile's use is one call there.
"""

from __future__ import annotations

from referral_cli.casefile.profile import load_profile
from referral_cli.session.steps.context import Context


def identity(ctx: Context) -> dict[str, str]:
    """The worker's fields for a new Session: name, program, phone, e-mail."""
    profile = load_profile()
    if profile is not None:
        ctx.echo(f"Worker: {profile.name}, {profile.program} (from your profile)")
        return {
            "worker": profile.name,
            "program": profile.program,
            "worker_phone": profile.phone,
            "worker_email": profile.email or "",
        }
    worker = ctx.asker.text("opening.worker", "Your name or initials")
    program = ctx.asker.text("opening.program", "Your program")
    ctx.echo("Tip: set `referral profile` once, so agencies get your phone to call back.")
    return {"worker": worker, "program": program}
