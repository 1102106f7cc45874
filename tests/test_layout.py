"""One file per agency (agencies/<id>.yaml): the same catalog as agencies.yaml, checked the same.

Also `catalog init --layout files`, `catalog split` and `catalog join`, which convert between
the two layouts without losing an agency or a coordinator's comments.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import Result

from referral_cli.catalog import layout
from referral_cli.catalog.load import Catalog
from referral_cli.errors import ReferralError
from referral_cli.vetting.rules import check_catalog, load_catalog
from tests.helpers import AGENCIES_HEAD, AGENCY, write_catalog

Run = Callable[..., Result]

HEAD = "catalog:\n  region: Test County\n  example: true\n"


def fresh(root: Path) -> Catalog:
    found, problems = check_catalog(root)
    assert found is not None, problems
    return found


def same_catalog(a: Catalog, b: Catalog) -> None:
    assert dict(a.agencies) == dict(b.agencies)
    assert dict(a.vettings) == dict(b.vettings)
    assert (a.info, a.services, a.hotlines, a.languages) == (
        b.info,
        b.services,
        b.hotlines,
        b.languages,
    )


def own_file(ident: str, name: str = "Harbor House") -> str:
    """One agency as a file of its own (the list item, dedented)."""
    item = AGENCY.format(id=ident, name=name)
    return "".join(line[4:] for line in item.splitlines(keepends=True))


def files_catalog(root: Path, *idents: str) -> Path:
    write_catalog(root, agencies=HEAD)
    (root / "agencies").mkdir()
    for ident in idents:
        (root / "agencies" / f"{ident}.yaml").write_text(own_file(ident, ident.title()))
    return root


def test_both_layouts_give_the_same_catalog(data_copy: Path) -> None:
    single = fresh(data_copy)
    done = layout.split(data_copy)
    assert done.agencies == len(single.agencies) and done.rewritten == 0
    assert len(list((data_copy / "agencies").glob("*.yaml"))) == len(single.agencies)
    same_catalog(fresh(data_copy), single)
    load_catalog(data_copy)  # builds the cache from the files layout
    same_catalog(load_catalog(data_copy), single)
    layout.join(data_copy)
    assert not (data_copy / "agencies").exists()
    joined = fresh(data_copy)
    same_catalog(joined, single)
    assert list(joined.agencies) == sorted(single.agencies)  # the files' order, by id


def test_split_keeps_each_agencys_comments_with_it(tmp_path: Path) -> None:
    entry = AGENCY.format(id="harbor", name="Harbor House").replace(
        "    sector: housing\n", "    # ask for Dana on weekends\n    sector: housing\n"
    )
    root = write_catalog(tmp_path / "cat", agencies="# our coalition\n" + AGENCIES_HEAD + entry)
    layout.split(root)
    own = (root / "agencies" / "harbor.yaml").read_text()
    assert own.startswith("id: harbor\n") and "# ask for Dana on weekends\n" in own
    head = (root / "agencies.yaml").read_text()
    assert head.startswith("# our coalition\n") and "harbor" not in head
    layout.join(root)
    assert "    # ask for Dana on weekends\n" in (root / "agencies.yaml").read_text()
    assert list(fresh(root).agencies) == ["harbor"]


def test_a_mistake_in_an_agency_file_names_that_file_and_line(tmp_path: Path) -> None:
    root = files_catalog(tmp_path / "cat", "harbor", "lantern")
    path = root / "agencies" / "lantern.yaml"
    path.write_text(path.read_text().replace("emergency, food]", "emergency, fodo]"))
    _, problems = check_catalog(root)
    assert [(p.file.replace("\\", "/").rsplit("/cat/", 1)[1], p.line) for p in problems] == [
        ("agencies/lantern.yaml", 4)
    ]
    assert "unknown service 'fodo' (did you mean food?)" in problems[0].message


def test_an_agency_file_must_be_named_for_its_id_and_not_repeat_agencies_yaml(
    tmp_path: Path,
) -> None:
    root = files_catalog(tmp_path / "cat", "harbor")
    (root / "agencies" / "copy.yaml").write_text(own_file("lantern"))
    messages = [p.message for p in check_catalog(root)[1]]
    assert messages == ["is 'lantern' but the file name says otherwise: name it lantern.yaml"]
    (root / "agencies" / "copy.yaml").unlink()
    (root / "agencies.yaml").write_text(AGENCIES_HEAD + AGENCY.format(id="harbor", name="H"))
    messages = [p.message for p in check_catalog(root)[1]]
    assert messages == ["duplicate id 'harbor' (agencies.yaml has it too)"]


def test_the_task_force_may_live_in_its_own_file(tmp_path: Path) -> None:
    root = files_catalog(tmp_path / "cat", "harbor")
    (root / "agencies.yaml").write_text(HEAD + "  task_force: harbor\n")
    assert fresh(root).info.task_force == "harbor"
    (root / "agencies" / "harbor.yaml").rename(root / "agencies" / "harbor.yaml.old")
    (root / "agencies" / "lantern.yaml").write_text(own_file("lantern"))
    assert [p.message for p in check_catalog(root)[1]] == ["no agency has the id 'harbor'"]


def test_init_in_the_files_layout_gives_a_clean_catalog(tmp_path: Path, run: Run) -> None:
    target = tmp_path / "ours"
    assert run("catalog", "init", str(target), "--layout", "files").exit_code == 0
    assert yaml.safe_load((target / "agencies.yaml").read_text()).keys() == {"catalog"}
    result = run("catalog", "validate", str(target))
    assert result.exit_code == 0 and "25 agencies" in result.output


def test_split_and_join_from_the_command_line(data_copy: Path, run: Run) -> None:
    before = fresh(data_copy)
    result = run("catalog", "split", str(data_copy))
    assert result.exit_code == 0, result.output
    assert f"Moved {len(before.agencies)} agencies" in result.output
    result = run("catalog", "join", "--data", str(data_copy))
    assert result.exit_code == 0, result.output
    same_catalog(fresh(data_copy), before)


def test_converting_to_the_layout_a_catalog_has_already_changes_nothing(
    data_copy: Path, run: Run
) -> None:
    """A new user's `join` of a catalog never split rewrote its 65 lines and said "Moved 25"."""
    path = data_copy / "agencies.yaml"
    shipped = path.read_bytes()
    result = run("catalog", "join", str(data_copy))
    assert (
        result.exit_code == 0 and "Nothing to move: there is no agencies/ID.yaml" in result.output
    )
    assert path.read_bytes() == shipped
    assert run("catalog", "split", str(data_copy)).exit_code == 0
    split_once = {p.name: p.read_bytes() for p in [path, *(data_copy / "agencies").iterdir()]}
    result = run("catalog", "split", str(data_copy))
    assert result.exit_code == 0 and "Nothing to move: agencies.yaml lists no" in result.output
    assert {p.name: p.read_bytes() for p in [path, *(data_copy / "agencies").iterdir()]} == (
        split_once
    )


