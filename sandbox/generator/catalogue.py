"""A real portal's property catalogue: hundreds of contact properties (HubSpot's own ``hs_*``
analytics, e-mail and subscription properties, enrichment and custom ones), dozens on companies
and deals, each set on a share of the records.

The models read none of them; they are here because real portals have them, so property lists
are as long as real ones (URL length) and records as wide (payload). A value is a function of
the record's id, creation and last-modified time only, so it stays put until the record changes:
an incremental read misses nothing a full one would see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .formats import hs_times


@dataclass(frozen=True)
class CatalogueProperty:
    name: str
    type: str  # HubSpot property type: string, number, datetime, enumeration, bool
    field_type: str
    fill: float  # share of records with a value
    options: tuple[str, ...] = ()  # enumeration options; a string's values are drawn from these
    hubspot_defined: bool = True


def _p(name: str, kind: str, fill: float, options: tuple[str, ...] = (),
       custom: bool = False) -> CatalogueProperty:
    field_type = {"string": "text", "number": "number", "datetime": "date",
                  "enumeration": "select", "bool": "booleancheckbox"}[kind]
    return CatalogueProperty(name, kind, field_type, fill, options, not custom)


_YES_NO = ("true", "false")
_PAGES = ("https://www.samepage-demo.com/", "https://www.samepage-demo.com/pricing",
          "https://www.samepage-demo.com/blog/one-funnel", "https://www.samepage-demo.com/demo",
          "https://www.samepage-demo.com/webinars")
_REFERRERS = ("https://www.google.com/", "https://www.linkedin.com/", "https://news.ycombinator.com/",
              "https://www.bing.com/", "https://duckduckgo.com/")
_SENIORITY = ("entry", "senior", "manager", "director", "vp", "executive")
_TIERS = ("tier_1", "tier_2", "tier_3", "tier_4")
_SIZES = ("1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5000+")
_STATUSES = ("NEW", "OPEN", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT",
             "CONNECTED", "BAD_TIMING")
_LANGUAGES = ("en", "en-gb", "de", "fr", "es", "nl")
_TIMEZONES = ("america_slash_new_york", "america_slash_chicago", "america_slash_los_angeles",
              "europe_slash_london", "europe_slash_berlin", "europe_slash_paris")
_ENGAGEMENTS = ("EMAIL", "CALL", "MEETING", "TASK", "NOTE")
_SOURCES = ("CRM_UI", "FORM", "IMPORT", "INTEGRATION", "API", "AUTOMATION_PLATFORM")


def _contact_catalogue() -> list[CatalogueProperty]:
    props = [
        # web analytics (HubSpot tracking code)
        _p("hs_analytics_num_page_views", "number", 0.8),
        _p("hs_analytics_num_visits", "number", 0.8),
        _p("hs_analytics_num_event_completions", "number", 0.5),
        _p("hs_analytics_average_page_views", "number", 0.8),
        _p("hs_analytics_first_timestamp", "datetime", 0.8),
        _p("hs_analytics_last_timestamp", "datetime", 0.8),
        _p("hs_analytics_first_visit_timestamp", "datetime", 0.8),
        _p("hs_analytics_last_visit_timestamp", "datetime", 0.8),
        _p("hs_analytics_first_url", "string", 0.7, _PAGES),
        _p("hs_analytics_last_url", "string", 0.7, _PAGES),
        _p("hs_analytics_first_referrer", "string", 0.5, _REFERRERS),
        _p("hs_analytics_last_referrer", "string", 0.5, _REFERRERS),
        _p("hs_analytics_source_data_2", "string", 0.4, ("sample-form", "google", "linkedin")),
        _p("hs_analytics_revenue", "number", 0.05),
        _p("hs_latest_source", "enumeration", 0.8,
           ("ORGANIC_SEARCH", "PAID_SEARCH", "EMAIL_MARKETING", "SOCIAL_MEDIA", "DIRECT_TRAFFIC")),
        _p("hs_latest_source_data_1", "string", 0.6, ("google", "linkedin", "newsletter")),
        _p("hs_latest_source_data_2", "string", 0.3, ("sample-form", "cta", "landing-page")),
        _p("hs_latest_source_timestamp", "datetime", 0.8),
        _p("hs_time_to_first_engagement", "number", 0.3),
        _p("hs_first_engagement_object_id", "number", 0.3),
        # marketing e-mail engagement
        _p("hs_email_delivered", "number", 0.7), _p("hs_email_open", "number", 0.6),
        _p("hs_email_click", "number", 0.4), _p("hs_email_bounce", "number", 0.05),
        _p("hs_email_replied", "number", 0.05),
        _p("hs_email_first_send_date", "datetime", 0.7),
        _p("hs_email_last_send_date", "datetime", 0.7),
        _p("hs_email_first_open_date", "datetime", 0.6),
        _p("hs_email_last_open_date", "datetime", 0.6),
        _p("hs_email_first_click_date", "datetime", 0.4),
        _p("hs_email_last_click_date", "datetime", 0.4),
        _p("hs_email_first_reply_date", "datetime", 0.05),
        _p("hs_email_last_reply_date", "datetime", 0.05),
        _p("hs_email_last_email_name", "string", 0.7,
           ("Weekly digest", "Webinar invite", "Product update", "Trial nurture 2")),
        _p("hs_email_sends_since_last_engagement", "number", 0.6),
        _p("hs_email_optout", "bool", 0.7, _YES_NO),
        _p("hs_email_quarantined", "bool", 0.7, _YES_NO),
        _p("hs_email_hard_bounce_reason_enum", "enumeration", 0.02,
           ("MAILBOX_FULL", "UNKNOWN_USER", "DOMAIN_BLOCKED", "OTHER")),
        _p("hs_emailconfirmationstatus", "enumeration", 0.1, ("Confirmed", "Unconfirmed")),
        _p("hs_email_domain", "string", 0.9, ("gmail.com", "outlook.com", "acme.io")),
        # sales e-mail, sequences, activities
        _p("hs_sales_email_last_opened", "datetime", 0.2),
        _p("hs_sales_email_last_clicked", "datetime", 0.1),
        _p("hs_sales_email_last_replied", "datetime", 0.1),
        _p("hs_sequences_is_enrolled", "bool", 0.3, _YES_NO),
        _p("hs_sequences_enrolled_count", "number", 0.3),
        _p("hs_sequences_actively_enrolled_count", "number", 0.3),
        _p("hs_latest_sequence_enrolled", "number", 0.2),
        _p("hs_latest_sequence_enrolled_date", "datetime", 0.2),
        _p("hs_latest_sequence_ended_date", "datetime", 0.15),
        _p("hs_latest_sequence_finished_date", "datetime", 0.1),
        _p("hs_last_sales_activity_timestamp", "datetime", 0.3),
        _p("hs_last_sales_activity_date", "datetime", 0.3),
        _p("hs_last_sales_activity_type", "enumeration", 0.3, _ENGAGEMENTS),
        _p("hs_latest_meeting_activity", "datetime", 0.1),
        _p("notes_last_updated", "datetime", 0.3), _p("notes_last_contacted", "datetime", 0.3),
        _p("notes_next_activity_date", "datetime", 0.1),
        _p("num_notes", "number", 0.3), _p("num_contacted_notes", "number", 0.3),
        _p("hs_first_outreach_date", "datetime", 0.2),
        _p("hs_is_unworked", "bool", 0.9, _YES_NO), _p("hs_count_is_worked", "number", 0.9),
        _p("hs_count_is_unworked", "number", 0.9),
        # social
        _p("hs_social_twitter_clicks", "number", 0.1),
        _p("hs_social_facebook_clicks", "number", 0.1),
        _p("hs_social_linkedin_clicks", "number", 0.1),
        _p("hs_social_num_broadcast_clicks", "number", 0.1),
        _p("hs_social_last_engagement", "datetime", 0.1),
        # record bookkeeping
        _p("hs_object_source", "enumeration", 1.0, _SOURCES),
        _p("hs_object_source_id", "string", 0.6, ("sample-form", "userId:61002", "8712934")),
        _p("hs_object_source_label", "enumeration", 1.0, _SOURCES),
        _p("hs_object_source_detail_1", "string", 0.3, ("Form submission", "Salesforce sync")),
        _p("hs_object_source_detail_2", "string", 0.1, ("Demo request", "Newsletter")),
        _p("hs_object_source_detail_3", "string", 0.05, ("v2",)),
        _p("hs_object_source_user_id", "number", 0.2),
        _p("hs_created_by_user_id", "number", 0.2), _p("hs_updated_by_user_id", "number", 0.3),
        _p("hs_all_owner_ids", "enumeration", 0.5, ("61000", "61001", "61002", "61003")),
        _p("hs_all_team_ids", "enumeration", 0.4, ("4000", "4001", "4002")),
        _p("hs_all_accessible_team_ids", "enumeration", 0.4, ("4000", "4001", "4002")),
        _p("hs_user_ids_of_all_owners", "enumeration", 0.5, ("9100000", "9100001", "9100002")),
        _p("hs_was_imported", "bool", 0.3, _YES_NO),
        _p("hs_calculated_form_submissions", "string", 0.4, ("5e1f0000::1", "5e1f0001::2")),
        _p("hs_calculated_merged_vids", "string", 0.02, ("1900:1", "1901:2")),
        _p("hs_searchable_calculated_phone_number", "string", 0.3, ("6175550100", "3125550188")),
        _p("hs_calculated_phone_number_country_code", "string", 0.3, ("US", "GB", "DE")),
        _p("hs_lead_status", "enumeration", 0.5, _STATUSES),
        _p("hs_buying_role", "enumeration", 0.2,
           ("BUDGET_HOLDER", "CHAMPION", "DECISION_MAKER", "END_USER", "INFLUENCER")),
        _p("hs_persona", "enumeration", 0.1, ("persona_1", "persona_2", "persona_3")),
        _p("hs_language", "enumeration", 0.3, _LANGUAGES),
        _p("hs_timezone", "enumeration", 0.5, _TIMEZONES),
        _p("hs_ip_timezone", "string", 0.6, _TIMEZONES),
        _p("hs_predictivecontactscore_v2", "number", 0.6),
        _p("hs_predictivescoringtier", "enumeration", 0.6, _TIERS),
        _p("hs_marketable_status", "enumeration", 1.0, ("true", "false")),
        _p("hs_marketable_reason_id", "string", 0.7, ("Form submission", "Import", "Sales email")),
        _p("hs_marketable_reason_type", "enumeration", 0.7, ("FORM_SUBMISSION", "IMPORT", "API")),
        _p("hs_marketable_until_renewal", "enumeration", 1.0, ("true", "false")),
        _p("hs_legal_basis", "enumeration", 0.3,
           ("Legitimate interest - prospect/lead", "Freely given consent from contact")),
        _p("hs_data_privacy_ads_consent", "bool", 0.2, _YES_NO),
        _p("hs_content_membership_status", "enumeration", 0.02, ("active", "inactive")),
        _p("hs_registration_method", "string", 0.02, ("password", "sso")),
        _p("hs_document_last_revisited", "datetime", 0.05),
        _p("hs_clicked_linkedin_ad", "enumeration", 0.05, ("true",)),
        _p("hs_linkedin_ad_clicked", "enumeration", 0.05, ("true",)),
        _p("hs_facebook_ad_clicked", "enumeration", 0.03, ("true",)),
        _p("hs_google_click_id", "string", 0.1, ("Cj0KCQjw", "EAIaIQob")),
        _p("hs_facebook_click_id", "string", 0.05, ("fb.1.16",)),
        _p("hs_pipeline", "enumeration", 0.9, ("contacts-lifecycle-pipeline",)),
        _p("hs_latest_open_lead", "string", 0.1, ("lead-1",)),
        _p("hs_first_subscription_create_date", "datetime", 0.3),
        # profile properties (none is searched by free text)
        _p("address", "string", 0.2, ("1 Main St", "22 Market Sq", "5 Harbour Rd")),
        _p("city", "string", 0.4, ("Boston", "Chicago", "London", "Berlin", "Austin")),
        _p("state", "string", 0.3, ("MA", "IL", "TX", "CA", "NY")),
        _p("zip", "string", 0.2, ("02110", "60601", "73301", "EC1A")),
        _p("country", "string", 0.5, ("United States", "United Kingdom", "Germany", "France")),
        _p("website", "string", 0.3, ("acme.io", "globex.com", "initech.com")),
        _p("industry", "string", 0.2, ("Software", "Financial Services", "Retail")),
        _p("annualrevenue", "string", 0.1, ("1000000", "25000000", "100000000")),
        _p("numemployees", "enumeration", 0.2, _SIZES),
        _p("salutation", "string", 0.05, ("Mr.", "Ms.", "Dr.")),
        _p("date_of_birth", "string", 0.01, ("1985-04-02", "1979-11-23")),
        _p("degree", "string", 0.02, ("BSc", "MBA")), _p("field_of_study", "string", 0.02, ("CS",)),
        _p("gender", "string", 0.02, ("Female", "Male")),
        _p("graduation_date", "string", 0.01, ("2008",)),
        _p("job_function", "string", 0.1, ("Marketing", "Sales", "Operations", "Engineering")),
        _p("seniority", "string", 0.1, _SENIORITY), _p("school", "string", 0.02, ("MIT",)),
        _p("start_date", "string", 0.02, ("2021-03-01",)),
        _p("work_email", "string", 0.05, ("ops@acme.io",)),
        _p("twitterhandle", "string", 0.05, ("@samepage",)),
        _p("hs_linkedinid", "string", 0.05, ("ACoAAB1",)),
        _p("twitterprofilephoto", "string", 0.02, ("https://pbs.twimg.com/p.jpg",)),
        _p("associatedcompanyid", "number", 0.7),
        _p("associatedcompanylastupdated", "number", 0.7),
        _p("closedate", "datetime", 0.05), _p("first_deal_created_date", "datetime", 0.05),
        _p("num_associated_deals", "number", 0.1), _p("recent_deal_amount", "number", 0.05),
        _p("recent_deal_close_date", "datetime", 0.05), _p("total_revenue", "number", 0.05),
        _p("days_to_close", "number", 0.05), _p("num_unique_conversion_events", "number", 0.6),
        _p("first_conversion_date", "datetime", 0.6), _p("recent_conversion_date", "datetime", 0.6),
        _p("engagements_last_meeting_booked", "datetime", 0.05),
        _p("engagements_last_meeting_booked_campaign", "string", 0.03, ("demo-q2",)),
        _p("engagements_last_meeting_booked_medium", "string", 0.03, ("email",)),
        _p("engagements_last_meeting_booked_source", "string", 0.03, ("sales",)),
        _p("ip_city", "string", 0.5, ("Boston", "London", "Berlin")),
        _p("ip_state", "string", 0.5, ("Massachusetts", "England", "Berlin")),
        _p("ip_country", "string", 0.5, ("united states", "united kingdom", "germany")),
        _p("ip_country_code", "string", 0.5, ("us", "gb", "de")),
        _p("ip_state_code", "string", 0.5, ("ma", "eng", "be")),
        _p("hubspot_owner_assigneddate", "datetime", 0.4),
        _p("hubspot_team_id", "enumeration", 0.3, ("4000", "4001", "4002")),
        _p("hs_sa_first_engagement_date", "datetime", 0.2),
        _p("hs_sa_first_engagement_descr", "enumeration", 0.2, ("FORM_SUBMISSION", "EMAIL_CLICK")),
        _p("hs_sa_first_engagement_object_type", "enumeration", 0.2, ("FORM", "EMAIL")),
        _p("hs_last_metered_enrichment_timestamp", "datetime", 0.1),
    ]
    # One opt-out property per e-mail subscription type: real portals have dozens.
    props += [_p(f"hs_email_optout_{219_000_000 + 7919 * k}", "enumeration", 0.04, ("true",))
              for k in range(40)]
    # Enrichment integrations write their own properties (ZoomInfo, Clearbit).
    props += [_p(f"zi_{name}", kind, 0.2, options, custom=True) for name, kind, options in (
        ("company_revenue", "number", ()), ("company_employees", "number", ()),
        ("company_industry", "string", ("Software", "Manufacturing", "Finance")),
        ("company_city", "string", ("Boston", "Austin")), ("company_state", "string", ("MA",)),
        ("company_country", "string", ("United States",)), ("company_phone", "string", ("617",)),
        ("company_website", "string", ("acme.io",)), ("contact_id", "number", ()),
        ("job_function", "string", ("Marketing",)), ("management_level", "string", _SENIORITY),
        ("direct_phone", "string", ("6175550100",)), ("last_updated", "datetime", ()),
        ("linkedin_url", "string", ("https://www.linkedin.com/in/x",)),
        ("company_naics", "string", ("511210",)), ("company_sic", "string", ("7372",)),
        ("company_ticker", "string", ("ACME",)), ("company_founded", "number", ()),
        ("intent_topics", "string", ("CRM", "Marketing automation")),
        ("accuracy_score", "number", ()))]
    props += [_p(f"clearbit_{name}", kind, 0.15, options, custom=True) for name, kind, options in (
        ("role", "string", ("marketing", "sales", "engineering")),
        ("seniority", "string", _SENIORITY), ("company_domain", "string", ("acme.io",)),
        ("company_category", "string", ("SaaS", "Retail")), ("company_raised", "number", ()),
        ("company_tech", "string", ("hubspot", "salesforce")),
        ("employment_title", "string", ("Growth Lead",)), ("geo_city", "string", ("Boston",)),
        ("geo_country", "string", ("US",)), ("indexed_at", "datetime", ()))]
    # The portal's own custom properties, including the leftovers of old imports.
    custom = (
        ("product_interest", "enumeration", 0.3, ("Funnels", "Reporting", "Goals", "Digest")),
        ("trial_plan", "enumeration", 0.15, ("Starter", "Team", "Business")),
        ("trial_started_at", "datetime", 0.15, ()), ("trial_ends_at", "datetime", 0.15, ()),
        ("onboarding_status", "enumeration", 0.1, ("not_started", "in_progress", "done")),
        ("nps_score", "number", 0.05, ()), ("nps_responded_at", "datetime", 0.05, ()),
        ("gdpr_region", "enumeration", 0.4, ("EU", "UK", "US", "ROW")),
        ("partner_referral_code", "string", 0.03, ("PARTNER-17", "PARTNER-42")),
        ("webinar_attended", "bool", 0.1, _YES_NO),
        ("last_event_attended", "string", 0.08, ("SaaStr 2025", "Funnel Week", "RevOps Summit")),
        ("utm_source", "string", 0.3, ("google", "linkedin", "newsletter")),
        ("utm_medium", "string", 0.3, ("cpc", "email", "social")),
        ("utm_campaign", "string", 0.3, ("q1-launch", "webinar-series", "retarget")),
        ("utm_content", "string", 0.1, ("hero-cta", "footer")),
        ("utm_term", "string", 0.1, ("crm funnel", "lead scoring")),
        ("gclid", "string", 0.1, ("Cj0KCQjw",)),
        ("preferred_contact_method", "enumeration", 0.1, ("Email", "Phone", "Chat")),
        ("newsletter_frequency", "enumeration", 0.1, ("weekly", "monthly")),
        ("account_tier", "enumeration", 0.2, _TIERS),
        ("customer_success_manager", "string", 0.05, ("Dana", "Lee")),
        ("contract_renewal_date", "datetime", 0.03, ()),
        ("seats_requested", "number", 0.05, ()), ("use_case", "string", 0.1, ("pipeline", "ops")),
        ("competitor_in_use", "enumeration", 0.08, ("Salesforce", "Pipedrive", "Zoho", "None")),
        ("budget_confirmed", "bool", 0.05, _YES_NO), ("timeline", "enumeration", 0.05,
                                                      ("0-3 months", "3-6 months", "6+ months")),
        ("sdr_notes", "string", 0.05, ("Call back next week", "Wants pricing")),
        ("sdr_qualified_date", "datetime", 0.05, ()),
        ("bdr_owner", "string", 0.05, ("Sam", "Alex")),
        ("region_override", "enumeration", 0.02, ("NA", "EMEA", "APAC")),
        ("do_not_call", "bool", 0.05, _YES_NO),
        ("consent_source", "string", 0.2, ("form", "import")),
        ("legacy_lead_source", "string", 0.1, ("Trade show", "Cold list", "Partner")),
        ("legacy_crm_id", "string", 0.1, ("00Q1", "00Q2")), ("old_score", "number", 0.1, ()),
        ("import_batch", "string", 0.1, ("2024-q3", "2025-q1")),
        ("marketo_lead_id", "number", 0.08, ()), ("pardot_prospect_id", "number", 0.05, ()),
        ("intercom_user_id", "string", 0.1, ("u_8f3",)),
        ("segment_anonymous_id", "string", 0.2, ("anon-31",)),
        ("app_user_id", "string", 0.15, ("usr_1",)), ("app_last_seen", "datetime", 0.15, ()),
        ("app_sessions_30d", "number", 0.15, ()), ("app_workspace_count", "number", 0.1, ()),
        ("app_role", "enumeration", 0.1, ("admin", "member", "viewer")),
        ("product_qualified_at", "datetime", 0.05, ()),
        ("feature_flags", "string", 0.05, ("beta_digest",)),
        ("billing_country", "string", 0.05, ("US", "DE")),
        ("vat_id", "string", 0.02, ("DE123456789",)),
        ("event_badge_scanned", "bool", 0.03, _YES_NO),
        ("webinar_registrations", "number", 0.1, ()),
        ("content_downloads", "number", 0.2, ()), ("last_content_download", "string", 0.2,
                                                    ("Funnel handbook", "Benchmark report")),
        ("chat_conversations", "number", 0.05, ()), ("support_tickets_open", "number", 0.03, ()),
        ("referral_source_detail", "string", 0.05, ("podcast", "friend")),
        ("persona_confidence", "number", 0.1, ()),
        ("abm_target_account", "bool", 0.1, _YES_NO), ("abm_tier", "enumeration", 0.1, _TIERS),
        ("sales_territory", "enumeration", 0.3, ("NA East", "NA West", "EMEA", "APAC")),
        ("fiscal_year_end", "string", 0.02, ("December",)),
    )
    props += [_p(name, kind, fill, options, custom=True) for name, kind, fill, options in custom]
    # Old campaign and survey fields nobody archived (q1..q4 of several years).
    props += [_p(f"campaign_{year}_q{q}_response", "enumeration", 0.02,
                 ("responded", "no_response"), custom=True)
              for year in range(2019, 2026) for q in range(1, 5)]
    return props


def _company_catalogue() -> list[CatalogueProperty]:
    props = [
        _p("phone", "string", 0.5, ("6175550100", "4420790000")),
        _p("city", "string", 0.6, ("Boston", "London", "Berlin", "Austin")),
        _p("state", "string", 0.4, ("MA", "TX", "CA")), _p("zip", "string", 0.3, ("02110",)),
        _p("address", "string", 0.3, ("1 Main St",)), _p("website", "string", 0.7, ("acme.io",)),
        _p("annualrevenue", "number", 0.4), _p("description", "string", 0.4, ("B2B software.",)),
        _p("founded_year", "string", 0.3, ("2009", "2015")), _p("is_public", "bool", 0.3, _YES_NO),
        _p("linkedin_company_page", "string", 0.4, ("https://www.linkedin.com/company/acme",)),
        _p("twitterhandle", "string", 0.2, ("@acme",)), _p("timezone", "string", 0.3, _TIMEZONES),
        _p("total_money_raised", "string", 0.1, ("12000000",)),
        _p("hs_analytics_num_page_views", "number", 0.6),
        _p("hs_analytics_num_visits", "number", 0.6),
        _p("hs_analytics_first_timestamp", "datetime", 0.6),
        _p("hs_analytics_last_timestamp", "datetime", 0.6),
        _p("hs_analytics_source", "enumeration", 0.6, ("ORGANIC_SEARCH", "DIRECT_TRAFFIC")),
        _p("hs_num_child_companies", "number", 0.9), _p("hs_num_open_deals", "number", 0.9),
        _p("hs_num_decision_makers", "number", 0.9),
        _p("hs_num_contacts_with_buying_roles", "number", 0.9),
        _p("num_associated_contacts", "number", 1.0), _p("num_associated_deals", "number", 0.5),
        _p("hs_total_deal_value", "number", 0.3), _p("recent_deal_amount", "number", 0.3),
        _p("recent_deal_close_date", "datetime", 0.3),
        _p("first_deal_created_date", "datetime", 0.3),
        _p("hs_last_sales_activity_timestamp", "datetime", 0.4),
        _p("notes_last_updated", "datetime", 0.4), _p("notes_last_contacted", "datetime", 0.4),
        _p("num_notes", "number", 0.4), _p("num_contacted_notes", "number", 0.4),
        _p("hs_object_source", "enumeration", 1.0, _SOURCES),
        _p("hs_object_source_label", "enumeration", 1.0, _SOURCES),
        _p("hs_created_by_user_id", "number", 0.3), _p("hs_updated_by_user_id", "number", 0.3),
        _p("hs_all_owner_ids", "enumeration", 0.6, ("61000", "61001", "61002")),
        _p("hubspot_owner_assigneddate", "datetime", 0.6),
        _p("hs_target_account", "bool", 0.2, _YES_NO),
        _p("hs_ideal_customer_profile", "enumeration", 0.3, ("tier_1", "tier_2", "tier_3")),
        _p("hs_lead_status", "enumeration", 0.3, _STATUSES),
        _p("hs_pipeline", "enumeration", 0.9, ("companies-lifecycle-pipeline",)),
        _p("account_tier", "enumeration", 0.4, _TIERS, custom=True),
        _p("arr", "number", 0.2, custom=True), _p("renewal_date", "datetime", 0.2, custom=True),
        _p("customer_since", "datetime", 0.2, custom=True),
        _p("sales_territory", "enumeration", 0.5, ("NA East", "NA West", "EMEA", "APAC"),
           custom=True),
        _p("zi_company_id", "number", 0.3, custom=True),
        _p("zi_revenue_range", "string", 0.3, ("$10M-$50M", "$50M-$100M"), custom=True),
        _p("clearbit_tech", "string", 0.2, ("hubspot", "segment"), custom=True),
        _p("legacy_account_id", "string", 0.2, ("001A",), custom=True),
        _p("partner_type", "enumeration", 0.05, ("Reseller", "Referral"), custom=True),
        _p("health_score", "number", 0.2, custom=True),
        _p("csm_owner", "string", 0.2, ("Dana", "Lee"), custom=True),
    ]
    return props


def _deal_catalogue() -> list[CatalogueProperty]:
    return [
        _p("dealtype", "enumeration", 0.8, ("newbusiness", "existingbusiness")),
        _p("description", "string", 0.3, ("Annual plan", "Pilot then annual")),
        _p("hs_deal_stage_probability", "number", 1.0), _p("hs_forecast_amount", "number", 0.9),
        _p("hs_forecast_category", "enumeration", 0.7, ("PIPELINE", "BEST_CASE", "COMMIT")),
        _p("hs_forecast_probability", "number", 0.5), _p("hs_manual_forecast_category", "string",
                                                          0.2, ("commit", "best_case")),
        _p("hs_projected_amount", "number", 0.9), _p("hs_acv", "number", 0.6),
        _p("hs_arr", "number", 0.6), _p("hs_mrr", "number", 0.6), _p("hs_tcv", "number", 0.6),
        _p("hs_closed_amount", "number", 0.4), _p("hs_is_closed_won", "bool", 1.0, _YES_NO),
        _p("hs_is_closed", "bool", 1.0, _YES_NO), _p("hs_days_to_close_raw", "number", 0.4),
        _p("hs_next_step", "string", 0.3, ("Send proposal", "Security review")),
        _p("hs_priority", "enumeration", 0.3, ("low", "medium", "high")),
        _p("hs_analytics_source", "enumeration", 0.6, ("ORGANIC_SEARCH", "PAID_SEARCH")),
        _p("hs_analytics_source_data_1", "string", 0.4, ("google",)),
        _p("hs_campaign", "string", 0.2, ("q1-launch",)),
        _p("hs_object_source", "enumeration", 1.0, _SOURCES),
        _p("hs_object_source_label", "enumeration", 1.0, _SOURCES),
        _p("hs_created_by_user_id", "number", 0.5), _p("hs_updated_by_user_id", "number", 0.5),
        _p("hs_all_owner_ids", "enumeration", 0.9, ("61000", "61001", "61002")),
        _p("hubspot_owner_assigneddate", "datetime", 0.9),
        _p("notes_last_updated", "datetime", 0.5), _p("notes_last_contacted", "datetime", 0.5),
        _p("notes_next_activity_date", "datetime", 0.2), _p("num_notes", "number", 0.5),
        _p("num_contacted_notes", "number", 0.5), _p("num_associated_contacts", "number", 1.0),
        _p("hs_num_associated_deal_splits", "number", 0.1),
        _p("hs_num_target_accounts", "number", 0.2),
        _p("hs_latest_meeting_activity", "datetime", 0.3),
        _p("hs_sales_email_last_replied", "datetime", 0.2),
        _p("engagements_last_meeting_booked", "datetime", 0.2),
        _p("closed_lost_reason", "string", 0.2, ("Price", "No decision", "Competitor")),
        _p("closed_won_reason", "string", 0.1, ("Fit", "Champion")),
        _p("contract_term_months", "number", 0.3, custom=True),
        _p("seats", "number", 0.4, custom=True),
        _p("competitor", "enumeration", 0.2, ("Salesforce", "Pipedrive", "None"), custom=True),
        _p("legal_review", "bool", 0.2, _YES_NO, custom=True),
        _p("po_number", "string", 0.1, ("PO-1182",), custom=True),
        _p("partner_sourced", "bool", 0.1, _YES_NO, custom=True),
        _p("legacy_opportunity_id", "string", 0.2, ("006A",), custom=True),
        _p("discount_percent", "number", 0.2, custom=True),
    ]


CATALOGUE: dict[str, list[CatalogueProperty]] = {
    "contacts": _contact_catalogue(), "companies": _company_catalogue(), "deals": _deal_catalogue(),
}


def _uniform(ids: np.ndarray, salt: int) -> np.ndarray:
    """A deterministic uniform draw in [0, 1) per (record id, salt)."""
    mixed = (ids.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
             + np.uint64(salt * 0xC2B2AE3D27D4EB4F % 2**64))
    mixed ^= mixed >> np.uint64(29)
    mixed *= np.uint64(0xBF58476D1CE4E5B9)
    mixed ^= mixed >> np.uint64(32)
    return (mixed >> np.uint64(11)).astype(np.float64) / 2.0 ** 53


def _millis(texts: list[str]) -> np.ndarray:
    return np.array([t[:-1] for t in texts], dtype="datetime64[ms]").astype(np.int64)


def fill(object_type: str, records: list[dict[str, Any]]) -> None:
    """Set the catalogue's values on ``records`` (in place), column by column."""
    if not records:
        return
    ids = np.array([int(r["id"]) for r in records], dtype=np.int64)
    created = _millis([r["createdAt"] for r in records])
    updated = _millis([r["updatedAt"] for r in records])
    span = np.maximum(updated - created, 0)
    props = [r["properties"] for r in records]
    for salt, prop in enumerate(CATALOGUE[object_type], start=1):
        draw = _uniform(ids, salt)
        rows = np.flatnonzero(draw < prop.fill)
        if not rows.size:
            continue
        u = draw[rows] / prop.fill  # uniform again in [0, 1), independent of whether it is set
        values: list[Any]
        if prop.type == "datetime":  # between creation and the last change: no change is implied
            values = hs_times(created[rows] + (u * span[rows]).astype(np.int64))
        elif prop.type == "number":
            values = np.floor(u * 400).astype(np.int64).astype(str).tolist()
        else:
            pool = np.array(prop.options or ("value",), dtype=object)
            values = pool[(u * len(pool)).astype(np.int64)].tolist()
        name = prop.name
        for row, value in zip(rows.tolist(), values, strict=True):
            props[row][name] = value


def definitions(object_type: str, group: str, created: str,
                first_order: int) -> list[dict[str, Any]]:
    """The catalogue's property definitions as the properties API lists them."""
    out = []
    for order, prop in enumerate(CATALOGUE[object_type], start=first_order):
        definition: dict[str, Any] = {
            "name": prop.name, "label": prop.name.replace("_", " ").capitalize(),
            "type": prop.type, "fieldType": prop.field_type, "groupName": group,
            "description": "",
            "options": [{"label": v, "value": v, "displayOrder": i, "hidden": False}
                        for i, v in enumerate(prop.options)] if prop.type in
            ("enumeration", "bool") else [],
            "displayOrder": order, "calculated": False, "externalOptions": False,
            "hasUniqueValue": False, "hidden": False, "formField": False,
            "createdAt": created, "updatedAt": created, "archived": False}
        if prop.hubspot_defined:
            definition["hubspotDefined"] = True
        out.append(definition)
    return out
