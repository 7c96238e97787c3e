"""Seed 003 二(五)1: a receiving centre tunes a delegated item's procedure and deficiency list."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.delegation_flows import DELEGATED_ITEM, ZONE, ZONE_ADMIN, ok, run, tuning_input, zone_admin, zone_case
from tests.flows import gid, op


def test_seed003_centre_tunes_procedure_and_deficiency_and_public_sees_it(api: Api, clock: Any) -> None:
    tuned = ok(api, "LocalTuningSet", tuning_input(), as_=ZONE_ADMIN)["localTuning"]
    assert tuned["deficiencyMaterialCodes"] == ["M04"] and len(tuned["procedure"]) == 2
    local = api.gql(
        op("LocalServiceItem"), {"itemId": gid("ServiceItem", DELEGATED_ITEM), "centreId": gid("Centre", ZONE)}
    )["data"]["localServiceItem"]
    assert [s["name"] for s in local["procedure"]] == ["受理", "审查决定"]
    kinds = {m["code"]: m["kind"] for m in local["materials"]}
    assert kinds == {
        "M01": "PRIMARY",
        "M02": "PRIMARY",
        "M03": "PRIMARY",
        "M04": "SECONDARY",
        "M05": "PRIMARY",
        "M06": "PRIMARY",
        "M07": "PRIMARY",  # applies only when the form declares online sales
    }
    assert "本中心不适用容缺受理" in next(m["note"] for m in local["materials"] if m["code"] == "M05")
    # The city's own version is untouched.
    city = api.gql(op("ServiceItemDetail"), {"id": gid("ServiceItem", DELEGATED_ITEM)})["data"]["serviceItem"]
    assert len(city["procedure"]) == 5
    assert {m["code"]: m["kind"] for m in city["materials"]}["M05"] == "SECONDARY"
    listed = api.gql(op("LocalTunings"), {"centreId": gid("Centre", ZONE)})["data"]["localTunings"]["edges"]
    assert [e["node"]["itemCode"] for e in listed] == [DELEGATED_ITEM]

    # At the centre's window only M04 may be missing under a pledge.
    pledge = "2026-11-05"
    strict = zone_case(api).filed(skip=2)  # M04 and M05 missing
    body = api.gql(
        op("ApplicationAcceptWithDeficiency"),
        {"input": {"id": strict.id, "missingMaterialCodes": ["M04", "M05"], "pledgeDueOn": pledge}},
        as_=strict.clerk,
    )
    assert [e["code"] for e in body["data"]["applicationAcceptWithDeficiency"]["userErrors"]] == [
        "DEFICIENCY_PRIMARY_MATERIAL"
    ]
    lenient = zone_case(api).filed(skip=1)  # only M04 missing
    lenient.run(
        "ApplicationAcceptWithDeficiency",
        {"input": {"id": lenient.id, "missingMaterialCodes": ["M04"], "pledgeDueOn": pledge}},
        lenient.clerk,
    )


def test_seed003_tuning_stays_within_the_published_elements(api: Api) -> None:
    body = run(api, "LocalTuningSet", tuning_input(["M01", "M99", "M04", "M04"]), as_=ZONE_ADMIN)
    assert {(e["field"], e["code"]) for e in body["userErrors"]} == {
        ("deficiencyMaterialCodes[0]", "PRIMARY_MATERIAL"),
        ("deficiencyMaterialCodes[1]", "UNKNOWN_MATERIAL"),
        ("deficiencyMaterialCodes[3]", "DUPLICATE"),
    }
    other_item = tuning_input()
    other_item["input"]["itemId"] = gid("ServiceItem", "ZS-SCJG-004")  # not delegated to the zone
    assert [e["code"] for e in run(api, "LocalTuningSet", other_item, as_=ZONE_ADMIN)["userErrors"]] == [
        "NOT_DELEGATED"
    ]
    foreign = api.gql(op("LocalTuningSet"), tuning_input(), token=zone_admin(api, "putuo", "putuo-service-office"))
    assert [e["code"] for e in foreign["data"]["localTuningSet"]["userErrors"]] == ["FORBIDDEN"]
    listed = api.gql(op("LocalTunings"), {"centreId": gid("Centre", ZONE)})["data"]["localTunings"]["edges"]
    assert listed == []  # nothing half-written
    hidden = api.gql(
        op("LocalServiceItem"), {"itemId": gid("ServiceItem", "ZS-SCJG-004"), "centreId": gid("Centre", ZONE)}
    )
    assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"
