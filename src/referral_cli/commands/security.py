"""`referral init` (passphrase, retention) and `referral audit` (what happened to case files).

Thin like the other command modules: crypto, retention and the store are imported inside the
command bodies so `referral --help` does not load `cryptography`.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from referral_cli.commands.common import DataFormat, DataFormatOption
from referral_cli.console import tty_width
from referral_cli.text import fit

NEW_PASSPHRASE_ENV = "REFERRAL_NEW_PASSPHRASE"


def set_up_encryption(retention_days: int | None = None) -> None:
    """First-time setup: choose the passphrase that encrypts case files, and retention."""
    from referral_cli.casefile import audit, crypto, retention
    from referral_cli.casefile.files import home_dir, private_home

    private_home()  # a folder holding other files is refused before anything is asked
    if retention_days is not None:
        retention.set_retention_days(retention_days)  # check the number before the key
    width = tty_width()
    typer.echo(fit(f"Case files will be kept encrypted in {home_dir()}.", width))
    if os.environ.get(crypto.PASSPHRASE_ENV):
        typer.echo(fit(f"The passphrase is taken from ${crypto.PASSPHRASE_ENV}.", width))
    else:
        typer.echo(
            fit(
                "Choose a passphrase. Nobody can recover it: if it is lost, the case files"
                " are gone.",
                width,
            )
        )
    secret = crypto.check_new_passphrase(crypto.passphrase(confirm=True))
    crypto.create_key(secret)
    if retention_days is None:
        retention.set_retention_days(retention.DEFAULT_DAYS)
    audit.record("init")
    typer.echo(f"Encryption is set up ({crypto.key_path()}, readable by you only).")


def init(
    retention_days: Annotated[
        int | None,
        typer.Option(
            "--retention-days",
            metavar="DAYS",
            help="Delete closed sessions this many days after they closed (default 90).",
            show_default=False,
        ),
    ] = None,
    change_passphrase: Annotated[
        bool,
        typer.Option(
            "--change-passphrase",
            help="Change the passphrase (asks for the current one, then the new one twice).",
        ),
    ] = False,
) -> None:
    """Set up encryption of case files with a passphrase, and how long closed cases are kept.

    Run once before the first session. A lost passphrase cannot be recovered: the case files
    are then gone for good. Run again to change the retention period or the passphrase.
    """
    from referral_cli.casefile import audit, crypto, retention
    from referral_cli.casefile.store import migrate_plaintext

    if not crypto.is_set_up():
        if change_passphrase:
            raise crypto.NotSetUp("Nothing to change yet: run `referral init` first.")
        set_up_encryption(retention_days)
    else:
        audit.unlock()  # every change below needs the passphrase
        if change_passphrase:
            new = os.environ.get(NEW_PASSPHRASE_ENV) or typer.prompt(
                "New passphrase", hide_input=True, confirmation_prompt=True
            )
            crypto.rewrap(crypto.passphrase(), new)
            audit.record("passphrase-changed")
            typer.echo("Passphrase changed. The old one no longer opens the case files.")
        if retention_days is not None:
            retention.set_retention_days(retention_days)
        info = crypto.describe()
        typer.echo(f"Encryption is set up since {info['created']} ({crypto.key_path()}).")
    migrated, left = migrate_plaintext()
    if migrated:
        typer.echo(f"Encrypted {len(migrated)} earlier session(s): {', '.join(migrated)}.")
    if left:
        typer.echo(
            f"Left alone (unreadable, not encrypted): {', '.join(left)}. "
            + ("Check it, then delete it." if len(left) == 1 else "Check them, then delete them."),
            err=True,
        )
    days = retention.retention_days()
    typer.echo(
        f"Closed sessions are deleted {days} days after they close "
        "(change with: referral init --retention-days N)."
    )


def audit_log(
    case: Annotated[
        str | None,
        typer.Option(
            "--case",
            metavar="REF",
            help="Only events about this case reference.",
            show_default=False,
        ),
    ] = None,
    fmt: DataFormatOption = DataFormat.TEXT,
    reseal: Annotated[
        bool,
        typer.Option(
            "--reseal",
            help="After damage was reported and every consent checked with the youth: "
            "start a new chain so agency exports work again.",
        ),
    ] = False,
) -> None:
    """The audit log: when sessions were created, exported, revoked, purged. Never content.

    The log names cases by a keyed pseudonym; with the passphrase, cases that still exist
    are shown by reference, and --case finds a purged case's events too. Its entries are
    chained: if one was edited or deleted, or the end cut off, this says so.
    """
    import json

    from referral_cli.casefile import audit, crypto
    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import check_reference, list_sessions

    case_command_startup()
    key = audit.unlock()
    problem = audit.ledger(key).problem
    if reseal:
        if problem is None:
            typer.echo("The audit log is intact: nothing to reseal.")
            return
        audit.record(audit.RESEALED)
        typer.echo(
            f"Resealed the audit log (it was damaged: {problem}). Every revocation it holds "
            "still counts; agency exports work again."
        )
        return
    if problem is not None:
        typer.echo(
            f"Warning: the audit log is damaged ({problem}): a revocation may be missing, so "
            "nothing is shared with agencies. Restore it from a backup, or check every "
            "consent with the youth and run `referral audit --reseal`.",
            err=True,
        )
    names = {crypto.pseudonym(key, s.reference): s.reference for s in list_sessions()}
    wanted = None
    if case is not None:
        ref = check_reference(case)
        wanted = crypto.pseudonym(key, ref)
        names.setdefault(wanted, ref)
    events = [e for e in audit.read() if wanted is None or e.get("case") == wanted]
    rows = [
        {
            "at": str(e.get("at", "")),
            "event": e["event"],
            "case": names.get(str(e.get("case")), e.get("case")) if e.get("case") else None,
        }
        for e in events
    ]
    if fmt is DataFormat.JSON:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo("No events recorded.")
        return
    from referral_cli.text import one_line

    for row in rows:  # the log is only owner-writable, but print it as untrusted text anyway
        what = audit.EVENTS.get(row["event"], row["event"])
        parts = [row["at"], what, *([row["case"]] if row["case"] else [])]
        typer.echo("  ".join(one_line(str(part)) for part in parts))


def register(app: typer.Typer) -> None:
    """Add `init` and `audit` to the root app."""
    app.command("init")(init)
    app.command("audit")(audit_log)
