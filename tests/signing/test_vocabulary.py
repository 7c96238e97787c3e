"""The report's closed vocabularies, written out in `signing/vocabulary.py` so reading a report
never imports pyHanko, still match the installed pyHanko: an upgrade that adds a name fails here."""

from __future__ import annotations

import re
from pathlib import Path

from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation.status import SignatureCoverageLevel

from signing import vocabulary as v

VERIFY = Path(v.__file__).with_name("verify.py")


def test_sub_indications_cover_pyhanko_ades() -> None:
    names = {m.standard_name for m in (*AdESFailure, *AdESIndeterminate)}
    assert names <= {s.value for s in v.SubIndication}, names - {s.value for s in v.SubIndication}


def test_sub_indications_cover_what_verify_reports() -> None:
    used = set(re.findall(r"Indication\.(?:FAILED|INDETERMINATE), \"([A-Z_]+)\"", VERIFY.read_text(encoding="utf-8")))
    assert used, "the pattern no longer finds the sub-indications verify.py reports"
    assert used <= {s.value for s in v.SubIndication}, used - {s.value for s in v.SubIndication}


def test_levels_match_pyhanko() -> None:
    assert {m.name for m in ModificationLevel} == {m.value for m in v.ModificationLevel}
    assert {m.name for m in SignatureCoverageLevel} == {m.value for m in v.Coverage}
    assert {m.name for m in MDPPerm} == {m.value for m in v.DocMdpPermission}
