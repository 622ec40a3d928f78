{#- One row per live account record (Salesforce Account, HubSpot company) and the account it was
    resolved into, with the evidence: matched_by explicit_link, domain or no_domain. -#}
with

account_records as (

    select * from {{ ref('int_accounts__records') }}

),

final as (

    select
        account_record_key,
        account_id,
        source_system,
        source_record_id,
        account_name as record_name,
        website,
        record_domain,
        matched_by,
        linked_account_record_key,
        created_at
    from account_records

)

select * from final
