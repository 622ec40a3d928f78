{#- Salesforce's account records: every Account with its Website, deleted ones flagged. An
    Account names no HubSpot company, so it links to none. -#}
with

accounts as (

    select * from {{ ref('stg_salesforce__accounts') }}

),

final as (

    select
        'salesforce_account:' || salesforce_account_id as account_record_key,
        'salesforce' as source_name,
        'salesforce_account' as source_system,
        salesforce_account_id as source_record_id,
        account_name,
        website,
        cast(null as {{ dbt.type_string() }}) as linked_account_record_key,
        created_at,
        is_deleted,
        extracted_at
    from accounts

)

select * from final
