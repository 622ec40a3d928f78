"""Metadata the APIs serve: HubSpot property definitions and Salesforce describe results."""

from __future__ import annotations

from typing import Any

from . import catalogue, names
from . import params as pm
from .hubspot_crm import PIPELINES
from .hubspot_records import LIFECYCLE
from .salesforce_records import INTEGRATION_TIME_ZONE, REGION_TIME_ZONES

REF = "reference"
# Salesforce fields per object: (name, type[, referenceTo or picklist values])
_STAMPS = [("Id", "id"), ("IsDeleted", "boolean"), ("CreatedDate", "datetime"),
           ("CreatedById", REF, ["User"]), ("LastModifiedDate", "datetime"),
           ("SystemModstamp", "datetime")]
LEAD_STATUSES = [pm.OPEN_LEAD_STATUS, pm.SAL_LEAD_STATUS, pm.SQL_LEAD_STATUS,
                 pm.REJECTED_LEAD_STATUS]
SF_FIELDS: dict[str, list[tuple[Any, ...]]] = {
    "User": [*(f for f in _STAMPS if f[0] not in ("IsDeleted", "CreatedById")),
             ("Username", "string"), ("Email", "email"), ("FirstName", "string"),
        ("LastName", "string"), ("Name", "string"), ("IsActive", "boolean"),
        ("UserType", "picklist", ["Standard"]), ("Title", "string"),
        ("TimeZoneSidKey", "picklist", sorted({*REGION_TIME_ZONES.values(),
                                               INTEGRATION_TIME_ZONE}))],
    "Account": [*_STAMPS, ("Name", "string"), ("Website", "url"),
                          ("Industry", "picklist", list(names.INDUSTRIES)),
                          ("NumberOfEmployees", "int"), ("BillingCountry", "string"),
                          ("Type", "picklist", ["Prospect", "Customer"]),
                          ("OwnerId", REF, ["User"])],
    "Campaign": [*_STAMPS, ("Name", "string"),
                           ("Type", "picklist", sorted({t for t, _ in names.CAMPAIGN_THEMES})),
                           ("Status", "picklist", ["Planned", "In Progress", "Completed",
                                                   "Aborted"]),
                           ("StartDate", "date"), ("EndDate", "date"),
                           ("BudgetedCost", "currency"), ("ActualCost", "currency"),
                           ("IsActive", "boolean"), ("OwnerId", REF, ["User"])],
    "Lead": [*_STAMPS, ("FirstName", "string"), ("LastName", "string"), ("Name", "string"),
                       ("Company", "string"), ("Email", "email"), ("Title", "string"),
                       ("LeadSource", "picklist", sorted({*pm.LEAD_SOURCE_FOR_HS.values(),
                                                          *pm.DIRECT_LEAD_SOURCES})),
                       ("Status", "picklist", LEAD_STATUSES),
                       ("Industry", "picklist", list(names.INDUSTRIES)), ("Country", "string"),
                       ("OwnerId", REF, ["User", "Group"]), ("IsConverted", "boolean"),
                       ("ConvertedDate", "date"), ("ConvertedContactId", REF, ["Contact"]),
                       ("ConvertedAccountId", REF, ["Account"]),
                       ("ConvertedOpportunityId", REF, ["Opportunity"]),
                       ("Disqualification_Reason__c", "picklist",
                        list(pm.DISQUALIFICATION_REASONS)),
                       ("Email_Domain__c", "string")],
    "LeadHistory": [("Id", "id"), ("IsDeleted", "boolean"), ("LeadId", REF, ["Lead"]),
                    ("CreatedById", REF, ["User"]), ("CreatedDate", "datetime"),
                    ("Field", "picklist", ["created", "Status", "Disqualification_Reason__c",
                                           "leadConverted"]),
                    ("DataType", "picklist", ["DynamicEnum"]), ("OldValue", "anyType"),
                    ("NewValue", "anyType")],
    "CampaignMember": [*_STAMPS, ("CampaignId", REF, ["Campaign"]), ("LeadId", REF, ["Lead"]),
                                 ("ContactId", REF, ["Contact"]),
                                 ("Status", "picklist", ["Sent", "Responded"]),
                                 ("HasResponded", "boolean"), ("FirstRespondedDate", "date")],
    "Contact": [*_STAMPS, ("AccountId", REF, ["Account"]), ("FirstName", "string"),
                          ("LastName", "string"), ("Name", "string"), ("Email", "email"),
                          ("Title", "string"), ("LeadSource", "picklist", ["Web", "Other"]),
                          ("OwnerId", REF, ["User"])],
    "Opportunity": [*_STAMPS, ("Name", "string"), ("AccountId", REF, ["Account"]),
                              ("StageName", "picklist", list(pm.STAGE_PROBABILITY)),
                              ("Amount", "currency"), ("CloseDate", "date"),
                              ("IsClosed", "boolean"), ("IsWon", "boolean"),
                              ("Probability", "percent"), ("ExpectedRevenue", "currency"),
                              ("ForecastCategoryName", "picklist",
                               sorted({v[0] for v in pm.STAGE_FORECAST.values()})),
                              ("CampaignId", REF, ["Campaign"]),
                              ("LeadSource", "picklist", ["Web", "Other"]),
                              ("Type", "picklist", ["New Business"]), ("OwnerId", REF, ["User"])],
    "OpportunityHistory": [("Id", "id"), ("IsDeleted", "boolean"),
                           ("OpportunityId", REF, ["Opportunity"]),
                           ("CreatedById", REF, ["User"]), ("CreatedDate", "datetime"),
                           ("SystemModstamp", "datetime"),
                           ("StageName", "picklist", list(pm.STAGE_PROBABILITY)),
                           ("Amount", "currency"), ("ExpectedRevenue", "currency"),
                           ("CloseDate", "date"), ("Probability", "percent"),
                           ("ForecastCategory", "picklist",
                            sorted({v[1] for v in pm.STAGE_FORECAST.values()})),
                           ("PrevAmount", "currency"), ("PrevCloseDate", "date")],
    "OpportunityContactRole": [*_STAMPS, ("OpportunityId", REF, ["Opportunity"]),
                                         ("ContactId", REF, ["Contact"]),
                                         ("Role", "picklist", ["Decision Maker", "Economic Buyer",
                                                               "Evaluator", "Business User"]),
                                         ("IsPrimary", "boolean")],
    "Task": [*_STAMPS, ("WhoId", REF, ["Contact", "Lead"]), ("WhatId", REF, ["Opportunity",
                                                                            "Account"]),
                       ("Subject", "combobox"), ("Status", "picklist", ["Not Started",
                                                                        "Completed"]),
                       ("Priority", "picklist", ["High", "Normal", "Low"]),
                       ("IsClosed", "boolean"), ("ActivityDate", "date"),
                       ("CompletedDateTime", "datetime"),
                       ("TaskSubtype", "picklist", ["Task", "Email", "Call"]),
                       ("OwnerId", REF, ["User", "Group"])],
}
KEY_PREFIX = {"User": "005", "Account": "001", "Campaign": "701", "Lead": "00Q",
              "LeadHistory": "017", "CampaignMember": "00v", "Contact": "003",
              "Opportunity": "006", "OpportunityHistory": "008", "OpportunityContactRole": "00K",
              "Task": "00T"}
