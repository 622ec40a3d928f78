{#- Salesforce's person records: every Lead and Contact, deleted ones flagged; a converted Lead
    names the Contact it was converted into. -#}
with

leads as (

    select * from {{ ref('stg_salesforce__leads') }}

),

contacts as (

    select * from {{ ref('stg_salesforce__contacts') }}

),

users as (

    select * from {{ ref('stg_salesforce__users') }}

),

records as (

    select
        'salesforce_lead' as source_system,
        salesforce_lead_id as source_record_id,
        email,
        first_name,
        last_name,
        company_name,
        owner_user_id,
        lead_source as original_source,
        lead_status as tool_stage,
        disqualification_reason as rejection_reason,
        'salesforce_contact:' || converted_contact_id as converted_to_record_key,
        created_at,
        is_deleted,
        extracted_at
    from leads

    union all

    select
        'salesforce_contact' as source_system,
        salesforce_contact_id as source_record_id,
        email,
        first_name,
        last_name,
        cast(null as {{ dbt.type_string() }}) as company_name,
        owner_user_id,
        lead_source as original_source,
        cast(null as {{ dbt.type_string() }}) as tool_stage,
        cast(null as {{ dbt.type_string() }}) as rejection_reason,
        cast(null as {{ dbt.type_string() }}) as converted_to_record_key,
        created_at,
        is_deleted,
        extracted_at
    from contacts

),

final as (

    select
        records.source_system || ':' || records.source_record_id as source_record_key,
        'salesforce' as source_name,
        records.source_system,
        records.source_record_id,
        records.email,
        records.first_name,
        records.last_name,
        records.company_name,
        records.owner_user_id as owner_id,
        users.user_name as owner_name,
        records.original_source,
        cast(null as {{ dbt.type_string() }}) as original_campaign_name,
        records.tool_stage,
        records.rejection_reason,
        records.converted_to_record_key,
        cast(null as {{ dbt.type_string() }}) as merged_into_record_key,
        records.created_at,
        records.is_deleted,
        records.extracted_at
    from records
    left join users
        on records.owner_user_id = users.salesforce_user_id

)

select * from final
