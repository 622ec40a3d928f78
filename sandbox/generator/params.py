"""Every constant of the generated company in one place: dates, rates and the agreed definitions.

Tests import the definition constants to recompute the truth from a served world.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

# --- The agreed funnel definitions -------------------------------------------------------------
# Read from their one home, vars.samepage_definitions in the dbt project (the sandbox cannot import
# pipelines, which owns the checked loader): the truth is computed under the definitions in force.
DEFINITIONS_FILE = Path(__file__).resolve().parents[2] / "dbt_project" / "dbt_project.yml"
_AGREED = yaml.safe_load(DEFINITIONS_FILE.read_text())["vars"]["samepage_definitions"]

MQL_SCORE_THRESHOLD = _AGREED["mql_score_threshold"]["value"]
SLA_FIRST_TOUCH_HOURS = _AGREED["sla_first_touch_hours"]["value"]
# The people with free mail use these providers (the population picks one by its index).
FREE_EMAIL_DOMAINS = tuple(_AGREED["free_email_domains"]["value"])
# The Lead Statuses reps set: accepted, qualified, rejected (and the one a Lead starts in).
OPEN_LEAD_STATUS = "Open - Not Contacted"
SAL_LEAD_STATUS = _AGREED["sal_lead_status"]["value"]
SQL_LEAD_STATUS = _AGREED["sql_lead_status"]["value"]
REJECTED_LEAD_STATUS = _AGREED["rejected_lead_status"]["value"]
# An e-mail is valid when lower(trim(email)) matches this; otherwise the record is its own person.
VALID_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

DEFINITIONS = {"mql_score_threshold": MQL_SCORE_THRESHOLD,
               "sla_first_touch_hours": SLA_FIRST_TOUCH_HOURS,
               "free_email_domains": list(FREE_EMAIL_DOMAINS)}

# --- Time ----------------------------------------------------------------------------------------
START = "2025-01-01T00:00:00.000Z"
DEFAULT_CLOCK = "2026-07-01T00:00:00.000Z"   # ~18 months after START
FUTURE_DAYS = 365                            # people keep arriving this long past DEFAULT_CLOCK

MINUTE = 60_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR

# --- Who arrives ---------------------------------------------------------------------------------
# Kind of person: HubSpot inbound (forms/imports), Salesforce-only Lead (events, outbound),
# Salesforce-only Contact (added by a rep at an account).
KIND_P = (0.80, 0.13, 0.07)
HS, SF_LEAD, SF_CONTACT = 0, 1, 2
FREE_MAIL_P = 0.12
PEOPLE_PER_ACCOUNT = 6
JUNK_P = 0.015                 # spam sign-ups archived in HubSpot
NO_EMAIL_P = 0.03              # Salesforce-only leads with no e-mail (badge scans)
BAD_EMAIL_P = 0.01             # ... or an invalid one
ALT_EMAIL_P = 0.15             # converted Contact gets a different e-mail than its Lead
CASE_MESS_P = 0.25             # e-mail typed with odd case / whitespace in one tool

# --- Marketing -----------------------------------------------------------------------------------
HS_SOURCES = ("ORGANIC_SEARCH", "PAID_SEARCH", "EMAIL_MARKETING", "SOCIAL_MEDIA", "REFERRALS",
              "DIRECT_TRAFFIC", "OFFLINE")
HS_SOURCE_P = (0.27, 0.2, 0.1, 0.12, 0.08, 0.13, 0.1)
# engagement intensity: share of contacts and mean engagements over their life
INTEREST_P = (0.6, 0.28, 0.12)
INTEREST_RATE = (0.4, 2.5, 7.0)
ENGAGEMENT_GAP_DAYS = (30.0, 14.0, 6.0)
# engagement kinds: form submission, e-mail open, e-mail click, score decay
ENG_FORM, ENG_OPEN, ENG_CLICK, ENG_DECAY = 0, 1, 2, 3
ENG_KIND_P = (0.25, 0.38, 0.29, 0.08)
ENG_POINTS = (15, 4, 9, -10)
LATER_HS_P = 0.35              # Salesforce-only contacts that later appear in HubSpot
HS_DUP_P = 0.15                # a second HubSpot contact for the same person
HS_DUP_MERGE_P = 0.7
HS_DUP_DELETE_P = 0.1
# how HubSpot's lifecycle workflow disagrees with the agreed MQL rule
LIFECYCLE_MODES_P = (0.6, 0.25, 0.15)   # at the threshold, at WORKFLOW_MQL_SCORE, never
WORKFLOW_MQL_SCORE = 40

# --- Sales ---------------------------------------------------------------------------------------
SYNC_DELAY_MINUTES = (2, 30)
NEVER_TOUCHED_P = 0.06
TOUCH_MEDIAN_HOURS = 5.5
TOUCH_SIGMA = 1.25
TOUCH_MODE_P = (0.7, 0.18, 0.12)        # Task + status change, Task only, status only
QUALIFY_P = (0.38, 0.05)                # corporate, free-mail
UNQUALIFY_P = (0.4, 0.85)
DISQUALIFICATION_REASONS = ("No budget", "No authority", "Competitor", "Not a fit", "Bad data",
                            "Student/Job seeker")
REASON_P = ((0.26, 0.18, 0.16, 0.3, 0.06, 0.04), (0.02, 0.02, 0.02, 0.14, 0.3, 0.5))
CONVERT_P = 0.85
CONVERT_WITH_OPP_P = 0.9
LEAD_DUP_P = 0.06
LEAD_DUP_DELETE_P = 0.7
JUNK_LEAD_P = 0.03                       # Salesforce-only leads deleted as junk
CONTACT_OPP_P = 0.5
OPP_DELETE_P = 0.03
OPP_OUTCOME_P = (0.3, 0.45, 0.25)       # won, lost, stays open
DEAL_MIRROR_P = 0.6                      # opportunities mirrored as HubSpot deals

OPEN_STAGES = ("Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote",
               "Negotiation/Review")
STAGE_PROBABILITY = {"Prospecting": 10, "Qualification": 10, "Needs Analysis": 20,
                     "Proposal/Price Quote": 75, "Negotiation/Review": 90, "Closed Won": 100,
                     "Closed Lost": 0}
# Opportunity.ForecastCategoryName and OpportunityHistory.ForecastCategory for each stage
STAGE_FORECAST = {"Prospecting": ("Pipeline", "Pipeline"),
                  "Qualification": ("Pipeline", "Pipeline"),
                  "Needs Analysis": ("Pipeline", "Pipeline"),
                  "Proposal/Price Quote": ("Best Case", "BestCase"),
                  "Negotiation/Review": ("Commit", "Forecast"), "Closed Won": ("Closed", "Closed"),
                  "Closed Lost": ("Omitted", "Omitted")}
DEAL_STAGE = {"Prospecting": "appointmentscheduled", "Qualification": "qualifiedtobuy",
              "Needs Analysis": "presentationscheduled",
              "Proposal/Price Quote": "decisionmakerboughtin",
              "Negotiation/Review": "contractsent", "Closed Won": "closedwon",
              "Closed Lost": "closedlost"}
LEAD_SOURCE_FOR_HS = {"ORGANIC_SEARCH": "Web", "PAID_SEARCH": "Advertisement",
                      "EMAIL_MARKETING": "Web", "SOCIAL_MEDIA": "Web",
                      "REFERRALS": "Partner Referral", "DIRECT_TRAFFIC": "Web", "OFFLINE": "Other"}
DIRECT_LEAD_SOURCES = ("Trade Show", "Purchased List", "Phone Inquiry", "Employee Referral",
                       "Partner Referral")
PORTAL_ID = 24681357

# --- Topology: which tools the company runs ------------------------------------------------------
# "hubspot+salesforce": marketing in HubSpot, sales in Salesforce (the default, today's world);
# "hubspot": HubSpot alone: reps work contacts, log activities and run deals in HubSpot.
TOPOLOGIES = ("hubspot+salesforce", "hubspot")
DEFAULT_TOPOLOGY = "hubspot+salesforce"
# HubSpot as the CRM: HubSpot's default hs_lead_status options; the agreed definitions name the
# ones that mean SAL, SQL and rejected (read from the definitions, as above)
HS_LEAD_STATUSES = ("NEW", "OPEN", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED",
                    "ATTEMPTED_TO_CONTACT", "CONNECTED", "BAD_TIMING")
HS_SAL_LEAD_STATUS = _AGREED["hubspot_sal_lead_status"]["value"]
HS_SQL_LEAD_STATUS = _AGREED["hubspot_sql_lead_status"]["value"]
HS_REJECTED_LEAD_STATUS = _AGREED["hubspot_rejected_lead_status"]["value"]
# HubSpot has no rejection reason on contacts; portals add one (like Salesforce's custom field)
HS_REJECTION_REASON_PROPERTY = _AGREED["hubspot_rejection_reason_property"]["value"]
HS_CRM_DEFINITIONS = {"hubspot_sal_lead_status": HS_SAL_LEAD_STATUS,
                      "hubspot_sql_lead_status": HS_SQL_LEAD_STATUS,
                      "hubspot_rejected_lead_status": HS_REJECTED_LEAD_STATUS,
                      "hubspot_rejection_reason_property": HS_REJECTION_REASON_PROPERTY}
ENTERPRISE_EMPLOYEES = 1000   # deals of accounts this large run in the second pipeline
DEAL_DUP_P = 0.1              # a rep creates a second deal by mistake, merged into the first
COMPANY_DUP_P = 0.05          # a duplicate company, merged into the first
