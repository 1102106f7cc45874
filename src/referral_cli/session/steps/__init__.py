"""One module per session step (or phase), each readable alone.

Every step is a function `run(ctx) -> str | None`: it asks its questions through `ctx.asker`,
records the answers on `ctx.s`, and returns a no-referral reason when the session cannot go
on (or None to go to the next step). flow.py runs them in order and saves between them.
"""
