{#- Which HubSpot contacts each deal names: its deal -> contact associations (HubSpot's contact
    role; HubSpot marks no primary one). -#}
with

deal_contacts as (

    select * from {{ ref('stg_hubspot__deal_contact_associations') }}

),

final as (

    select
        hubspot_deal_id as opportunity_id,
        'hubspot_contact:' || hubspot_contact_id as source_record_key,
        'contact_role' as linked_via,
        false as is_primary_contact_role,
        is_deleted
    from deal_contacts

)

select * from final