CALCULATED = {("Lead", "Email_Domain__c"): "LOWER(RIGHT(Email, LEN(Email) - FIND('@', Email)))",
              ("Opportunity", "ExpectedRevenue"): None}
NOT_NILLABLE = {"Id", "IsDeleted", "CreatedDate", "CreatedById", "LastModifiedDate",
                "SystemModstamp", "LastName", "Company", "Status", "StageName", "CloseDate",
                "Name", "IsConverted", "IsClosed", "IsWon", "HasResponded", "IsPrimary"}


def _label(name: str) -> str:
    base = name.removesuffix("__c").removesuffix("Id").replace("_", " ") or name
    return "".join(" " + ch if ch.isupper() and i and not base[i - 1].isupper() else ch
                   for i, ch in enumerate(base)).strip()


def describe() -> dict[str, dict[str, Any]]:
    out = {}
    for sobject, spec in SF_FIELDS.items():
        fields = []
        for name, ftype, *extra in spec:
            calc = (sobject, name) in CALCULATED
            field: dict[str, Any] = {
                "name": name, "type": ftype, "label": _label(name),
                "custom": name.endswith("__c"), "calculated": calc,
                "nillable": name not in NOT_NILLABLE, "updateable": not calc and ftype != "id",
                "referenceTo": extra[0] if ftype == REF else [],
                "picklistValues": [{"value": v, "label": v, "active": True, "defaultValue": False}
                                   for v in extra[0]] if ftype == "picklist" else []}
            if calc and CALCULATED[(sobject, name)]:
                field["calculatedFormula"] = CALCULATED[(sobject, name)]
            fields.append(field)
        out[sobject] = {"name": sobject, "label": _label(sobject), "keyPrefix": KEY_PREFIX[sobject],
                        "custom": False, "queryable": True, "retrieveable": True,
                        "replicateable": True, "fields": fields}
    return out


