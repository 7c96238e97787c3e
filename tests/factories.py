"""Small valid domain objects for unit tests (the e2e tests use the real seed file)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chalicelib.domain import catalogue as dc

CENTRES = {
    "city": dc.Centre("city", "市行政审批服务中心", dc.CentreLevel.CITY, None),
    "dinghai": dc.Centre("dinghai", "定海区分中心", dc.CentreLevel.DISTRICT, "city"),
    "jintang": dc.Centre("jintang", "金塘分中心", dc.CentreLevel.ZONE, "city"),
    "huannan": dc.Centre("huannan", "环南街道便民服务中心", dc.CentreLevel.TOWNSHIP, "dinghai"),
}
DEPARTMENTS = {
    "nr": dc.Department("nr", "市自然资源和规划局", "city", "0580-2000001"),
    "housing": dc.Department("housing", "市住房和城乡建设局", "city", "0580-2000002"),
    "fire": dc.Department("fire", "市消防救援支队", "city", "0580-2000003"),
    "dh-market": dc.Department("dh-market", "定海区市场监督管理局", "dinghai", "0580-2000004"),
    "jt-office": dc.Department("jt-office", "金塘管委会行政审批服务科", "jintang", "0580-2000005"),
    "jt-fire": dc.Department("jt-fire", "金塘消防救援站", "jintang", "0580-2000006"),
    "hn-office": dc.Department("hn-office", "环南街道便民服务科", "huannan", "0580-2000007"),
}


def elements(**changes: Any) -> dc.ItemElements:
    base = dc.ItemElements(
        name="建设工程规划许可",
        department_id="nr",
        level=dc.CentreLevel.CITY,
        kind=dc.ItemKind.COMMITMENT,
        conditions=("已取得建设用地使用权",),
        materials=(
            dc.Material(
                "M-APPLY",
                "建设工程规划许可申请表",
                dc.MaterialKind.PRIMARY,
                dc.MaterialForm.ORIGINAL,
                "《城乡规划法》第四十条",
            ),
            dc.Material(
                "M-ID", "营业执照复印件", dc.MaterialKind.SECONDARY, dc.MaterialForm.COPY, "《行政许可法》第三十一条"
            ),
        ),
        procedure=(dc.ProcedureStep("受理", "综合窗口受理"), dc.ProcedureStep("决定", "作出许可决定")),
        statutory_limit_days=20,
        promised_limit_days=10,
        legal_basis=("《中华人民共和国城乡规划法》第四十条",),
        supervision_phone="0580-2000001",
        timeout_rule=dc.TimeoutRule.ESCALATE,
        co_reviewers=(dc.CoReviewer("housing", 5), dc.CoReviewer("fire", 5)),
        special_steps=(dc.SpecialStep(dc.SpecialStepKind.EXPERT_REVIEW, "专家评审", 10, False),),
        certificate_type=dc.CertificateType("JSGCGHXKZ", "建设工程规划许可证", None),
    )
    return replace(base, **changes)


def ctx(reason: str = "年度清单调整") -> dc.ChangeContext:
    return dc.ChangeContext("admin-1", "2026-11-20T02:00:00Z", reason, dict(DEPARTMENTS), dict(CENTRES))
