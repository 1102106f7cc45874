"""Bad input, tried: random damage to a valid catalog ends in a clear error or a clean load."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from referral_cli.vetting.rules import check_catalog
from tests.helpers import AGENCIES_HEAD, SERVICES, agency, write_catalog

VALID_AGENCIES = AGENCIES_HEAD + agency() + agency("pier", "Pier Project")
JUNK = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "- - -",
            "{",
            "]",
            ": :",
            "&a [*a]",
            "!!python/object/apply:os.system ['true']",
            "\x00\x1b[31m",
            "é" * 5000,
            "[" * 2000,
            "*undefined",
            "!!binary aGVsbG8=",
            "1e999",
            "null",
            "~",
            "2026-02-30",
        ]
    ),
)


@st.composite
def damaged(draw: st.DrawFn, text: str) -> str:
    """Delete, duplicate or replace a few lines, or splice junk into a value."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "replace-value", "insert"]))
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "replace-value" and ":" in lines[index]:
            key = lines[index].split(":", 1)[0]
            lines[index] = f"{key}: {draw(JUNK)}"
        else:
            lines.insert(index, draw(JUNK))
        if not lines:
            break
    return "\n".join(lines) + "\n"


def _assert_clean_outcome(root: Path) -> None:
    catalog, problems = check_catalog(root)
    assert (catalog is None) == bool(problems)
    for problem in problems:
        assert problem.file.endswith((".yaml",)) or problem.file.endswith("cat")
        assert problem.message
        assert problem.line is None or problem.line >= 1


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(agencies=damaged(VALID_AGENCIES))
def test_damaged_agencies_file_never_crashes(tmp_path: Path, agencies: str) -> None:
    _assert_clean_outcome(write_catalog(tmp_path / "cat", agencies=agencies))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(services=damaged(SERVICES))
def test_damaged_services_file_never_crashes(tmp_path: Path, services: str) -> None:
    _assert_clean_outcome(write_catalog(tmp_path / "cat", services=services))


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(junk=st.binary(max_size=300))
def test_binary_junk_is_a_clear_error(tmp_path: Path, junk: bytes) -> None:
    root = write_catalog(tmp_path / "cat")
    (root / "agencies.yaml").write_bytes(junk)
    catalog, problems = check_catalog(root)
    assert catalog is None
    assert problems and all("agencies.yaml" in p.file for p in problems)


BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    root = write_catalog(tmp_path / "cat", services=BOMB)
    catalog, problems = check_catalog(root)
    assert catalog is None
    assert "alias bomb" in problems[0].message


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 100_000 + "]" * 100_000,
        "# " + "]" * 100_000 + "\na: " + "{a: " * 50_000 + "}" * 50_000,
        "- " * 100_000 + "x",
    ],
    ids=["flow", "closers-first", "compact-dashes"],
)
def test_deep_nesting_is_refused_not_a_crash(tmp_path: Path, text: str) -> None:
    root = write_catalog(tmp_path / "cat", agencies=text)
    catalog, problems = check_catalog(root)
    assert catalog is None
    assert problems[0].message == "nested too deeply to be a catalog"


@settings(max_examples=80, deadline=None)
@given(text=st.one_of(damaged(VALID_AGENCIES), damaged(SERVICES)))
def test_fast_builder_reads_the_fuzz_corpus_as_safe_load_does(text: str) -> None:
    """The fast YAML builder either gives what PyYAML's safe loading gives for the same damaged
    file, or steps aside (the loader then falls back to PyYAML itself): never another meaning."""
    import yaml

    from referral_cli.catalog import yamlstream
    from referral_cli.catalog.yamlfile import Loader

    try:
        got = yamlstream.load(text, Loader)
    except yamlstream.Unusual:
        return
    assert got == yaml.load(text, Loader=Loader)
    assert issubclass(Loader, yaml.CSafeLoader)
