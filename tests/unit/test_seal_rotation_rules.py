"""Rotation rules of a bureau's registered seal (domain/seal_rotation.py; seed 003 二(七)), no I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.domain.seal_rotation import Candidate, SealSpan, check_rotation

NOW = datetime(2026, 12, 6, tzinfo=UTC)
CITY = "舟山市行政审批局"
OLD = SealSpan("a" * 64, NOW - timedelta(days=300), None)


def _check(**changes: object) -> list[str]:
    values: dict[str, object] = {
        "bureau_name": CITY,
        "candidate": Candidate("b" * 64, (CITY,), NOW - timedelta(days=1), NOW + timedelta(days=400)),
        "valid_from": NOW + timedelta(days=1),
        "valid_to": NOW + timedelta(days=365),
        "now": NOW,
        "seals": (OLD,),
        "current": OLD.fingerprint,
        "registered_anywhere": False,
        "legal_basis": "《公告》",
        "note": "",
    }
    values.update(changes)
    return [v.code for v in check_rotation(**values)]  # type: ignore[arg-type]


def test_seed003_a_forward_rotation_of_the_current_seal_is_accepted() -> None:
    assert _check() == []


def test_seed003_every_problem_of_a_rotation_is_reported_at_once() -> None:
    foreign = Candidate("b" * 64, ("定海区行政审批局",), NOW, NOW + timedelta(days=30))
    assert _check(
        candidate=foreign,
        valid_from=NOW - timedelta(days=400),
        valid_to=NOW + timedelta(days=60),
        registered_anywhere=True,
        legal_basis=" ",
        note="x" * 201,
    ) == [
        "CERTIFICATE_NOT_FOR_BUREAU",
        "ALREADY_REGISTERED",
        "STARTS_IN_THE_PAST",
        "KEY_OUTSIDE_VALIDITY",
        "OVERLAPPING_VALIDITY",
        "LEGAL_BASIS_REQUIRED",
        "OUT_OF_RANGE",
    ]


def test_seed003_overlap_with_a_seal_that_is_not_the_one_rotated_out() -> None:
    """A seal registered to start later, or a second seal still running at the new start, overlaps;
    an open-ended registration (no end) is outside any certificate's validity."""
    later = SealSpan("c" * 64, NOW + timedelta(days=10), NOW + timedelta(days=20))
    assert _check(seals=(OLD, later)) == ["OVERLAPPING_VALIDITY"]
    other = SealSpan("d" * 64, NOW - timedelta(days=5), NOW + timedelta(days=5))
    assert _check(seals=(OLD, other)) == ["OVERLAPPING_VALIDITY"]
    assert _check(valid_to=None) == ["KEY_OUTSIDE_VALIDITY"]
    assert _check(valid_to=NOW + timedelta(days=1)) == ["INVALID_PERIOD"]
