"""The multi-level network through `/graphql`: intake at any window routed to the competent centre
(seed 000 三(一)2 「在地受理跨层级的审批服务事项,按职权内部流转」), same-authority approval of delegated
powers (「市级下放给两区、功能区的事权,实行同权审批」; seed 003 二(三)、(七)), and oversight scoped to
the centre's subtree (seed 000 一 「两区行政审批管理机构负责对乡镇(街道)和社区服务中心的指导和管理」)."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api, CallCounter, Clock
from tests.lifecycle_desk import Desk, gid
from tests.lifecycle_desk import desk as desk

ROUTED = """query($id: ID!) { application(id: $id) {
  state centre { id } competentCentre { id } leadDepartment { id } coReviewingDepartments { id }
  materials { code blobKey sha256 }
} }"""

ISSUE = """mutation($input: CertificateIssueInput!) { certificateIssue(input: $input) {
  certificate { id number authorityName verificationCode } userErrors { field code message } } }"""

DELIVER = """mutation($input: CertificateDeliverInput!) { certificateDeliver(input: $input) {
  certificate { delivery { method } } userErrors { field code message } } }"""

VERIFY = """query($code: String) { certificateVerify(verificationCode: $code, reasonForUse: "银行开户核验") {
  valid certificate { number } report { indication chainsToTrustAnchor } } }"""

CITY_ITEM = "ZS-SCJG-004"  # 特种设备使用登记: city-market only, never delegated
DELEGATED = "ZS-ZRZY-004"  # 不动产转移登记: delegated to 定海 (自然资源和规划局定海分局) and 普陀


def routed(desk: Desk, case_id: str, as_: str) -> dict[str, Any]:
    body = desk.api.gql(ROUTED, {"id": case_id}, as_=as_)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["application"]
    return result


def hidden(api: Api, case_id: str, as_: str) -> bool:
    body = api.gql(ROUTED, {"id": case_id}, as_=as_)
    return body["data"] is None and body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def issue(api: Api, case_id: str, as_: str) -> dict[str, Any]:
    payload: dict[str, Any] = api.gql(ISSUE, {"input": {"applicationId": case_id}}, as_=as_)["data"]["certificateIssue"]
    return payload


def deliver(api: Api, cert_id: str, as_: str) -> list[str]:
    value = {"id": cert_id, "method": "WINDOW"}
    payload = api.gql(DELIVER, {"input": value}, as_=as_)["data"]["certificateDeliver"]
    return [e["code"] for e in payload["userErrors"]]


def test_seed000_township_window_accepts_a_city_item_the_city_decides_the_township_delivers(desk: Desk) -> None:
    """「在地受理…按职权内部流转,实现一站式服务,一个窗口进出」: 环南街道 takes a city power."""
    clerk = "clerk-hn-song"  # 定海区环南街道便民服务中心
    case = desk.file(CITY_ITEM, as_=clerk, applicant="applicant-wang", centre="dinghai-huannan")
    filed = routed(desk, case["id"], clerk)
    assert filed["centre"] == {"id": gid("Centre", "dinghai-huannan")}
    assert filed["competentCentre"] == {"id": gid("Centre", "zs-city")}
    assert filed["leadDepartment"] == {"id": gid("Department", "city-market")}
    desk.accept(case["id"], clerk)  # the township window accepts; no city clerk is involved
    # 审批资料网上流转: the city reviewer works on the very files received at the township window.
    assert routed(desk, case["id"], "reviewer-market-zhao")["materials"] == filed["materials"]
    desk.review(case["id"], "reviewer-market-zhao")
    assert desk.decide(case["id"], "approver-market-mao")["decision"]["outcome"] == "APPROVED"
    # The city bureau issues under its own name (the competent centre's bureau).
    assert [n["applicationId"] for n in desk.inbox("ISSUANCE", "bureau-sun")] == [case["id"]]
    issued = issue(desk.api, case["id"], "bureau-sun")
    assert issued["userErrors"] == [] and issued["certificate"]["authorityName"] == "舟山市行政审批局"
    cert_id = issued["certificate"]["id"]
    # 统一送达: handed over at the window that took the case, not at the city's.
    assert deliver(desk.api, cert_id, "clerk-li") == ["WRONG_WINDOW"]
    assert deliver(desk.api, cert_id, "bureau-sun") == ["WRONG_WINDOW"]
    assert deliver(desk.api, cert_id, clerk) == []
    timeline = desk.timeline(case["id"])
    assert [e["action"] for e in timeline][-2:] == ["ISSUE_CERTIFICATE", "DELIVER_CERTIFICATE"]
    assert timeline[-1]["actor"] == clerk


def test_seed000_district_approver_decides_a_delegated_item_and_its_bureau_issues_under_its_own_name(
    desk: Desk,
) -> None:
    """「市级下放给两区、功能区的事权,实行同权审批」; seed 003 二(七) 明确各新区行政审批局电子签章的法律效力."""
    case = desk.file(DELEGATED, centre="dinghai")
    filed = routed(desk, case["id"], "applicant-wang")
    assert filed["competentCentre"] == {"id": gid("Centre", "dinghai")}
    assert filed["leadDepartment"] == {"id": gid("Department", "dinghai-natural-resources")}
    desk.accept(case["id"], "clerk-dh-sun")
    # The city department that delegated the power no longer sees the case, nor acts on it.
    assert hidden(desk.api, case["id"], "reviewer-nr-yu")
    value = {"id": case["id"], "opinion": "AGREE", "text": "同意"}
    assert desk.refused("applicationReview", value, as_="reviewer-nr-yu") == ["NOT_FOUND"]
    assert desk.inbox("REVIEW", "reviewer-nr-yu") == []
    assert [n["applicationId"] for n in desk.inbox("REVIEW", "reviewer-dhnr-fang")] == [case["id"]]
    desk.review(case["id"], "reviewer-dhnr-fang")
    decide = {"id": case["id"], "outcome": "APPROVED", "reason": "同意", "legalBasis": ""}
    assert desk.refused("applicationDecide", decide, as_="approver-nr-chen") == ["NOT_FOUND"]
    assert desk.decide(case["id"], "approver-dhnr-hong")["decision"]["outcome"] == "APPROVED"
    # The district bureau issues; the city bureau above it does not (the district has its own).
    assert issue(desk.api, case["id"], "bureau-sun")["userErrors"][0]["code"] == "NOT_FOUND"
    assert desk.inbox("ISSUANCE", "bureau-sun") == []
    issued = issue(desk.api, case["id"], "bureau-dh-jiang")
    assert issued["userErrors"] == [], issued
    cert = issued["certificate"]
    assert cert["authorityName"] == "定海区行政审批局"
    assert cert["number"].startswith("DINGHAI-BUREAU-2026-") and cert["number"].endswith("-000001")
    verified = desk.api.gql(VERIFY, {"code": cert["verificationCode"]})["data"]["certificateVerify"]
    assert verified["valid"] is True and verified["report"]["indication"] == "PASSED"
    assert verified["report"]["chainsToTrustAnchor"] is True
    # Sealed with the district bureau's own registered seal, not the city's (issue 13 point 4).
    registration = 'query($code: String) { certificateVerify(verificationCode: $code, reasonForUse: "银行开户核验") { report { registration { registered authorityCode } } } }'
    pinned = desk.api.gql(registration, {"code": cert["verificationCode"]})["data"]["certificateVerify"]
    assert pinned["report"]["registration"] == {"registered": True, "authorityCode": "dinghai-bureau"}
    assert deliver(desk.api, cert["id"], "clerk-dh-sun") == []


def test_seed000_the_city_still_handles_the_same_item_under_its_own_competence(desk: Desk) -> None:
    """A case filed at the city for a delegated item stays with the city department (fixed at filing)."""
    case = desk.file(DELEGATED, centre="zs-city")
    filed = routed(desk, case["id"], "applicant-wang")
    assert filed["competentCentre"] == {"id": gid("Centre", "zs-city")}
    assert filed["leadDepartment"] == {"id": gid("Department", "city-natural-resources")}
    desk.accept(case["id"])
    assert hidden(desk.api, case["id"], "reviewer-dhnr-fang")
    desk.review(case["id"], "reviewer-nr-yu")
    # A district acting on a case of the power the city exercises itself: as for an unknown case.
    decide = {"id": case["id"], "outcome": "APPROVED", "reason": "同意", "legalBasis": ""}
    assert desk.refused("applicationDecide", decide, as_="approver-dhnr-hong") == ["NOT_FOUND"]
    # 白泉镇 lies under 定海: a case taken there goes to the nearest holder, 定海, not the city.
    township = desk.file(DELEGATED, as_="applicant-zhou", centre="dinghai-baiquan")
    assert routed(desk, township["id"], "applicant-zhou")["competentCentre"] == {"id": gid("Centre", "dinghai")}


def test_seed000_district_supervisor_sees_its_subtree_only(desk: Desk) -> None:
    """「两区行政审批管理机构负责对乡镇(街道)和社区服务中心的指导和管理」; the city keeps the whole network."""
    city_case = desk.file(CITY_ITEM)
    township_case = desk.file(CITY_ITEM, as_="applicant-zhou", centre="dinghai-huannan")
    district_case = desk.file(DELEGATED, centre="dinghai")
    putuo_case = desk.file(DELEGATED, as_="applicant-zhou", centre="putuo")
    district = "supervisor-dh-cai"
    assert hidden(desk.api, city_case["id"], district)
    assert hidden(desk.api, putuo_case["id"], district)
    assert routed(desk, township_case["id"], district)["centre"] == {"id": gid("Centre", "dinghai-huannan")}
    assert routed(desk, district_case["id"], district)["competentCentre"] == {"id": gid("Centre", "dinghai")}
    for case in (city_case, township_case, district_case, putuo_case):
        assert routed(desk, case["id"], "supervisor-fang")["state"] == "SUBMITTED"
    # A refused action by a supervisor outside the subtree is the same as an unknown case.
    value = {"id": city_case["id"], "days": 2, "reason": "延期"}
    assert desk.refused("applicationExtensionGrant", value, as_=district) == ["NOT_FOUND"]


def test_routing_costs_the_same_requests_at_any_window(desk: Desk, ddb_calls: CallCounter, clock: Clock) -> None:
    """Routing costs no request when the process's copy of the hierarchy is warm (one Query when
    cold: services/reference_cache.py), whatever the depth of the intake centre."""
    from chalicelib.services.reference_cache import CENTRE_HIERARCHY

    value = desk.file_input(CITY_ITEM, as_="applicant-wang")
    CENTRE_HIERARCHY.invalidate()  # as in a cold process
    ddb_calls.reset()
    desk.ok("applicationFile", value, as_="applicant-wang")  # cold: this filing reads the hierarchy
    assert dict(ddb_calls.calls) == {"GetItem": 1, "Query": 2, "TransactWriteItems": 1}
    counts = []
    for centre, who in (("zs-city", "applicant-wang"), ("dinghai-huannan", "applicant-zhou")):
        value = desk.file_input(CITY_ITEM, as_=who, centre=centre)
        ddb_calls.reset()
        desk.ok("applicationFile", value, as_=who)
        counts.append(dict(ddb_calls.calls))
    value = desk.file_input(DELEGATED, centre="dinghai-baiquan")
    ddb_calls.reset()
    desk.ok("applicationFile", value, as_="applicant-wang")
    counts.append(dict(ddb_calls.calls))
    assert counts[0] == counts[1]
    # Query: the person's consultations (first contact, seed 004); the hierarchy is warm
    assert counts[0] == {"GetItem": 1, "Query": 1, "TransactWriteItems": 1}
    # A power delegated to the competent centre also reads that centre's local tuning (seed 003
    # 二(五)1): one GetItem more, the same at any window.
    assert counts[2] == {"GetItem": 2, "Query": 1, "TransactWriteItems": 1}


STATISTICS = """query($scope: StatisticsScopeInput!, $from: Date!, $to: Date!) {
  statistics(scope: $scope, from: $from, to: $to) { received accepted } }"""


def centre_figures(api: Api, centre: str, as_: str) -> Any:
    variables = {"scope": {"kind": "CENTRE", "id": gid("Centre", centre)}, "from": "2026-11-01", "to": "2026-11-30"}
    return api.gql(STATISTICS, variables, as_=as_)


def test_seed000_statistics_roll_up_the_subtree_and_stay_in_scope(desk: Desk, ddb_calls: CallCounter) -> None:
    """Seed 000 三(三)2 「区、功能区按时上报项目办理情况」: a centre's figures include the centres below it."""
    desk.file(CITY_ITEM)  # city window
    desk.file(CITY_ITEM, as_="applicant-zhou", centre="dinghai-huannan")  # township window (定海)
    desk.file(DELEGATED, centre="dinghai")  # district window
    desk.file(DELEGATED, as_="applicant-zhou", centre="putuo")  # another district

    def received(centre: str, as_: str = "supervisor-fang") -> int:
        body = centre_figures(desk.api, centre, as_)
        assert "errors" not in body, body
        value: int = body["data"]["statistics"]["received"]
        return value

    assert received("dinghai-huannan") == 1
    assert received("dinghai") == 2  # its own window and its township's
    assert received("putuo") == 1
    assert received("zs-city") == 4  # the whole network
    ddb_calls.reset()
    assert received("dinghai", "supervisor-dh-cai") == 2
    # One Query for the hierarchy (scope check and subtree) and one per centre of the subtree (in parallel).
    assert dict(ddb_calls.calls) == {"Query": 1 + 3}
    # A district supervisor sees its own subtree only.
    for outside in ("zs-city", "putuo"):
        body = centre_figures(desk.api, outside, "supervisor-dh-cai")
        assert body["errors"][0]["extensions"]["code"] == "SCOPE_FORBIDDEN"
    scope = {"kind": "DEPARTMENT", "id": gid("Department", "city-market")}
    body = desk.api.gql(STATISTICS, {"scope": scope, "from": "2026-11-01", "to": "2026-11-30"}, as_="supervisor-dh-cai")
    assert body["errors"][0]["extensions"]["code"] == "SCOPE_FORBIDDEN"


