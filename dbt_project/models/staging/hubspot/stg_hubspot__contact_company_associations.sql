{#- One row per contact -> company association: the v4 batch-read result flattened. -#}
with

source as (

    select * from {{ source('raw_hubspot', 'contact_company_associations') }}

),

flattened as (

    select
        source.id as hubspot_contact_id,
        cast({{ json_text('association.value', 'toObjectId') }} as {{ dbt.type_string() }})
            as hubspot_company_id,
        association.position as association_position,
        {{ json_text('association.value', 'associationTypes', '0', 'label') }} as association_label,
        source.is_deleted,
        cast(source._extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source
    {{ json_array_rows(json_path('source.record', 'to'), 'association') }}

),

renamed as (

    select
        hubspot_contact_id || ':' || hubspot_company_id as contact_company_association_id,
        hubspot_contact_id,
        hubspot_company_id,
        association_label,
        association_label = 'Primary' as is_primary,
        is_deleted,
        extracted_at
    from flattened

)

select * from renamed