# HubSpot properties: (name, type, fieldType, options) ; custom ones are not hubspotDefined
HS_PROPS: dict[str, list[tuple[Any, ...]]] = {
    "contacts": [("hs_object_id", "number", "number"), ("email", "string", "text"),
                 ("firstname", "string", "text"), ("lastname", "string", "text"),
                 ("company", "string", "text"), ("jobtitle", "string", "text"),
                 ("createdate", "datetime", "date"), ("lastmodifieddate", "datetime", "date"),
                 ("hubspotscore", "number", "number"),
                 ("lifecyclestage", "enumeration", "radio", list(LIFECYCLE)),
                 ("hs_lifecyclestage_marketingqualifiedlead_date", "datetime", "date"),
                 ("hs_analytics_source", "enumeration", "select", list(pm.HS_SOURCES)),
                 ("hs_analytics_source_data_1", "string", "text"),
                 ("hubspot_owner_id", "enumeration", "select"),
                 ("hs_merged_object_ids", "enumeration", "checkbox"),
                 ("num_conversion_events", "number", "number"),
                 ("first_conversion_event_name", "string", "text"),
                 ("recent_conversion_event_name", "string", "text"),
                 ("salesforceleadid", "string", "text"),
                 ("samepage_persona", "enumeration", "select", list(names.PERSONAS))],
    "companies": [("hs_object_id", "number", "number"), ("name", "string", "text"),
                  ("domain", "string", "text"),
                  ("industry", "enumeration", "select", sorted(names.HS_INDUSTRY.values())),
                  ("numberofemployees", "number", "number"), ("country", "string", "text"),
                  ("createdate", "datetime", "date"), ("hs_lastmodifieddate", "datetime", "date")],
    "deals": [("hs_object_id", "number", "number"), ("dealname", "string", "text"),
              ("amount", "number", "number"),
              ("dealstage", "enumeration", "radio", list(dict.fromkeys(pm.DEAL_STAGE.values()))),
              ("pipeline", "enumeration", "select", ["default"]),
              ("closedate", "datetime", "date"), ("createdate", "datetime", "date"),
              ("hs_lastmodifieddate", "datetime", "date"),
              ("hubspot_owner_id", "enumeration", "select")],
}
_ACTIVITY_COMMON = [("hs_object_id", "number", "number"), ("hs_timestamp", "datetime", "date"),
                    ("hs_createdate", "datetime", "date"),
                    ("hs_lastmodifieddate", "datetime", "date"),
                    ("hubspot_owner_id", "enumeration", "select")]
