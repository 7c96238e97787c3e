"""通报 documents: public notices of a lapse by a unit or a person (seed 004 三(一), 四).

A bulletin is generated text, delivered through the outbox to the unit's feed and to the
leadership group's feed (县整治优化发展环境领导组 in seed 004 四.1), and listed publicly.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

LEADERSHIP_FEED = "leadership-group"  # the feed of the leadership group the centre reports to


class BulletinKind(StrEnum):
    PERSON_NOTICE = "person_notice"  # 第一次: 通报批评 of a window person
    PERSON_RETURN = "person_return"  # 第二次: 退回原单位
    UNIT_DUTY = "unit_duty"  # 单位负责人未到窗口值班 (seed 004 三(一): 每月登记、通报)


@dataclass(frozen=True)
class Bulletin:
    id: str
    kind: BulletinKind
    centre_id: str
    department_id: str
    title: str
    text: str
    at: str
    cause: str  # the staff violation (or register) it was issued for
