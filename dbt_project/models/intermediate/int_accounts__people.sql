{#- Which account each person belongs to (rule_account): the account of their live records'
    explicit links (a Salesforce Contact's Account, a HubSpot contact's companies), primary links
    first, then the earliest-created account; a person with no such link (a Lead not yet
    converted, a contact without a company) by their e-mail domain when it is a web domain of an
    account's records and not a free-mail domain (free_email_domains). A domain held by records of
    several accounts picks the account keyed by that domain, else the smallest account id. -#}
with

account_people as (

    {{ conformed_union('account_people') }}

),

account_records as (

    select * from {{ ref('int_accounts__records') }}

),

identity as (

    select * from {{ ref('int_people__identity') }}

),

people as (

    select * from {{ ref('int_people') }}

),

accounts as (

    select
        account_id,
        min(created_at) as account_created_at
    from account_records
    group by account_id

),

explicit_links as (

    select
        identity.person_id,
        account_records.account_id,
        account_people.linked_via,
        -- one account named by several links reports the first link kind in the alphabet
        row_number() over (
            partition by identity.person_id
            order by
                case when account_people.is_primary then 0 else 1 end,
                accounts.account_created_at,
                account_records.account_id,
                account_people.linked_via
        ) as link_rank
    from account_people
    inner join identity
        on account_people.source_record_key = identity.source_record_key
    inner join account_records
        on account_people.account_record_key = account_records.account_record_key
    inner join accounts
        on account_records.account_id = accounts.account_id
    where not account_people.is_deleted

),

domain_accounts as (

    select
        record_domain,
        account_id,
        row_number() over (
            partition by record_domain
            order by case when account_domain = record_domain then 0 else 1 end, account_id
        ) as domain_rank
    from account_records
    where record_domain is not null

),

linked_people as (

    select
        person_id,
        account_id,
        linked_via as attached_by
    from explicit_links
    where link_rank = 1

),

domain_people as (

    select
        people.person_id,
        domain_accounts.account_id,
        'email_domain' as attached_by
    from people
    inner join domain_accounts
        on
            people.email_domain = domain_accounts.record_domain
            and domain_accounts.domain_rank = 1
    left join linked_people
        on people.person_id = linked_people.person_id
    where
        linked_people.person_id is null
        and not people.is_free_email

),

final as (

    select * from linked_people

    union all

    select * from domain_people

)

select * from final