# Topology "hubspot": reps' lead status and reason on contacts, two deal pipelines, activities.
HS_CRM_PROPS: dict[str, list[tuple[Any, ...]]] = {
    "contacts": [(pm.HS_REJECTION_REASON_PROPERTY, "enumeration", "select",
                  list(pm.DISQUALIFICATION_REASONS))],
    "calls": [*_ACTIVITY_COMMON, ("hs_call_title", "string", "text"),
              ("hs_call_direction", "enumeration", "select", ["INBOUND", "OUTBOUND"]),
              ("hs_call_status", "enumeration", "select",
               ["BUSY", "CALLING_CRM_USER", "CANCELED", "COMPLETED", "CONNECTING", "FAILED",
                "IN_PROGRESS", "NO_ANSWER", "QUEUED", "RINGING"]),
              ("hs_call_disposition", "string", "text"), ("hs_call_duration", "number", "number")],
    "emails": [*_ACTIVITY_COMMON, ("hs_email_subject", "string", "text"),
               ("hs_email_direction", "enumeration", "select",
                ["EMAIL", "INCOMING_EMAIL", "FORWARDED_EMAIL"]),
               ("hs_email_status", "enumeration", "select",
                ["BOUNCED", "FAILED", "SCHEDULED", "SENDING", "SENT"])],
    "meetings": [*_ACTIVITY_COMMON, ("hs_meeting_title", "string", "text"),
                 ("hs_meeting_start_time", "datetime", "date"),
                 ("hs_meeting_end_time", "datetime", "date"),
                 ("hs_meeting_outcome", "enumeration", "select",
                  ["SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED"])],
    "tasks": [*_ACTIVITY_COMMON, ("hs_task_subject", "string", "text"),
              ("hs_task_status", "enumeration", "select",
               ["NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED"]),
              ("hs_task_type", "enumeration", "select", ["EMAIL", "CALL", "TODO"]),
              ("hs_task_priority", "enumeration", "select", ["LOW", "MEDIUM", "HIGH"]),
              ("hs_task_completion_date", "datetime", "date")],
    "notes": [*_ACTIVITY_COMMON, ("hs_note_body", "string", "html")],
}
CUSTOM_HS = {"samepage_persona", pm.HS_REJECTION_REASON_PROPERTY}
GROUPS = {"contacts": "contactinformation", "companies": "companyinformation",
          "deals": "dealinformation", "calls": "callinformation", "emails": "emailinformation",
          "meetings": "meetinginformation", "tasks": "taskinformation",
          "notes": "noteinformation"}


def _crm_spec(topology: str) -> dict[str, list[tuple[Any, ...]]]:
    """HS_PROPS for ``topology``: with HubSpot as the CRM, contacts lose the Salesforce link and
    gain the rejection reason, deals name both pipelines' stages, activities are added."""
    if topology == pm.DEFAULT_TOPOLOGY:
        return HS_PROPS
    stages = [s.id for _, pipeline in PIPELINES.values() for s in pipeline]
    deals = [("dealstage", "enumeration", "radio", stages) if p[0] == "dealstage" else
             ("pipeline", "enumeration", "select", list(PIPELINES)) if p[0] == "pipeline" else p
             for p in HS_PROPS["deals"]]
    contacts = [p for p in HS_PROPS["contacts"] if p[0] != "salesforceleadid"]
    merged = ("hs_merged_object_ids", "enumeration", "checkbox")
    return {**HS_PROPS, "contacts": contacts + HS_CRM_PROPS["contacts"], "deals": [*deals, merged],
            "companies": [*HS_PROPS["companies"], merged],
            **{t: v for t, v in HS_CRM_PROPS.items() if t != "contacts"}}


def hubspot_properties(created: str,
                       topology: str = pm.DEFAULT_TOPOLOGY) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for obj, spec in _crm_spec(topology).items():
        group = GROUPS[obj]
        props = []
        for order, (name, ptype, ftype, *options) in enumerate(spec):
            prop = {"name": name, "label": name.replace("_", " ").capitalize(), "type": ptype,
                    "fieldType": ftype, "groupName": group, "description": "",
                    "options": [{"label": v, "value": v, "displayOrder": i, "hidden": False}
                                for i, v in enumerate(options[0])] if options else [],
                    "displayOrder": order, "calculated": name == "hubspotscore",
                    "externalOptions": name == "hubspot_owner_id", "hasUniqueValue": False,
                    "hidden": False, "formField": name in ("email", "firstname", "lastname",
                                                           "company", "jobtitle"),
                    "createdAt": created, "updatedAt": created, "archived": False}
            if name not in CUSTOM_HS:
                prop["hubspotDefined"] = True
            props.append(prop)
        out[obj] = props + (catalogue.definitions(obj, group, created, len(props))
                            if obj in catalogue.CATALOGUE else [])
    return out
