with

source as (

    select * from {{ source('raw_salesforce', 'lead') }}

),

renamed as (

    select
        id as salesforce_lead_id,
        {{ json_text('record', 'Email') }} as email,
        {{ json_text('record', 'FirstName') }} as first_name,
        {{ json_text('record', 'LastName') }} as last_name,
        {{ json_text('record', 'Company') }} as company_name,
        {{ json_text('record', 'Title') }} as title,
        {{ json_text('record', 'Status') }} as lead_status,
        {{ json_text('record', 'LeadSource') }} as lead_source,
        {{ json_text('record', 'OwnerId') }} as owner_user_id,
        {{ json_text('record', 'CreatedById') }} as created_by_user_id,
        cast({{ json_text('record', 'IsConverted') }} as boolean) as is_converted,
        cast({{ json_text('record', 'ConvertedDate') }} as date) as converted_date,
        {{ json_text('record', 'ConvertedContactId') }} as converted_contact_id,
        {{ json_text('record', 'ConvertedAccountId') }} as converted_account_id,
        {{ json_text('record', 'ConvertedOpportunityId') }} as converted_opportunity_id,
        {{ json_text('record', 'Disqualification_Reason__c') }} as disqualification_reason,
        {{ to_utc_timestamp(json_text('record', 'CreatedDate')) }} as created_at,
        {{ to_utc_timestamp(json_text('record', 'SystemModstamp')) }} as system_modstamp_at,
        is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
