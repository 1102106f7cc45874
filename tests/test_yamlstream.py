"""The event-by-event YAML builder gives exactly what `yaml.load` gives, or steps aside."""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from referral_cli.catalog import yamlstream
from referral_cli.catalog.yamlfile import Loader as _Loader

# Plain scalars whose meaning YAML 1.1 (PyYAML) decides by their look.
TRICKY = [
    "yes", "no", "on", "off", "True", "NULL", "~", "", "0o17", "017", "0x1F", "1_000",
    "+12", "-0", "1e3", "1.5e-3", ".inf", "-.Inf", ".nan", "2026-01-01", "12:30:00",
    "190:20:30", "0b1010", "=", "<<", "- x", "a: b", "#not", "'q'", '"dq"', "é ü", "\t",
]  # fmt: skip


def both(text: str) -> tuple[Any, Any]:
    """The builder's answer (or Unusual) and yaml.load's, with NaN made comparable."""
    try:
        expected: Any = _canon(yaml.load(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        expected = type(exc)
    try:
        got: Any = _canon(yamlstream.load(text, _Loader))
    except yamlstream.Unusual:
        got = yamlstream.Unusual
    return got, expected


def _canon(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, dict):
        return {_canon(k): _canon(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canon(v) for v in value]
    return value


scalars = st.one_of(
    st.sampled_from(TRICKY),
    st.text(max_size=12),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
)
data = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.one_of(st.sampled_from(TRICKY), st.text(max_size=8)), inner, max_size=4
        )
    ),
    max_leaves=20,
)


@given(data, st.booleans(), st.sampled_from([None, '"', "'"]), st.booleans())
def test_same_result_as_yaml_load_for_dumped_data(
    value: Any, flow: bool, style: str | None, unicode: bool
) -> None:
    text = yaml.safe_dump(
        value, default_flow_style=flow, default_style=style, allow_unicode=unicode
    )
    got, expected = both(text)
    assert got == expected


@given(st.lists(st.sampled_from(TRICKY), min_size=1, max_size=6))
def test_same_meaning_of_plain_scalars_as_yaml_load(words: list[str]) -> None:
    # written by hand, unquoted, as a worker would type them into a catalog
    lines = [f"k{i}: {w}" for i, w in enumerate(words)] + [f"- {w}" for w in words[:1]]
    for text in ("\n".join(lines[:-1]), "\n".join(f"- {w}" for w in words)):
        got, expected = both(text)
        assert got in (expected, yamlstream.Unusual)
        if expected is not yaml.YAMLError and not isinstance(expected, type):
            assert got == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("# only a comment\n", None),
        ("a: !!str 12\nb: !!int '7'\n", {"a": "12", "b": 7}),
        ("a: !!binary aGk=\n", {"a": b"hi"}),
        ("when: 2026-01-01\n", {"when": "2026-01-01"}),  # the catalog keeps dates as text
        ("[1, {b: [c, ~]}]\n", [1, {"b": ["c", None]}]),
    ],
)
def test_builds_plain_documents(text: str, expected: Any) -> None:
    assert yamlstream.load(text, _Loader) == expected == yaml.load(text, Loader=_Loader)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [1]\nb: *x\n",  # aliases share one object: left to yaml.load
        "base: &b {x: 1}\nc:\n  <<: *b\n",  # merge keys
        "s: !!set {a, b}\n",  # explicit collection tags
        "o: !!omap [a: 1]\n",
        "? [a, b]\n: c\n",  # an unhashable key: yaml.load gives the error
        "a: !custom x\n",  # an unknown tag: yaml.load gives the error
        "a: 1\na: 2\n",  # a duplicate key: the loader's error names both lines
        "a: 1\n---\nb: 2\n",  # two documents
        "a: [1\n",  # a syntax error: yaml.load gives it with its line
        "a: 1\n b: 2\n",
    ],
)
def test_steps_aside_for_everything_else(text: str) -> None:
    with pytest.raises(yamlstream.Unusual):
        yamlstream.load(text, _Loader)
