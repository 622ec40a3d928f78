with

source as (

    select * from {{ source('raw_hubspot', 'contacts') }}

),

renamed as (

    select
        id as hubspot_contact_id,
        {{ json_text('record', 'properties', 'email') }} as email,
        {{ json_text('record', 'properties', 'firstname') }} as first_name,
        {{ json_text('record', 'properties', 'lastname') }} as last_name,
        {{ json_text('record', 'properties', 'company') }} as company_name,
        {{ json_text('record', 'properties', 'jobtitle') }} as job_title,
        cast({{ json_text('record', 'properties', 'hubspotscore') }} as integer) as hubspot_score,
        {{ json_text('record', 'properties', 'lifecyclestage') }} as lifecycle_stage,
        {{ json_text('record', 'properties', 'hubspot_owner_id') }} as hubspot_owner_id,
        {{ json_text('record', 'properties', 'hs_analytics_source') }} as original_source,
        {{ json_text('record', 'properties', 'hs_analytics_source_data_1') }}
            as original_campaign_name,
        {{ json_text('record', 'properties', 'salesforceleadid') }} as salesforce_lead_id,
        {{ json_text('record', 'properties', 'hs_merged_object_ids') }} as merged_contact_ids,
        {{ json_path('record', 'propertiesWithHistory', 'hubspotscore') }} as score_history,
        {{ json_path('record', 'propertiesWithHistory', 'lifecyclestage') }}
            as lifecycle_stage_history,
        {{ json_text('record', 'properties', 'hs_lead_status') }} as lead_status,
        {{ json_path('record', 'propertiesWithHistory', 'hs_lead_status') }}
            as lead_status_history,
        {{ json_path('record', 'properties') }} as property_values,
        is_deleted,
        {{ to_utc_timestamp(json_text('record', 'createdAt')) }} as created_at,
        {{ to_utc_timestamp(json_text('record', 'updatedAt')) }} as updated_at,
        {{ to_utc_timestamp(json_text('record', 'archivedAt')) }} as archived_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
