"""The builder's shortcuts (plain text kept as is, short scalars remembered across files)
never change what a file means: each file still loads exactly as `yaml.load` loads it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from referral_cli.catalog import yamlstream
from referral_cli.catalog.yamlfile import Loader, parse_yaml

DOCS = [
    "no: no\nname: 'no'\nn: \"12\"\nm: 12\nl: 0o17\nk: ~\nj: ''\ni: yes\n",
    "a: [no, 'no', 12, '12', 1_000, .inf, null, Null, off]\nno: name\n",
    "name: no\nlist:\n- 12\n- twelve\n- 0x1F\n- '0x1F'\n",
    "description: Plain words, a sentence; no colon.\nfee: 0\ncost: free\n",
]


def test_every_file_loads_as_yaml_load_whatever_was_loaded_before() -> None:
    for _ in range(2):  # the second round answers from what the first remembered
        for text in DOCS:
            assert yamlstream.load(text, Loader) == yaml.load(text, Loader=Loader)


class _Tagged(yaml.SafeLoader):
    """A loader where a word starting with "x" means an integer: its own resolvers."""


_Tagged.add_implicit_resolver("tag:yaml.org,2002:int", __import__("re").compile("^x$"), ["x"])
_Tagged.add_constructor("tag:yaml.org,2002:int", lambda loader, node: 7)


def test_each_loader_keeps_its_own_meanings() -> None:
    text = "a: x\nb: 12\n"
    assert yamlstream.load(text, Loader) == {"a": "x", "b": 12}
    assert yamlstream.load(text, _Tagged) == yaml.load(text, Loader=_Tagged) == {"a": 7, "b": 7}
    assert yamlstream.load(text, Loader) == {"a": "x", "b": 12}


def test_a_link_loop_is_a_clear_problem(tmp_path: Path) -> None:
    loop = tmp_path / "agency.yaml"
    loop.symlink_to(loop)
    data, problems = parse_yaml(loop, "agency.yaml")
    assert data is None
    assert [p.message for p in problems] == ["cannot be read (Too many levels of symbolic links)"]


@pytest.mark.parametrize("text", ["<<: {a: 1}\n", "a: =\n", "= : 1\n"])
def test_merge_and_value_keys_still_go_to_yaml_load(text: str) -> None:
    for _ in range(2):  # never remembered as plain text
        with pytest.raises(yamlstream.Unusual):
            yamlstream.load(text, Loader)