def test_split_refuses_a_catalog_with_problems_and_changes_nothing(
    data_copy: Path, run: Run
) -> None:
    path = data_copy / "agencies.yaml"
    path.write_text(path.read_text().replace("sector: health", "sectr: health", 1))
    text = path.read_text()
    result = run("catalog", "split", str(data_copy))
    assert result.exit_code == 1
    assert "agencies.yaml:" in result.output and "sectr" in result.output
    assert path.read_text() == text and not (data_copy / "agencies").exists()


def test_the_shipped_example_is_never_converted(run: Run) -> None:
    result = run("catalog", "split")
    assert result.exit_code == 1 and "cannot be changed" in result.output


def test_agencies_written_one_file_each_read_back_the_same(data_copy: Path) -> None:
    """What an importer of a large directory writes is the same catalog, file per agency."""
    before = fresh(data_copy)
    (data_copy / "agencies.yaml").write_text(
        yaml.safe_dump({"catalog": before.info.model_dump(mode="json")})
    )
    written = layout.write_agency_files(data_copy, list(before.agencies.values()))
    assert len(written) == len(before.agencies) and layout.uses_files(data_copy)
    same_catalog(fresh(data_copy), before)


def test_conversions_read_their_files_as_the_catalog_check_does(tmp_path: Path) -> None:
    """Only regular files (never a FIFO or /dev/zero behind a name): else one clear line."""
    root = write_catalog(tmp_path / "data")
    (root / "agencies.yaml").unlink()
    (root / "agencies.yaml").mkdir()
    for convert in (layout.split, layout.join):
        with pytest.raises(ReferralError, match=r"agencies\.yaml is a folder, not a catalog"):
            convert(root)


def test_split_keeps_each_section_heading_with_the_agency_below_it(data_copy: Path) -> None:
    """A new user found each heading at the end of the previous agency's file, the first lost."""
    layout.split(data_copy)
    own = (data_copy / "agencies" / "alder-county-anti-trafficking-task-force.yaml").read_text()
    assert own.splitlines()[1] == "# Anti-trafficking and survivor-led"
    before = (data_copy / "agencies" / "rising-voices-survivor-collective.yaml").read_text()
    assert "# Runaway and homeless youth" not in before
    harbor = (data_copy / "agencies" / "alder-county-youth-harbor.yaml").read_text()
    assert harbor.startswith("# ====") and "# Runaway and homeless youth, housing" in harbor
    layout.join(data_copy)
    joined = (data_copy / "agencies.yaml").read_text()
    assert "  # Anti-trafficking and survivor-led\n" in joined  # back at the list's indent
