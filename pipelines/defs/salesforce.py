"""Salesforce ingestion: one asset per object, landed in schema ``raw_salesforce``."""

import dagster as dg

from pipelines.defs.resources import SalesforceResource, WarehouseResource
from pipelines.ingestion import asset_key, land_stream, quarantine_check_spec
from pipelines.streams import SALESFORCE_OBJECTS

LEAD_FIELDS = [
    "Id", "IsDeleted", "FirstName", "LastName", "Email", "Company", "Status", "LeadSource",
    "OwnerId", "IsConverted", "ConvertedDate", "ConvertedContactId", "ConvertedOpportunityId",
    "Disqualification_Reason__c", "CreatedDate", "LastModifiedDate", "SystemModstamp",
]

LEADS = SALESFORCE_OBJECTS["Lead"]


@dg.multi_asset(
    specs=[dg.AssetSpec(asset_key(LEADS), group_name="salesforce",
                        kinds={"salesforce", "duckdb"},
                        description="Salesforce Leads, deleted ones included, one row per Id.")],
    check_specs=[quarantine_check_spec(LEADS)],
    retry_policy=dg.RetryPolicy(max_retries=2, delay=10),
)
def salesforce_raw(context: dg.AssetExecutionContext, salesforce: SalesforceResource,
                   warehouse: WarehouseResource):
    client = salesforce.client()
    soql = f"SELECT {', '.join(LEAD_FIELDS)} FROM Lead"
    leads = client.query(soql, include_deleted=True)
    yield from land_stream(context, warehouse.warehouse(), LEADS, leads, client.session,
                           "SALESFORCE_LOGIN_URL, SALESFORCE_CLIENT_ID and "
                           "SALESFORCE_CLIENT_SECRET")