def test_seed004_rejection_reports_reach_the_supervisors_overseeing_the_case(desk: Desk) -> None:
    """A refusal filed for confirmation (否认报备) shows in the worklist of the supervisors over the case."""
    city = desk.file(CITY_ITEM)
    district = desk.file(DELEGATED, as_="applicant-zhou", centre="dinghai")
    for case, clerk, reviewer, approver in (
        (city, "clerk-li", "reviewer-market-zhao", "approver-market-mao"),
        (district, "clerk-dh-sun", "reviewer-dhnr-fang", "approver-dhnr-hong"),
    ):
        desk.accept(case["id"], clerk)
        desk.review(case["id"], reviewer)
        value = {
            "id": case["id"],
            "outcome": "REJECTED",
            "reason": "不符合条件",
            "legalBasis": "《行政许可法》第三十八条",
        }
        desk.ok("applicationDecide", value, as_=approver)
    assert {n["applicationId"] for n in desk.inbox("REJECTION_REPORTS", "supervisor-fang")} == {
        city["id"],
        district["id"],
    }
    assert [n["applicationId"] for n in desk.inbox("REJECTION_REPORTS", "supervisor-dh-cai")] == [district["id"]]
    value = {"id": city["id"], "note": "同意"}
    assert desk.refused("rejectionReportConfirm", value, as_="supervisor-dh-cai") == ["NOT_FOUND"]
    ledger = '{ rejectionLedger(month: "2026-11", first: 20) { nodes { applicationId } } }'
    nodes = desk.api.gql(ledger, as_="supervisor-dh-cai")["data"]["rejectionLedger"]["nodes"]
    assert [n["applicationId"] for n in nodes] == [district["id"]]
    nodes = desk.api.gql(ledger, as_="supervisor-fang")["data"]["rejectionLedger"]["nodes"]
    assert {n["applicationId"] for n in nodes} == {city["id"], district["id"]}


def test_routed_case_detail_and_scoped_worklist_cost_constant_requests(desk: Desk, ddb_calls: CallCounter) -> None:
    """The routing fields of a case load with the page's other references (one batch for all)."""
    case = desk.file("ZS-ZRZY-001", centre="dinghai-huannan")  # joint city item, taken at a township
    ddb_calls.reset()
    routed_case = routed(desk, case["id"], "supervisor-dh-cai")
    assert routed_case["competentCentre"] == {"id": gid("Centre", "zs-city")}
    assert len(routed_case["coReviewingDepartments"]) == 2
    # The case; its centres and departments in one BatchGetItem (issue 14: 3 -> 2).
    assert dict(ddb_calls.calls) == {"GetItem": 1, "BatchGetItem": 1}
    ddb_calls.reset()
    assert desk.inbox("REJECTION_REPORTS", "supervisor-dh-cai") == []
    assert dict(ddb_calls.calls) == {"Query": 1, "BatchGetItem": 1}  # the worklist, the caller's centre
