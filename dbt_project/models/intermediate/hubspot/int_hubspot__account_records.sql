{#- HubSpot's account records: every company with its domain, archived ones flagged (merge losers
    leave the raw table with their survivor, as contacts do). The explicit link to a Salesforce
    Account (the Salesforce integration's company property salesforceaccountid) is not read by
    stg_hubspot__companies yet, so no company links to one; the accounts rule honours the link
    once this column carries it. -#}
with

companies as (

    select * from {{ ref('stg_hubspot__companies') }}

),

final as (

    select
        'hubspot_company:' || hubspot_company_id as account_record_key,
        'hubspot' as source_name,
        'hubspot_company' as source_system,
        hubspot_company_id as source_record_id,
        company_name as account_name,
        company_domain as website,
        cast(null as {{ dbt.type_string() }}) as linked_account_record_key,
        created_at,
        is_deleted,
        extracted_at
    from companies

)

select * from final
