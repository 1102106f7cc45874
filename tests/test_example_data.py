"""The shipped example catalog reads right: one document is one item, hotlines fit the region."""

from __future__ import annotations

from referral_cli.catalog.load import default_data_dir
from referral_cli.render.session import hotline_line
from referral_cli.vetting.rules import load_catalog


def test_a_document_with_a_comma_is_one_document() -> None:
    catalog = load_catalog(default_data_dir())
    docs = catalog.agencies["alder-immigrant-refugee-alliance"].intake.documents
    assert docs == ["any immigration papers the youth has, if safe to bring"]


def test_every_hotline_serves_the_example_region() -> None:
    catalog = load_catalog(default_data_dir())
    assert catalog.hotlines
    for hotline in catalog.hotlines:
        assert hotline.region in ("United States", "Alder County"), hotline.id
        line = hotline_line(hotline)
        assert "((" not in line and ") (" not in line, line  # no doubled brackets
