"""The automatic conduct charges' rules (domain/conduct.py), without I/O."""

from __future__ import annotations

from chalicelib.domain import conduct as dc


def test_seed004_notice_lapse_falls_on_the_first_notice_that_had_the_material() -> None:
    """一次告知制: a demand is the lapse of the first notice issued once the material was on file."""
    earlier = (
        (1, "clerk-a", "2026-11-02T02:00:00", frozenset({"M04"})),
        (2, "clerk-b", "2026-11-05T02:00:00", frozenset({"M05"})),
    )
    rounds = {"M01": 1, "M04": 2, "M05": 3, "M06": 2}
    lapses = dc.notice_lapses(earlier, rounds, ("M01", "M04", "M05", "M06"))
    # M01 was there at the first notice; M06 came in round 2, so the second notice had it; M04 and
    # M05 were listed before (asked again after re-supply: not a lapse).
    assert [(x.issued_by, x.notice_round, x.material_codes) for x in lapses] == [
        ("clerk-a", 1, ("M01",)),
        ("clerk-b", 2, ("M06",)),
    ]


def test_seed004_no_notice_lapse_without_an_earlier_notice_or_for_new_material() -> None:
    assert dc.notice_lapses((), {"M01": 1}, ("M01",)) == []
    earlier = ((1, "clerk-a", "2026-11-02T02:00:00", frozenset({"M04"})),)
    assert dc.notice_lapses(earlier, {"M07": 2}, ("M07",)) == []  # supplied after the last notice


def test_seed004_remit_of_a_first_contact_officer() -> None:
    """首问负责制: own department's matters, or every department's at a comprehensive window."""
    assert dc.outside_remit("city-ecology", False, {"city-market"})
    assert not dc.outside_remit("city-market", False, {"city-market"})
    assert not dc.outside_remit("city-ecology", False, {"city-market", "city-ecology"})  # a co-reviewer
    assert not dc.outside_remit("city-bureau", True, {"city-market"})


def test_charge_ids_follow_their_proof() -> None:
    assert dc.charge_id("consult:abc") == dc.charge_id("consult:abc") != dc.charge_id("consult:abd")
