"""The permission audit: every field and mutation in the schema declares who may use it.

Query and Mutation fields need their own rule; fields of other object types need their own
rule or a type-level `@visible_to` rule. A new field without one fails this test.
"""

from __future__ import annotations

from graphql import GraphQLObjectType

from chalicelib.api.permissions import ACCESS_KEY
from chalicelib.api.schema import build_schema
from chalicelib.config import Settings


def audit() -> tuple[dict[str, str], list[str]]:
    schema = build_schema(Settings())
    rules: dict[str, str] = {}
    missing: list[str] = []
    for name, gql_type in schema._schema.type_map.items():
        if name.startswith("__") or not isinstance(gql_type, GraphQLObjectType):
            continue
        definition = gql_type.extensions["strawberry-definition"]
        type_rule = None
        if name not in {"Query", "Mutation"}:
            origin = getattr(definition, "concrete_of", None) or definition
            type_rule = getattr(origin.origin, "__uap_access__", None)
        for strawberry_field in definition.fields:
            rule = strawberry_field.metadata.get(ACCESS_KEY) or type_rule
            qualified = f"{name}.{strawberry_field.python_name}"
            if rule is None:
                missing.append(qualified)
            else:
                rules[qualified] = rule.describe
    return rules, missing


def test_every_field_and_mutation_declares_a_rule() -> None:
    rules, missing = audit()
    assert not missing, f"fields without a declared access rule: {missing}"
    assert len(rules) > 100


def test_catalogue_administration_is_admin_only_and_browsing_public() -> None:
    rules, _ = audit()
    catalogue = {k: v for k, v in rules.items() if k.startswith("Mutation.service_item_")}
    assert len(catalogue) == 6 and set(catalogue.values()) == {"roles:admin"}
    assert rules["Query.service_items"] == "public"
    assert rules["Query.me"] == "authenticated"
    assert rules["Centre.window_posts"].startswith("roles:")
    assert rules["ServiceItemVersion.actor_id"].startswith("roles:")


def test_lifecycle_mutations_are_limited_to_the_roles_that_perform_them() -> None:
    rules, _ = audit()
    assert rules["Mutation.application_file"] == "roles:agent,applicant,clerk"
    assert rules["Mutation.application_accept"] == "roles:clerk"
    assert rules["Mutation.application_notice_issue"] == "roles:clerk"
    assert rules["Mutation.application_review"] == "roles:reviewer"
    assert rules["Mutation.application_decide"] == "roles:approver"
    assert rules["Mutation.rejection_report_confirm"] == "roles:supervisor"
    assert rules["Mutation.application_extension_grant"] == "roles:supervisor"
    assert rules["Query.rejection_ledger"] == "roles:supervisor"
    assert rules["Application.accepted_by"].startswith("roles:")  # staff only
