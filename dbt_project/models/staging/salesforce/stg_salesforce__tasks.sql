with

source as (

    select * from {{ source('raw_salesforce', 'task') }}

),

renamed as (

    select
        id as salesforce_task_id,
        {{ json_text('record', 'WhoId') }} as who_id,
        {{ json_text('record', 'WhatId') }} as what_id,
        {{ json_text('record', 'Subject') }} as subject,
        {{ json_text('record', 'TaskSubtype') }} as task_subtype,
        {{ json_text('record', 'Status') }} as task_status,
        cast({{ json_text('record', 'IsClosed') }} as boolean) as is_closed,
        cast({{ json_text('record', 'ActivityDate') }} as date) as activity_date,
        {{ json_text('record', 'OwnerId') }} as owner_user_id,
        {{ to_utc_timestamp(json_text('record', 'CompletedDateTime')) }} as completed_at,
        {{ to_utc_timestamp(json_text('record', 'CreatedDate')) }} as created_at,
        {{ to_utc_timestamp(json_text('record', 'SystemModstamp')) }} as system_modstamp_at,
        is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
