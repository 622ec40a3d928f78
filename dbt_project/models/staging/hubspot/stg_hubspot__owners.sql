with

source as (

    select * from {{ source('raw_hubspot', 'owners') }}

),

renamed as (

    select
        id as hubspot_owner_id,
        {{ json_text('record', 'email') }} as email,
        {{ json_text('record', 'firstName') }} as first_name,
        {{ json_text('record', 'lastName') }} as last_name,
        {{ json_text('record', 'userId') }} as hubspot_user_id,
        is_deleted,
        {{ to_utc_timestamp(json_text('record', 'createdAt')) }} as created_at,
        {{ to_utc_timestamp(json_text('record', 'updatedAt')) }} as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
