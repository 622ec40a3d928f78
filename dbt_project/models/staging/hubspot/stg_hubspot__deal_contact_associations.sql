{#- One row per deal -> contact association: the v4 batch-read result flattened (a contact is
    listed once with every association type linking it). -#}
with

source as (

    select * from {{ source('raw_hubspot', 'deal_contact_associations') }}

),

links as (

    select
        source.id as hubspot_deal_id,
        cast({{ json_text('association.value', 'toObjectId') }} as {{ dbt.type_string() }})
            as hubspot_contact_id,
        {{ json_path('association.value', 'associationTypes') }} as association_types,
        source.is_deleted,
        source._extracted_at
    from source
    {{ json_array_rows(json_path('source.record', 'to'), 'association') }}

),

association_types as (

    select
        links.hubspot_deal_id,
        links.hubspot_contact_id,
        cast({{ json_text('association_type.value', 'typeId') }} as integer)
            as association_type_id,
        {{ json_text('association_type.value', 'category') }} as association_category,
        {{ json_text('association_type.value', 'label') }} as association_label,
        links.is_deleted,
        links._extracted_at
    from links
    {{ json_array_rows('links.association_types', 'association_type') }}

),

renamed as (

    select
        hubspot_deal_id || ':' || hubspot_contact_id as deal_contact_association_id,
        hubspot_deal_id,
        hubspot_contact_id,
        max(case when association_category = 'USER_DEFINED' then association_label end)
            as association_label,
        is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from association_types
    group by hubspot_deal_id, hubspot_contact_id, is_deleted, _extracted_at

)

select * from renamed
