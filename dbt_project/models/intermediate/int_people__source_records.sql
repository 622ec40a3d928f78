{#- Every live person-record in any tool: HubSpot contacts, Salesforce Leads and Contacts.
    Deleted records make no people; a merge loser still present is left out (its survivor
    stands for it); the record key is the normalized e-mail, or tool:id without a valid one.

    Incremental: each run reads only the records landed since the last (the staging views parse
    JSON, so this is where the volume is) and replaces them by source_record_key; the post-hook
    then drops rows no longer live: deleted since, merged away, or gone from the raw table.
    On Spark (plain Parquet tables: no delete+insert, no delete) it is rebuilt whole each run. -#}
{{
    config(
        materialized='table' if target.type == 'spark' else 'incremental',
        unique_key='source_record_key',
        incremental_strategy='delete+insert',
        post_hook="{{ delete_records_no_longer_live() }}",
    )
}}

with

hubspot_contacts as (

    select * from {{ ref('stg_hubspot__contacts') }}
    {{ incremental_since('extracted_at', 'hubspot_contact') }}

),

salesforce_leads as (

    select * from {{ ref('stg_salesforce__leads') }}
    {{ incremental_since('extracted_at', 'salesforce_lead') }}

),

salesforce_contacts as (

    select * from {{ ref('stg_salesforce__contacts') }}
    {{ incremental_since('extracted_at', 'salesforce_contact') }}

),

merged_contacts as (

    select * from {{ ref('int_hubspot__merged_contacts') }}

),

live_hubspot_contacts as (

    select hubspot_contacts.*
    from hubspot_contacts
    left join merged_contacts
        on hubspot_contacts.hubspot_contact_id = merged_contacts.merged_contact_id
    where
        not hubspot_contacts.is_deleted
        and merged_contacts.merged_contact_id is null

),

source_records as (

    select
        'hubspot_contact' as source_system,
        hubspot_contact_id as source_record_id,
        email,
        first_name,
        last_name,
        company_name,
        hubspot_owner_id,
        cast(null as {{ dbt.type_string() }}) as owner_user_id,
        original_source,
        original_campaign_name,
        lifecycle_stage as tool_stage,
        cast(null as {{ dbt.type_string() }}) as converted_contact_id,
        created_at,
        extracted_at
    from live_hubspot_contacts

    union all

    select
        'salesforce_lead' as source_system,
        salesforce_lead_id as source_record_id,
        email,
        first_name,
        last_name,
        company_name,
        cast(null as {{ dbt.type_string() }}) as hubspot_owner_id,
        owner_user_id,
        lead_source as original_source,
        cast(null as {{ dbt.type_string() }}) as original_campaign_name,
        lead_status as tool_stage,
        converted_contact_id,
        created_at,
        extracted_at
    from salesforce_leads
    where not is_deleted

    union all

    select
        'salesforce_contact' as source_system,
        salesforce_contact_id as source_record_id,
        email,
        first_name,
        last_name,
        cast(null as {{ dbt.type_string() }}) as company_name,
        cast(null as {{ dbt.type_string() }}) as hubspot_owner_id,
        owner_user_id,
        lead_source as original_source,
        cast(null as {{ dbt.type_string() }}) as original_campaign_name,
        cast(null as {{ dbt.type_string() }}) as tool_stage,
        cast(null as {{ dbt.type_string() }}) as converted_contact_id,
        created_at,
        extracted_at
    from salesforce_contacts
    where not is_deleted

),

keyed as (

    select
        source_system || ':' || source_record_id as source_record_key,
        source_system,
        source_record_id,
        email,
        {{ normalize_email('email') }} as email_normalized,
        first_name,
        last_name,
        company_name,
        hubspot_owner_id,
        owner_user_id,
        original_source,
        original_campaign_name,
        tool_stage,
        converted_contact_id,
        created_at,
        extracted_at,
        coalesce(
            {{ normalize_email('email') }},
            source_system || ':' || source_record_id
        ) as record_key
    from source_records

)

select * from keyed
