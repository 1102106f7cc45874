"""`referral profile`: the worker's name, program, phone and e-mail, set once.

Every session takes the worker and program from here instead of asking, and every agency
packet and youth card takes the callback phone from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from referral_cli.casefile.profile import WorkerProfile


def profile(
    name: Annotated[str | None, typer.Option("--name", metavar="NAME", help="Your name.")] = None,
    program: Annotated[
        str | None, typer.Option("--program", metavar="PROGRAM", help="Your program.")
    ] = None,
    phone: Annotated[
        str | None,
        typer.Option(
            "--phone", metavar="PHONE", help="A phone an agency or the youth can call you on."
        ),
    ] = None,
    email: Annotated[
        str | None,
        typer.Option("--email", metavar="EMAIL", help="E-mail (optional; '' removes it)."),
    ] = None,
    show: Annotated[bool, typer.Option("--show", help="Only print the saved profile.")] = False,
) -> None:
    """Set your worker profile once: name, program, phone, e-mail, used by every session.

    With options, changes just those fields. Without, asks for each (Enter keeps the value
    shown). Stored in the case-file folder, readable by you only.
    """
    from pydantic import ValidationError

    from referral_cli.casefile.profile import (
        WorkerProfile,
        load_profile,
        profile_path,
        save_profile,
    )
    from referral_cli.errors import ReferralError

    current = load_profile()
    if show:
        if current is None:
            raise ReferralError("No worker profile yet. Set it with: referral profile")
        typer.echo(_describe(current))
        return
    given = {"name": name, "program": program, "phone": phone, "email": email}
    values = dict(current.model_dump()) if current else {}
    if any(v is not None for v in given.values()):
        values.update({k: v for k, v in given.items() if v is not None})
    else:
        values = _ask(values)
    values["email"] = values.get("email") or None
    try:
        saved = WorkerProfile.model_validate(values)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err["loc"]) or "profile"
        missing = " (give it with --" + field + ")" if err["type"] == "missing" else ""
        raise ReferralError(f"Worker profile: {field} {err['msg'].lower()}{missing}.") from None
    save_profile(saved)
    typer.echo(_describe(saved))
    typer.echo(f"Saved to {profile_path()} (readable by you only).")


def _ask(values: dict[str, object]) -> dict[str, object]:
    """Each field through the one prompt layer; Enter keeps the value shown."""
    from referral_cli.prompt.asker import Asker

    asker = Asker()
    out = dict(values)
    questions = {
        "name": "Your name (agencies see it; the youth card shows the first name)",
        "program": "Your program",
        "phone": "A phone agencies and the youth can reach you on",
        "email": "E-mail (optional)",
    }
    for key, question in questions.items():
        now = str(values.get(key) or "")
        out[key] = asker.text(f"worker.{key}", question, now if now or key == "email" else None)
    return out


def _describe(profile: WorkerProfile) -> str:
    from referral_cli.text import one_line

    rows = [
        ("Name", profile.name),
        ("Program", profile.program),
        ("Phone", profile.phone),
        ("E-mail", profile.email or "-"),
    ]
    return "\n".join(f"{label}: {one_line(value)}" for label, value in rows)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("profile")(profile)
