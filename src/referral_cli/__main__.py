"""The `referral` command, and `python -m referral_cli` where the script is not on PATH.

A warm `show`, `vet` or `agencies --service` is answered by `commands.hotpath` before typer
is imported (it is most of their start-up); every other command line goes to `cli.main`.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Console-script entry point."""
    from referral_cli.commands.hotpath import answer

    try:
        if answer(sys.argv[1:]):
            return
    except KeyboardInterrupt:  # as the CLI (click) says it
        print("\nAborted!", file=sys.stderr)
        sys.exit(1)
    except BrokenPipeError:  # output piped into `head`: as click, stop quietly with status 1
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    from referral_cli.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
