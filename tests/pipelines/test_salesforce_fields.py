"""Salesforce field definitions land from describe, picklist values included, read whole."""

from __future__ import annotations

import json

from pipelines.ingestion import asset_key
from pipelines.streams import SALESFORCE_FIELDS, SALESFORCE_OBJECTS
from tests.pipelines.conftest import query
from tests.pipelines.ingest import ingest


def test_field_definitions_land_with_the_lead_status_picklist(pipeline_env, sandbox) -> None:
    point_at, warehouse = pipeline_env
    point_at(sandbox)
    assert ingest(keys=[asset_key(SALESFORCE_FIELDS)]).success
    declared = sandbox.world.salesforce["describe"]
    ids = {row[0] for row in query(warehouse, "select id from raw_salesforce.fields")}
    # every landed object's fields (describe adds Id where the world leaves it out)
    assert ids >= {f"{sobject}.{field['name']}" for sobject in SALESFORCE_OBJECTS
                   for field in declared[sobject]["fields"]}
    assert {identifier.partition(".")[0] for identifier in ids} == set(SALESFORCE_OBJECTS)
    [(record,)] = query(warehouse, "select record::varchar from raw_salesforce.fields "
                                   "where id = 'Lead.Status'")
    status = json.loads(record)
    assert status["objectType"] == "Lead" and status["type"] == "picklist"
    assert [value["value"] for value in status["picklistValues"]] == [
        "Open - Not Contacted", "Working - Contacted", "Qualified", "Unqualified"]

    # read whole each run: a field no longer described leaves the table
    sandbox.settings.salesforce_hidden_fields = ("Lead.Industry",)
    sandbox.set_world(sandbox.world)
    assert ingest(keys=[asset_key(SALESFORCE_FIELDS)]).success
    remaining = {row[0] for row in query(warehouse, "select id from raw_salesforce.fields")}
    assert remaining == ids - {"Lead.Industry"}
