"""The fast YAML writer of agency files reads back as exactly the data written."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from referral_cli.catalog import yamltext

keys = st.from_regex(r"[a-z][a-z_]{0,12}", fullmatch=True)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.text(max_size=40)
    | st.sampled_from(
        [
            "yes",
            "No",
            "null",
            "~",
            "1:20",
            "2026-11-01",
            "0x1A",
            ".inf",
            "- a",
            "a: b",
            "a #b",
            "'q'",
            '"q"',
            "  lead",
            "trail ",
            "x\u2028y",
            "\ufeffbom",
            "tab\tin",
            "Ünïcode café",
            "[x]",
            "{y}",
            "&a",
            "*b",
            "!t",
            "%p",
            "@q",
            "`r",
            "|",
            ">",
            "?",
            "",
            "?x",
            "a:",
            "a: b c",
            "x #",
            "Hours: 24/7",
            "http://x.org/a#b",
            "a\\b",
            "-",
            "0",
        ]
    )
)
data = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(keys, data, max_size=6))
def test_what_is_written_reads_back_the_same(value: dict[str, Any]) -> None:
    text = yamltext.dump(value)
    assert yaml.safe_load(text) == (value or {})


def test_an_agency_reads_as_a_person_would_write_it() -> None:
    text = yamltext.dump(
        {
            "id": "harbor",
            "services": ["food", {"id": "shelter", "forms": ["emergency"]}],
            "hours": {"regular": "Mon-Fri 09:00-17:00", "after_hours": True},
            "sites": [],
        }
    )
    assert text == (
        "id: harbor\n"
        "services:\n"
        "- food\n"
        "- id: shelter\n"
        "  forms:\n"
        "  - emergency\n"
        "hours:\n"
        "  regular: Mon-Fri 09:00-17:00\n"
        "  after_hours: true\n"
        "sites: []\n"
    )
