with

source as (

    select * from {{ source('raw_salesforce', 'opportunity_contact_role') }}

),

renamed as (

    select
        id as salesforce_opportunity_contact_role_id,
        {{ json_text('record', 'OpportunityId') }} as salesforce_opportunity_id,
        {{ json_text('record', 'ContactId') }} as salesforce_contact_id,
        {{ json_text('record', 'Role') }} as contact_role,
        cast({{ json_text('record', 'IsPrimary') }} as boolean) as is_primary,
        {{ to_utc_timestamp(json_text('record', 'CreatedDate')) }} as created_at,
        {{ to_utc_timestamp(json_text('record', 'SystemModstamp')) }} as system_modstamp_at,
        is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
