{#- Which account each live account record (Salesforce Account, HubSpot company) is: records with
    the same normalized web domain are one account, and a record's explicit link to another
    tool's record (a HubSpot company's Salesforce Account id) puts it in that record's account
    whatever its own domain says (links are followed one step). A record with neither stays an
    account of its own. Deleted records make no accounts (rule_account). -#}
with

account_records as (

    {{ conformed_union('account_records') }}

),

live_records as (

    select
        account_record_key,
        source_system,
        source_record_id,
        account_name,
        website,
        {{ normalize_domain('website') }} as record_domain,
        linked_account_record_key,
        created_at
    from account_records
    where not is_deleted

),

keyed as (

    select
        live_records.*,
        coalesce(
            'domain:' || live_records.record_domain,
            'record:' || live_records.account_record_key
        ) as domain_key
    from live_records

),

resolved as (

    select
        keyed.account_record_key,
        keyed.source_system,
        keyed.source_record_id,
        keyed.account_name,
        keyed.website,
        keyed.record_domain,
        keyed.linked_account_record_key,
        keyed.created_at,
        coalesce(linked.domain_key, keyed.domain_key) as account_key,
        case
            when linked.account_record_key is not null then linked.record_domain
            else keyed.record_domain
        end as account_domain,
        case
            when linked.account_record_key is not null then 'explicit_link'
            when keyed.record_domain is not null then 'domain'
            else 'no_domain'
        end as matched_by
    from keyed
    left join keyed as linked
        on
            keyed.linked_account_record_key = linked.account_record_key
            and keyed.account_record_key <> linked.account_record_key

),

final as (

    select
        account_record_key,
        {{ dbt.hash('account_key') }} as account_id,
        account_key,
        account_domain,
        source_system,
        source_record_id,
        account_name,
        website,
        record_domain,
        matched_by,
        linked_account_record_key,
        created_at
    from resolved

)

select * from final
