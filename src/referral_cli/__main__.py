"""`python -m referral_cli`: the same CLI where the `referral` script is not on PATH."""

from referral_cli.cli import main

main()
