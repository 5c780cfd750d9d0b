"""The strict account evaluates an alarm's metric queries as CloudWatch does."""

from __future__ import annotations

from constructs_lib_testing.strict.alarms import query_value


def test_queries_are_evaluated_in_dependency_order_not_listed_order() -> None:
    # CDK lists an alarm's expression before the queries it uses.
    queries = [
        {
            "Id": "ratio",
            "Expression": "visible / IF(inService > 0, inService, 1)",
            "ReturnData": True,
        },
        {"Id": "visible", "Expression": "240", "ReturnData": False},
        {"Id": "inService", "Expression": "2", "ReturnData": False},
    ]
    assert query_value(queries, "123456789012", "us-east-1", 0.0, 60) == 120.0
