"""The catalog cache is never stale, survives corruption, and holds catalog data only."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.catalog import cache, cachekey, warm
from referral_cli.catalog import load as catalog
from referral_cli.catalog.load import Catalog
from referral_cli.errors import CatalogError
from referral_cli.vetting.rules import check_catalog, load_catalog
from tests.helpers import AGENCIES_HEAD, agency, write_catalog

Run = Callable[..., Result]

VETTING = """\
agency: {id}
date: {date}
assessor: A. Tester
method: [phone]
"""


def fresh(root: Path) -> Catalog:
    found, problems = check_catalog(root)
    assert found is not None, problems
    return found


def same(a: Catalog, b: Catalog) -> None:
    assert list(a.agencies) == list(b.agencies)
    assert list(a.agencies.values()) == list(b.agencies.values())
    assert dict(a.vettings) == dict(b.vettings)
    assert a.services == b.services
    assert a.hotlines == b.hotlines
    assert a.info == b.info
    assert a.languages == b.languages


@pytest.fixture
def no_parse(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """After calling it, any parse of the YAML fails the test: the load must come from cache."""

    def arm() -> None:
        def fail(*args: object) -> object:
            raise AssertionError("catalog was parsed although the cache is current")

        monkeypatch.setattr(catalog, "check_catalog", fail)

    return arm


def test_warm_load_equals_fresh_parse(data_copy: Path, no_parse: Callable[[], None]) -> None:
    expected = fresh(data_copy)
    load_catalog(data_copy)  # cold: parses and stores
    assert cachekey.cache_path(data_copy).is_file()
    no_parse()
    warm = load_catalog(data_copy)
    same(warm, expected)
    assert warm.root == data_copy


def test_lookups_by_id_do_not_need_every_agency(data_copy: Path) -> None:
    load_catalog(data_copy)
    warm = load_catalog(data_copy)
    ident = "cedar-path-survivor-services"
    assert ident in warm.agencies
    assert "no-such-agency" not in warm.agencies
    assert warm.agencies.get("no-such-agency") is None
    assert warm.find_agency(ident).id == ident
    assert warm.vettings_of("cedar-path-survivor-services")
    assert warm.vettings_of("no-such-agency") == []
    first = warm.agencies[ident]
    assert len(warm.agencies) == len(fresh(data_copy).agencies)
    assert warm.agencies[ident] is first  # objects handed out earlier are kept
    assert list(warm.agencies) == list(fresh(data_copy).agencies)  # catalog order


def test_service_index_matches_a_scan(data_copy: Path) -> None:
    load_catalog(data_copy)
    expected = fresh(data_copy)
    for service in expected.services:
        scanned = [
            a for a in expected.agencies.values() if any(s.id == service for s in a.services)
        ]
        assert cache.agencies_offering(load_catalog(data_copy), service) == scanned


def test_editing_agencies_gives_new_data(tmp_path: Path) -> None:
    root = write_catalog(tmp_path / "cat")
    assert list(load_catalog(root).agencies) == ["harbor"]
    (root / "agencies.yaml").write_text(
        AGENCIES_HEAD + agency() + agency("lantern", "Lantern Youth")
    )
    assert list(load_catalog(root).agencies) == ["harbor", "lantern"]


def test_same_size_edit_with_mtime_put_back_is_seen(tmp_path: Path) -> None:
    root = write_catalog(tmp_path / "cat")
    path = root / "agencies.yaml"
    before = path.stat()
    assert load_catalog(root).agencies["harbor"].name == "Harbor House"
    path.write_text(path.read_text().replace("Harbor House", "Harbor Hou5e"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert load_catalog(root).agencies["harbor"].name == "Harbor Hou5e"


def test_racy_edit_is_caught_by_content_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same size, same mtime, and a filesystem that kept the same ctime and inode."""
    root = write_catalog(tmp_path / "cat")
    load_catalog(root)
    path = root / "agencies.yaml"
    real = cachekey._catalog_files
    stale_stat = real(root)
    path.write_text(path.read_text().replace("Harbor House", "Harbor Hou5e"))
    monkeypatch.setattr(cachekey, "_catalog_files", lambda r: [list(f) for f in stale_stat])
    assert load_catalog(root).agencies["harbor"].name == "Harbor Hou5e"


