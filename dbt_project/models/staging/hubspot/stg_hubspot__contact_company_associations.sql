{#- One row per contact -> company association: the v4 batch-read result flattened. A company is
    listed once with every association type that links it (Primary = typeId 1, unlabeled = 279,
    the portal's own labels), in no fixed order: primary is typeId 1 anywhere in that list. -#}
with

source as (

    select * from {{ source('raw_hubspot', 'contact_company_associations') }}

),

companies as (

    select
        source.id as hubspot_contact_id,
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
        companies.hubspot_contact_id,
        companies.hubspot_company_id,
        cast({{ json_text('association_type.value', 'typeId') }} as integer)
            as association_type_id,
        {{ json_text('association_type.value', 'category') }} as association_category,
        {{ json_text('association_type.value', 'label') }} as association_label,
        companies.is_deleted,
        companies._extracted_at
    from companies
    {{ json_array_rows('companies.association_types', 'association_type') }}

),

renamed as (

    select
        hubspot_contact_id || ':' || hubspot_company_id as contact_company_association_id,
        hubspot_contact_id,
        hubspot_company_id,
        max(case when association_category = 'USER_DEFINED' then association_label end)
            as association_label,
        max(case when association_type_id = 1 then 1 else 0 end) = 1 as is_primary,
        is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from association_types
    group by hubspot_contact_id, hubspot_company_id, is_deleted, _extracted_at

)

select * from renamed
