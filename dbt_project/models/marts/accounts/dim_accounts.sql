{#- One row per account across Salesforce Accounts and HubSpot companies (rule_account), with the
    evidence of its matches and the account-level stages (rule_account_stages): the earliest
    time one of its people reached MQL (engaged), opportunity and customer in dim_people. -#}
with

account_records as (

    select * from {{ ref('int_accounts__records') }}

),

account_people as (

    select * from {{ ref('int_accounts__people') }}

),

people as (

    select * from {{ ref('dim_people') }}

),

named_records as (

    select
        account_id,
        account_name,
        row_number() over (
            partition by account_id order by created_at, account_record_key
        ) as name_rank
    from account_records

),

first_ids as (

    select
        account_id,
        source_system,
        source_record_id,
        row_number() over (
            partition by account_id, source_system order by created_at, source_record_id
        ) as id_rank
    from account_records

),

record_summary as (

    select
        account_id,
        max(account_domain) as account_domain,
        min(created_at) as created_at,
        count(*) as record_count,
        count(case when source_system = 'salesforce_account' then 1 end)
            as salesforce_account_count,
        count(case when source_system = 'hubspot_company' then 1 end) as hubspot_company_count,
        count(case when matched_by = 'domain' then 1 end) as domain_record_count,
        count(case when matched_by = 'explicit_link' then 1 end) as linked_record_count,
        {{ dbt.listagg(
            "case when source_system = 'salesforce_account' then source_record_id end",
            "';'", 'order by source_record_id'
        ) }} as salesforce_account_ids,
        {{ dbt.listagg(
            "case when source_system = 'hubspot_company' then source_record_id end",
            "';'", 'order by source_record_id'
        ) }} as hubspot_company_ids
    from account_records
    group by account_id

),

people_summary as (

    select
        account_people.account_id,
        count(*) as people_count,
        count(case when account_people.attached_by = 'email_domain' then 1 end)
            as people_by_email_domain_count,
        count(people.mql_at) as mql_people_count,
        min(people.mql_at) as engaged_at,
        min(people.opportunity_at) as opportunity_at,
        min(people.customer_at) as customer_at
    from account_people
    inner join people
        on account_people.person_id = people.person_id
    group by account_people.account_id

),

final as (

    select
        record_summary.account_id,
        record_summary.account_domain,
        named_records.account_name,
        salesforce_ids.source_record_id as salesforce_account_id,
        record_summary.salesforce_account_ids,
        hubspot_ids.source_record_id as hubspot_company_id,
        record_summary.hubspot_company_ids,
        record_summary.record_count,
        record_summary.salesforce_account_count > 0 as has_salesforce_account,
        record_summary.hubspot_company_count > 0 as has_hubspot_company,
        record_summary.domain_record_count > 1 as is_matched_by_domain,
        record_summary.linked_record_count > 0 as is_matched_by_link,
        record_summary.created_at,
        coalesce(people_summary.people_count, 0) as people_count,
        coalesce(people_summary.people_by_email_domain_count, 0) as people_by_email_domain_count,
        coalesce(people_summary.mql_people_count, 0) as mql_people_count,
        case
            when people_summary.customer_at is not null then 'customer'
            when people_summary.opportunity_at is not null then 'opportunity'
            when people_summary.engaged_at is not null then 'engaged'
            else 'unengaged'
        end as account_stage,
        people_summary.engaged_at is not null as is_engaged,
        people_summary.engaged_at,
        people_summary.opportunity_at is not null as has_opportunity,
        people_summary.opportunity_at,
        people_summary.customer_at is not null as is_customer,
        people_summary.customer_at
    from record_summary
    inner join named_records
        on
            record_summary.account_id = named_records.account_id
            and named_records.name_rank = 1
    left join first_ids as salesforce_ids
        on
            record_summary.account_id = salesforce_ids.account_id
            and salesforce_ids.source_system = 'salesforce_account'
            and salesforce_ids.id_rank = 1
    left join first_ids as hubspot_ids
        on
            record_summary.account_id = hubspot_ids.account_id
            and hubspot_ids.source_system = 'hubspot_company'
            and hubspot_ids.id_rank = 1
    left join people_summary
        on record_summary.account_id = people_summary.account_id

)

select * from final
