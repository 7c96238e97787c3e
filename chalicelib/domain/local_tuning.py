"""Local tuning of a delegated item (平台微调, seed 003 二(五)1).

「各新区根据重新调整的职权……对其业务流程、容缺事项等进行微调,形成符合本新区实际的运行操作平台。」
A receiving centre may rewrite a delegated item's procedure text and narrow which secondary
materials it accepts missing under a credit pledge (容缺事项), and nothing else: limits, fees,
conditions, the legal basis and every other published element stay the city's. The centre's
effective version is what the public sees for that centre and what cases filed there are filed
under; a secondary material the centre does not accept missing is required at its window (it is
published there as a material that cannot be supplied later).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from chalicelib.domain.catalogue import MaterialKind, ProcedureStep, ServiceItem
from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.identity import Principal, Role

MAX_STEPS = 60
MAX_NAME = 100
MAX_TEXT = 500
NOT_ACCEPTED_MISSING = "本中心不适用容缺受理"


class TuningCode:
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    TOO_MANY = "TOO_MANY"
    NOT_DELEGATED = "NOT_DELEGATED"
    UNKNOWN_MATERIAL = "UNKNOWN_MATERIAL"
    PRIMARY_MATERIAL = "PRIMARY_MATERIAL"
    DUPLICATE = "DUPLICATE"
    CONFLICT = "CONFLICT"


@dataclass(frozen=True)
class LocalTuning:
    item_code: str
    centre_id: str
    procedure: tuple[ProcedureStep, ...]  # empty: the city's procedure
    deficiency_material_codes: tuple[str, ...]  # the secondary materials the centre accepts missing
    set_by: str
    set_at: str
    reason: str
    item_version: int  # the item version it was checked against


def tune(
    item: ServiceItem,
    centre_id: str,
    procedure: tuple[ProcedureStep, ...],
    deficiency_codes: tuple[str, ...],
    actor: Principal,
    at: str,
    reason: str,
) -> LocalTuning:
    """An administrator of the receiving centre tunes a power delegated to it; all problems at once."""
    if actor.subject is None or not actor.has_any(Role.ADMIN) or actor.centre_id != centre_id:
        raise DomainError.one(TuningCode.FORBIDDEN, "只有承接中心的管理员可以微调本中心承接的事项", "centreId")
    if centre_id not in item.delegated_centre_ids:
        raise DomainError.one(TuningCode.NOT_DELEGATED, "该事项未下放给本中心,不能微调", "itemId")
    problems: list[Violation] = []
    text = reason.strip()
    if not text:
        problems.append(Violation(TuningCode.REQUIRED, "微调原因不能为空", "reason"))
    elif len(text) > MAX_TEXT:
        problems.append(Violation(TuningCode.TOO_LONG, f"微调原因不能超过{MAX_TEXT}个字符", "reason"))
    if len(procedure) > MAX_STEPS:
        problems.append(Violation(TuningCode.TOO_MANY, f"办理流程不能超过{MAX_STEPS}个环节", "procedure"))
    steps = []
    for i, step in enumerate(procedure[:MAX_STEPS]):
        name, description = step.name.strip(), step.description.strip()
        for value, label, limit, field_ in (
            (name, "流程环节名称", MAX_NAME, f"procedure[{i}].name"),
            (description, "流程环节说明", MAX_TEXT, f"procedure[{i}].description"),
        ):
            if not value:
                problems.append(Violation(TuningCode.REQUIRED, f"{label}不能为空", field_))
            elif len(value) > limit:
                problems.append(Violation(TuningCode.TOO_LONG, f"{label}不能超过{limit}个字符", field_))
        steps.append(ProcedureStep(name, description))
    materials = {m.code: m for m in item.elements.materials}
    seen: set[str] = set()
    for i, code in enumerate(deficiency_codes):
        field_ = f"deficiencyMaterialCodes[{i}]"
        if code in seen:
            problems.append(Violation(TuningCode.DUPLICATE, f"材料{code}重复", field_))
        elif code not in materials:
            problems.append(Violation(TuningCode.UNKNOWN_MATERIAL, f"材料{code}不属于该事项", field_))
        elif materials[code].kind is MaterialKind.PRIMARY:
            problems.append(Violation(TuningCode.PRIMARY_MATERIAL, f"主要材料{code}不能容缺受理", field_))
        seen.add(code)
    if problems:
        raise DomainError(problems)
    return LocalTuning(
        item.code, centre_id, tuple(steps), tuple(deficiency_codes), actor.subject, at, text, item.version
    )


def effective(item: ServiceItem, tuning: LocalTuning | None) -> ServiceItem:
    """The item as the centre publishes and files it: its procedure, and secondary materials it
    does not accept missing shown (and enforced) as required at its window."""
    if tuning is None:
        return item
    allowed = set(tuning.deficiency_material_codes)
    materials = tuple(
        replace(m, kind=MaterialKind.PRIMARY, note=(f"{m.note};" if m.note else "") + NOT_ACCEPTED_MISSING)
        if m.kind is MaterialKind.SECONDARY and m.code not in allowed
        else m
        for m in item.elements.materials
    )
    procedure = tuning.procedure or item.elements.procedure
    return replace(item, elements=replace(item.elements, materials=materials, procedure=procedure))