def test_hashes_of_racy_files_are_dropped_once_their_window_has_passed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Just-written files are keyed by content; once old enough, by stat again (fast)."""
    vetting = {"harbor--2026-01-05.yaml": VETTING.format(id="harbor", date="2026-01-05")}
    root = write_catalog(tmp_path / "cat", vettings=vetting)
    load_catalog(root)

    def hashed() -> list[int]:
        with sqlite3.connect(cachekey.cache_path(root)) as db:
            return [
                db.execute(f"SELECT count(*) FROM {table} WHERE sha != ''").fetchone()[0]
                for table in ("file", "service_file")
            ]

    assert hashed() == [3, 2]  # the three files; harbor's one vetting file, by its 2 services
    assert warm.Quick.open(root) is None  # hashes pending: the warm path steps aside
    monkeypatch.setattr(cachekey, "RACY_NS", 0)  # as if the window had passed
    assert list(load_catalog(root).agencies) == ["harbor"]
    assert hashed() == [0, 0]
    quick = warm.Quick.open(root)
    assert quick is not None
    assert quick.service_files_unchanged("food")
    quick.close()


def test_editing_services_gives_new_data(tmp_path: Path) -> None:
    root = write_catalog(tmp_path / "cat")
    assert load_catalog(root).services["food"].label == "Food"
    services = root / "services.yaml"
    services.write_text(services.read_text().replace("label: Food", "label: Food bank"))
    assert load_catalog(root).services["food"].label == "Food bank"


def test_vetting_added_and_removed(tmp_path: Path) -> None:
    root = write_catalog(tmp_path / "cat")
    assert load_catalog(root).vettings_of("harbor") == []
    write_catalog(
        root, vettings={"harbor--2026-01-05.yaml": VETTING.format(id="harbor", date="2026-01-05")}
    )
    assert [str(v.date) for v in load_catalog(root).vettings_of("harbor")] == ["2026-01-05"]
    (root / "vettings" / "harbor--2026-01-05.yaml").unlink()
    assert load_catalog(root).vettings_of("harbor") == []


def test_an_edit_that_breaks_the_catalog_names_file_and_line(data_copy: Path) -> None:
    load_catalog(data_copy)
    path = data_copy / "agencies.yaml"
    path.write_text(path.read_text().replace("cost: free", "cost: gratis", 1))
    with pytest.raises(CatalogError) as caught:
        load_catalog(data_copy)
    message = str(caught.value)
    assert "agencies.yaml:" in message and "cost" in message
    line = int(message.split("agencies.yaml:")[1].split(":")[0])
    assert "cost: gratis" in path.read_text().splitlines()[line - 1]


@pytest.mark.parametrize("garbage", [b"", b"not a database at all" * 100, b"SQLite format 3\x00"])
def test_corrupt_cache_is_rebuilt(data_copy: Path, garbage: bytes) -> None:
    load_catalog(data_copy)
    path = cachekey.cache_path(data_copy)
    path.write_bytes(garbage)
    same(load_catalog(data_copy), fresh(data_copy))
    with sqlite3.connect(path) as db:  # and the cache was written again
        assert db.execute("SELECT count(*) FROM agency").fetchone()[0] > 0


def test_truncated_cache_is_rebuilt(data_copy: Path) -> None:
    load_catalog(data_copy)
    path = cachekey.cache_path(data_copy)
    path.write_bytes(path.read_bytes()[:5000])
    same(load_catalog(data_copy), fresh(data_copy))


def test_bad_row_falls_back_to_a_fresh_parse(data_copy: Path) -> None:
    load_catalog(data_copy)
    with sqlite3.connect(cachekey.cache_path(data_copy)) as db:
        db.execute("UPDATE agency SET json = '{\"id\": 1}'")
        db.execute("UPDATE vetting SET json = 'nonsense'")
    warm = load_catalog(data_copy)
    expected = fresh(data_copy)
    assert (
        warm.agencies["cedar-path-survivor-services"]
        == expected.agencies["cedar-path-survivor-services"]
    )
    same(warm, expected)


def test_unwritable_cache_folder_is_not_an_error(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("REFERRAL_CACHE", str(blocker / "cache"))
    same(load_catalog(data_copy), fresh(data_copy))


def test_cache_holds_catalog_data_only(data_copy: Path, run: Run, tmp_path: Path) -> None:
    result = run("agencies", "--data", str(data_copy))
    assert result.exit_code == 0, result.output
    folder = Path(os.environ["REFERRAL_CACHE"])
    assert folder == tmp_path / "cache"
    home = Path(os.environ["REFERRAL_HOME"])
    assert not folder.is_relative_to(home) and not home.is_relative_to(folder)
    cached, baseline = sorted(folder.iterdir(), key=lambda p: p.suffix != ".sqlite")
    assert cached == cachekey.cache_path(data_copy)
    # the other file is a copy of agencies.yaml, for splicing in its edits (catalog/splice.py)
    assert baseline.read_bytes() == (data_copy / "agencies.yaml").read_bytes()
    assert (folder.stat().st_mode & 0o777) == 0o700
    for file in (cached, baseline):
        assert (file.stat().st_mode & 0o777) == 0o600
    with sqlite3.connect(cachekey.cache_path(data_copy)) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        meta = {r[0] for r in db.execute("SELECT name FROM meta")}
    assert tables == {
        "meta",
        "file",
        "agency",
        "vetting",
        "offer",
        "standing",
        "service_file",
        "splice",
        "splice_patch",
    }
    assert meta == {
        "format",
        "root",
        "code",
        "built_ns",
        "info",
        "services",
        "folders",
        "latest_vetting",
        "factors",  # the rubric's factor names, for a warm never-vetted scorecard
    }


def test_two_catalogs_have_separate_caches(tmp_path: Path) -> None:
    one = write_catalog(tmp_path / "one")
    two = write_catalog(
        tmp_path / "two", agencies=AGENCIES_HEAD + agency("lantern", "Lantern Youth")
    )
    assert list(load_catalog(one).agencies) == ["harbor"]
    assert list(load_catalog(two).agencies) == ["lantern"]
    assert list(load_catalog(one).agencies) == ["harbor"]


def test_two_catalogs_sharing_a_cache_file_take_turns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cache files are named by a checksum of the folder; a collision must not mix data."""
    one = write_catalog(tmp_path / "one")
    two = write_catalog(
        tmp_path / "two", agencies=AGENCIES_HEAD + agency("lantern", "Lantern Youth")
    )
    for path in [*one.rglob("*"), *two.rglob("*")]:  # old enough to be trusted by stat
        os.utime(path, (1_700_000_000, 1_700_000_000))
    shared = tmp_path / "cache" / "catalog-shared.sqlite"
    monkeypatch.setattr(cachekey, "cache_path", lambda root: shared)
    for root, ident in [(one, "harbor"), (two, "lantern"), (one, "harbor"), (two, "lantern")]:
        assert list(load_catalog(root).agencies) == [ident]
        assert warm.Quick.open(two if root == one else one) is None
        quick = warm.Quick.open(root)
        assert quick is not None
        assert quick.one("SELECT id FROM agency", ()) == ident
        quick.close()


@pytest.mark.skipif(sys.platform != "linux", reason="the Linux rule is written out by hand")
@pytest.mark.parametrize("xdg", [None, "/srv/cache", "relative/cache", ""])
def test_cache_folder_is_where_platformdirs_puts_it(
    monkeypatch: pytest.MonkeyPatch, xdg: str | None
) -> None:
    from platformdirs import user_cache_path

    monkeypatch.delenv("REFERRAL_CACHE", raising=False)
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert cachekey.cache_dir() == user_cache_path("referral-cli", appauthor=False)
