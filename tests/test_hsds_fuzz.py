"""Bad input, tried on HSDS imports: damaged JSON and CSV packages end in a clear error or a
clean import, never a traceback, and a failed import writes nothing."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import Result

Run = Callable[..., Result]
HSDS = Path(__file__).parent / "fixtures" / "hsds-3.0"
ORGANIZATION: dict[str, Any] = json.loads(
    (HSDS / "examples-json" / "organization_full.json").read_text()
)
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.text(max_size=30),
    st.just("\x1b[31m[bold]x[/bold]\x07"),
    st.just("9" * 400),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


PATHS = _paths(ORGANIZATION)


@st.composite
def damaged_organization(draw: st.DrawFn) -> Any:
    data = json.loads(json.dumps(ORGANIZATION))
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(PATHS))
        parent: Any = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            if draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(JUNK)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this path
    return data


def _assert_clean(result: Result, target: Path) -> None:
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert not (target / "agencies.yaml").exists(), "a failed import wrote a catalog"


@FUZZ
@given(data=damaged_organization())
def test_damaged_hsds_json_never_crashes(run: Run, tmp_path_factory: Any, data: Any) -> None:
    folder: Path = tmp_path_factory.mktemp("hsds")
    source = folder / "organization.json"
    source.write_text(json.dumps(data))
    target = folder / "cat"
    _assert_clean(run("catalog", "import-hsds", str(source), "--data", str(target)), target)


@FUZZ
@given(
    table=st.sampled_from(["organizations.csv", "services.csv", "phones.csv", "languages.csv"]),
    row=st.integers(0, 3),
    junk=st.text(max_size=40),
)
def test_damaged_hsds_csv_never_crashes(
    run: Run, tmp_path_factory: Any, table: str, row: int, junk: str
) -> None:
    folder: Path = tmp_path_factory.mktemp("hsds")
    package = folder / "csv"
    shutil.copytree(HSDS / "examples-csv", package)
    lines = (package / table).read_text().splitlines()
    lines.insert(min(row, len(lines)), junk)
    (package / table).write_text("\n".join(lines) + "\n")
    target = folder / "cat"
    _assert_clean(run("catalog", "import-hsds", str(package), "--data", str(target)), target)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(blob=st.binary(max_size=200))
def test_binary_hsds_file_is_a_clear_error(run: Run, tmp_path_factory: Any, blob: bytes) -> None:
    folder: Path = tmp_path_factory.mktemp("hsds")
    source = folder / "organization.json"
    source.write_bytes(blob)
    target = folder / "cat"
    result = run("catalog", "import-hsds", str(source), "--data", str(target))
    _assert_clean(result, target)
