"""The transition table and its rules."""

from __future__ import annotations

import pytest

from app.core.errors import ConflictError, InvalidError
from app.domain.workflow import NOTE_REQUIRED, TRANSITIONS, check_transition
from app.models import ReportStatus

S = ReportStatus


def test_table_matches_the_documented_flow() -> None:
    assert TRANSITIONS[S.MENUNGGU] == {S.KOORDINASI, S.DISPOSISI, S.PROSES, S.DITOLAK}
    assert TRANSITIONS[S.KOORDINASI] == {S.DISPOSISI, S.PROSES, S.DITOLAK}
    assert TRANSITIONS[S.DISPOSISI] == {S.PROSES, S.DITOLAK}
    assert TRANSITIONS[S.PROSES] == {S.SELESAI}
    assert TRANSITIONS[S.SELESAI] == TRANSITIONS[S.DITOLAK] == frozenset()
    assert {S.KOORDINASI, S.SELESAI, S.DITOLAK} == NOTE_REQUIRED


def test_status_values_are_the_indonesian_words() -> None:
    assert [s.value for s in S] == [
        "Menunggu",
        "Koordinasi",
        "Disposisi",
        "Proses",
        "Selesai",
        "Ditolak",
    ]


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.MENUNGGU, S.SELESAI),
        (S.PROSES, S.DITOLAK),
        (S.SELESAI, S.PROSES),
        (S.DISPOSISI, S.KOORDINASI),
    ],
)
def test_forbidden_moves(current: ReportStatus, target: ReportStatus) -> None:
    with pytest.raises(ConflictError, match=f"cannot move to {target.value}"):
        check_transition(current, target, note="catatan")


@pytest.mark.parametrize("target", [S.KOORDINASI, S.DITOLAK])
def test_notes_are_required(target: ReportStatus) -> None:
    with pytest.raises(InvalidError, match=f"A note is required when moving a report to {target}"):
        check_transition(S.MENUNGGU, target, note="  ")
    check_transition(S.MENUNGGU, target, note="alasan")


def test_allowed_move_without_note() -> None:
    check_transition(S.MENUNGGU, S.PROSES, note=None)
