"""Search normalisation."""

from __future__ import annotations

from app.domain.text import normalise, prefix_upper_bound, search_keys


def test_normalise_folds_case_accents_and_punctuation() -> None:
    assert normalise("  Kota  TANJUNG-Harapan ") == "kota tanjung harapan"
    assert normalise("Ma'rang Jäya") == "marang jaya"


def test_search_keys_start_at_every_word() -> None:
    assert search_keys("Kota Tanjung Harapan") == {
        "kota tanjung harapan",
        "tanjung harapan",
        "harapan",
    }


def test_prefix_upper_bound() -> None:
    assert prefix_upper_bound("band") == "bane"
    assert prefix_upper_bound("band") > "bandar"
