with

source as (

    select * from {{ source('raw_hubspot', 'form_submissions') }}

),

renamed as (

    select
        id as form_submission_id,
        {{ json_text('record', 'formId') }} as hubspot_form_id,
        {{ json_text('record', 'pageUrl') }} as page_url,
        {{ json_path('record', 'values') }} as submitted_values,
        is_deleted,
        {{ epoch_ms_to_timestamp(json_text('record', 'submittedAt')) }} as submitted_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
