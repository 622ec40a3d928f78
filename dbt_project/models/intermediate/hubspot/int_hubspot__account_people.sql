{#- Which companies each HubSpot contact is associated with; the primary one (association type
    1) flagged. -#}
with

associations as (

    select * from {{ ref('stg_hubspot__contact_company_associations') }}

),

final as (

    select
        'hubspot_contact:' || hubspot_contact_id as source_record_key,
        'hubspot_company:' || hubspot_company_id as account_record_key,
        case when is_primary then 'primary_company' else 'company' end as linked_via,
        is_primary,
        is_deleted
    from associations

)

select * from final
