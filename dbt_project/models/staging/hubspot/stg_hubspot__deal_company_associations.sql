{#- One row per deal -> company association: the v4 batch-read result flattened. Primary is
    association type 5 wherever it is listed among the pair's types. -#}
with

source as (

    select * from {{ source('raw_hubspot', 'deal_company_associations') }}

),

links as (

    select
        source.id as hubspot_deal_id,
        cast({{ json_text('association.value', 'toObjectId') }} as {{ dbt.type_string() }})
            as hubspot_company_id,
        {{ json_path('association.value', 'associationTypes') }} as association_types,
        source.is_deleted,
        source._extracted_at
    from source
    {{ json_array_rows(json_path('source.record', 'to'), 'association') }}

),

association_types as (

    select
        links.hubspot_deal_id,
        links.hubspot_company_id,
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
        hubspot_deal_id || ':' || hubspot_company_id as deal_company_association_id,
        hubspot_deal_id,
        hubspot_company_id,
        max(case when association_category = 'USER_DEFINED' then association_label end)
            as association_label,
        max(case when association_type_id = 5 then 1 else 0 end) = 1 as is_primary,
        is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from association_types
    group by hubspot_deal_id, hubspot_company_id, is_deleted, _extracted_at

)

select * from renamed
