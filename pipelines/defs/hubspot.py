"""HubSpot ingestion: one asset per stream, landed in schema ``raw_hubspot``."""

import dagster as dg

from pipelines.defs.resources import HubSpotResource, WarehouseResource
from pipelines.ingestion import asset_key, land_stream, quarantine_check_spec
from pipelines.streams import HUBSPOT_CONTACTS as CONTACTS

CONTACT_PROPERTIES = [
    "email", "firstname", "lastname", "company", "jobtitle", "hubspotscore", "lifecyclestage",
    "hubspot_owner_id", "hs_analytics_source", "hs_merged_object_ids", "createdate",
    "lastmodifieddate",
]


@dg.multi_asset(
    specs=[dg.AssetSpec(asset_key(CONTACTS), group_name="hubspot", kinds={"hubspot", "duckdb"},
                        description="HubSpot contacts, current and archived, one row per id.")],
    check_specs=[quarantine_check_spec(CONTACTS)],
    retry_policy=dg.RetryPolicy(max_retries=2, delay=10),
)
def hubspot_raw(context: dg.AssetExecutionContext, hubspot: HubSpotResource,
                warehouse: WarehouseResource):
    client = hubspot.client()

    def contacts():
        yield from client.list_objects("contacts", CONTACT_PROPERTIES)
        yield from client.list_objects("contacts", CONTACT_PROPERTIES, archived=True)

    yield from land_stream(context, warehouse.warehouse(), CONTACTS, contacts(), client.session,
                           "HUBSPOT_API_BASE and HUBSPOT_ACCESS_TOKEN")
