{#- HubSpot's person records: every contact, archived ones flagged and merge losers still in the
    raw table naming their survivor. The rejection reason is the contact property the definition
    hubspot_rejection_reason_property names, as it is now. -#}
with

contacts as (

    select * from {{ ref('stg_hubspot__contacts') }}

),

owners as (

    select * from {{ ref('stg_hubspot__owners') }}

),

record_merges as (

    select * from {{ ref('int_hubspot__record_merges') }}

),

-- a loser absorbed twice names one survivor, so each contact stays one row
merged_into as (

    select
        merged_record_id,
        min(survivor_record_key) as survivor_record_key
    from record_merges
    group by merged_record_id

),

final as (

    select
        'hubspot_contact:' || contacts.hubspot_contact_id as source_record_key,
        'hubspot' as source_name,
        'hubspot_contact' as source_system,
        contacts.hubspot_contact_id as source_record_id,
        contacts.email,
        contacts.first_name,
        contacts.last_name,
        contacts.company_name,
        contacts.hubspot_owner_id as owner_id,
        case
            when owners.first_name is null then owners.last_name
            when owners.last_name is null then owners.first_name
            else owners.first_name || ' ' || owners.last_name
        end as owner_name,
        contacts.original_source,
        contacts.original_campaign_name,
        contacts.lifecycle_stage as tool_stage,
        {{ json_text('contacts.property_values', definition('hubspot_rejection_reason_property')) }}
            as rejection_reason,
        cast(null as {{ dbt.type_string() }}) as converted_to_record_key,
        merged_into.survivor_record_key as merged_into_record_key,
        contacts.created_at,
        contacts.is_deleted,
        contacts.extracted_at
    from contacts
    left join owners
        on contacts.hubspot_owner_id = owners.hubspot_owner_id
    left join merged_into
        on contacts.hubspot_contact_id = merged_into.merged_record_id

)

select * from final
