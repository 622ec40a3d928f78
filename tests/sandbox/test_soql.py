"""Unit tests for the SOQL subset: parsing, binding errors, filtering and ordering."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox import soql

SCHEMA = {f.name.lower(): f for f in (
    soql.FieldInfo("Id", "id"),
    soql.FieldInfo("IsDeleted", "boolean"),
    soql.FieldInfo("Email", "email"),
    soql.FieldInfo("Status", "picklist"),
    soql.FieldInfo("NumberOfEmployees", "int"),
    soql.FieldInfo("SystemModstamp", "datetime"),
    soql.FieldInfo("ConvertedDate", "date"),
    soql.FieldInfo("OwnerId", "reference"),
)}

ROWS: list[dict[str, Any]] = [
    {"Id": "00Q000000000001AAA", "IsDeleted": False, "Email": "Ana@Acme.io", "Status": "Open",
     "NumberOfEmployees": 50, "SystemModstamp": "2025-01-01T10:00:00.000+0000",
     "ConvertedDate": None, "OwnerId": "005A"},
    {"Id": "00Q000000000002AAA", "IsDeleted": False, "Email": "bo@beta.com", "Status": "Working",
     "NumberOfEmployees": None, "SystemModstamp": "2025-01-02T10:00:00.000+0000",
     "ConvertedDate": "2025-01-05", "OwnerId": "005B"},
    {"Id": "00Q000000000003AAA", "IsDeleted": True, "Email": None, "Status": "Closed",
     "NumberOfEmployees": 10, "SystemModstamp": "2025-01-01T23:30:00.000+0000",
     "ConvertedDate": None, "OwnerId": "005A"},
    {"Id": "00Q000000000004AAA", "IsDeleted": False, "Email": "it's@quote.io", "Status": "open",
     "NumberOfEmployees": 500, "SystemModstamp": "2025-01-03T00:00:00.000+0000",
     "ConvertedDate": "2025-02-01", "OwnerId": "005B"},
]


def run(text: str) -> list[str]:
    """Ids the query selects from ROWS, in result order (OFFSET/LIMIT applied)."""
    plan = soql.bind(soql.parse(text), "Lead", SCHEMA)
    rows = [r for r in ROWS if plan.predicate is None or plan.predicate(r)]
    if plan.order:
        rows = soql.order_rows(rows, plan.order)
    stop = None if plan.limit is None else plan.offset + plan.limit
    return [r["Id"][-4:-3] for r in rows[plan.offset:stop]]


def error_of(text: str) -> soql.SoqlError:
    with pytest.raises(soql.SoqlError) as info:
        soql.bind(soql.parse(text), "Lead", SCHEMA)
    return info.value


def test_parse_shape() -> None:
    q = soql.parse("select Id, email FROM lead WHERE Status = 'Open' ORDER BY SystemModstamp DESC "
                   "NULLS LAST, Id LIMIT 10 OFFSET 5")
    assert [name for name, _ in q.fields] == ["Id", "email"]
    assert q.sobject == "lead" and q.limit == 10 and q.offset == 5 and not q.count_only
    assert [(o.field, o.descending, o.nulls_last) for o in q.order_by] == [
        ("SystemModstamp", True, True), ("Id", False, False)]
    assert soql.parse("SELECT COUNT() FROM Lead").count_only


def test_bind_uses_canonical_field_names() -> None:
    plan = soql.bind(soql.parse("SELECT id, EMAIL FROM Lead"), "Lead", SCHEMA)
    assert plan.fields == ("Id", "Email")


def test_string_escapes() -> None:
    cond = soql.parse(r"SELECT Id FROM Lead WHERE Email = 'it\'s@quote.io\n\\'").where
    assert isinstance(cond, soql.Comparison) and isinstance(cond.value, soql.Literal)
    assert cond.value.value == "it's@quote.io\n\\"


@pytest.mark.parametrize(("where", "expected"), [
    ("Status = 'open'", ["1", "4"]),  # text equality is case-insensitive
    ("Status != 'Open'", ["2", "3"]),
    ("Email = null", ["3"]),
    ("Email != null", ["1", "2", "4"]),
    ("NumberOfEmployees > 10", ["1", "4"]),  # null never satisfies an ordering comparison
    ("NumberOfEmployees <= 50", ["1", "3"]),
    ("NumberOfEmployees != 50", ["2", "3", "4"]),  # null is a value: != matches it
    ("IsDeleted = true", ["3"]),
    ("Status IN ('Working', 'closed')", ["2", "3"]),
    ("Status NOT IN ('Working', 'closed')", ["1", "4"]),
    ("Email IN ('bo@beta.com', null)", ["2", "3"]),
    ("Email LIKE '%acme%'", ["1"]),
    ("Email LIKE '_o@%'", ["2"]),
    ("Email = 'it\\'s@quote.io'", ["4"]),
    ("ConvertedDate >= 2025-01-05", ["2", "4"]),
    ("ConvertedDate < 2025-02-01", ["2"]),
    # Instants, whatever the offset: 2025-01-02T00:30+01:00 is 2025-01-01T23:30Z.
    ("SystemModstamp = 2025-01-02T00:30:00+01:00", ["3"]),
    ("SystemModstamp > 2025-01-01T23:30:00.000Z", ["2", "4"]),
    ("SystemModstamp >= 2025-01-01T18:30:00-05:00", ["2", "3", "4"]),
    ("OwnerId = '005A' AND Status = 'Open'", ["1"]),
    ("OwnerId = '005A' OR Status = 'Working'", ["1", "2", "3"]),
    ("NOT Status = 'Open'", ["2", "3"]),
    ("(OwnerId = '005A' OR Status = 'Working') AND NOT (IsDeleted = true)", ["1", "2"]),
    ("OwnerId = '005B' AND (Status = 'Working' OR NumberOfEmployees > 100)", ["2", "4"]),
])
def test_where(where: str, expected: list[str]) -> None:
    assert run(f"SELECT Id FROM Lead WHERE {where}") == expected


@pytest.mark.parametrize(("order", "expected"), [
    ("SystemModstamp", ["1", "3", "2", "4"]),
    ("SystemModstamp DESC", ["4", "2", "3", "1"]),
    ("NumberOfEmployees", ["2", "3", "1", "4"]),  # nulls first by default
    ("NumberOfEmployees NULLS LAST", ["3", "1", "4", "2"]),
    ("NumberOfEmployees DESC", ["2", "4", "1", "3"]),
    ("NumberOfEmployees DESC NULLS LAST", ["4", "1", "3", "2"]),
    ("Status, Id DESC", ["3", "4", "1", "2"]),  # case-insensitive text: closed, open, Open, ...
    ("OwnerId DESC, SystemModstamp", ["2", "4", "1", "3"]),
])
def test_order_by(order: str, expected: list[str]) -> None:
    assert run(f"SELECT Id FROM Lead ORDER BY {order}") == expected


def test_limit_and_offset() -> None:
    assert run("SELECT Id FROM Lead ORDER BY Id LIMIT 2 OFFSET 1") == ["2", "3"]


def test_split_range_for_index_bisection() -> None:
    plan = soql.bind(soql.parse(
        "SELECT Id FROM Lead WHERE SystemModstamp >= 2025-01-01T00:00:00Z AND Status = 'Open' "
        "AND SystemModstamp < 2025-01-02T00:00:00Z AND SystemModstamp > 2024-01-01T00:00:00Z"),
        "Lead", SCHEMA)
    bounds, residual = plan.split_range("SystemModstamp")
    assert bounds == soql.Bounds("2025-01-01T00:00:00.000", True, "2025-01-02T00:00:00.000", False)
    # Only the Status condition is left to evaluate per row.
    assert residual is not None and [r["Id"][-4] for r in ROWS if residual(r)] == ["1", "4"]
    # OR cannot be turned into a range: everything stays in the residual predicate.
    plan = soql.bind(soql.parse("SELECT Id FROM Lead WHERE SystemModstamp > 2025-01-01T00:00:00Z "
                                "OR Status = 'x'"), "Lead", SCHEMA)
    assert plan.split_range("SystemModstamp")[0] is None


@pytest.mark.parametrize(("text", "message"), [
    ("SELECT Id FROM Lead WHERE", "unexpected token: <EOF>"),
    ("SELECT Id Lead", "unexpected token: Lead"),
    ("SELECT Id FROM Lead WHERE Status = 'a' AND Email = 'b' OR Id = 'c'", "unexpected token: OR"),
    ("SELECT Id FROM Lead WHERE Status = 'open", "unexpected token: <EOF>"),
    ("SELECT Id FROM Lead LIMIT -1", "unexpected token: -1"),
    ("SELECT Id FROM Lead WHERE Status = TODAY", "unexpected token: TODAY"),
    ("SELECT Id, Id FROM Lead", "duplicate field selected: Id"),
])
def test_malformed(text: str, message: str) -> None:
    err = error_of(text)
    assert err.error_code == "MALFORMED_QUERY"
    assert err.message.endswith("\n" + message)


def test_invalid_field_message_points_at_the_column() -> None:
    err = error_of("SELECT Id, Nope__c FROM Lead")
    assert err.error_code == "INVALID_FIELD"
    assert err.message == (
        "\nSELECT Id, Nope__c FROM Lead\n           ^\nERROR at Row:1:Column:12\n"
        "No such column 'Nope__c' on entity 'Lead'. If you are attempting to use a custom field, "
        "be sure to append the '__c' after the custom field name. Please reference your WSDL or "
        "the describe call for the appropriate names.")


def test_row_and_column_on_later_lines() -> None:
    err = error_of("SELECT Id\nFROM Lead\nWHERE Bogus = 1")
    assert "\nWHERE Bogus = 1\n      ^\nERROR at Row:3:Column:7\nNo such column 'Bogus'" in (
        err.message)


@pytest.mark.parametrize(("where", "expected_type"), [
    ("SystemModstamp > 2025-01-01", "must be of type dateTime and should not be enclosed"),
    ("SystemModstamp > '2025-01-01T00:00:00Z'", "must be of type dateTime"),
    ("IsDeleted = 'true'", "must be of type boolean"),
    ("Email = 5", "must be of type string and should be enclosed in quotes"),
    ("NumberOfEmployees > '5'", "must be of type int"),
])
def test_literal_type_mismatch(where: str, expected_type: str) -> None:
    err = error_of(f"SELECT Id FROM Lead WHERE {where}")
    assert err.error_code == "INVALID_FIELD" and expected_type in err.message


def test_relationship_paths_are_not_understood() -> None:
    err = error_of("SELECT Owner.Name FROM Lead")
    assert err.error_code == "INVALID_FIELD"
    assert "Didn't understand relationship 'Owner'" in err.message


def test_fields_describe_marks_unfilterable_or_unsortable() -> None:
    schema = {**SCHEMA, "oldvalue": soql.FieldInfo("OldValue", "anyType", False, False)}
    for text, use in (("SELECT Id FROM Lead WHERE OldValue = 'x'", "filtered"),
                      ("SELECT Id FROM Lead ORDER BY oldvalue", "sorted")):
        with pytest.raises(soql.SoqlError) as info:
            soql.bind(soql.parse(text), "Lead", schema)
        assert info.value.error_code == "INVALID_FIELD"
        assert info.value.message.endswith(f"field 'OldValue' can not be {use} in a query call")
    assert soql.bind(soql.parse("SELECT OldValue FROM Lead"), "Lead", schema).fields == (
        "OldValue",)


def test_offset_above_2000() -> None:
    with pytest.raises(soql.SoqlError) as info:
        soql.parse("SELECT Id FROM Lead OFFSET 2001")
    assert info.value.error_code == "NUMBER_OUTSIDE_VALID_RANGE"


def test_unknown_object_error() -> None:
    err = soql.unknown_object_error(soql.parse("SELECT Id FROM Leed"))
    assert err.error_code == "INVALID_TYPE"
    assert err.message.startswith("\nSELECT Id FROM Leed\n               ^\n"
                                  "ERROR at Row:1:Column:16\nsObject type 'Leed' is not supported.")
