{#- Every live person-record from every tool, with the key that says which person it is:
    the normalized e-mail, or the tool and id when there is no valid e-mail. -#}
with

hubspot_contacts as (

    select * from {{ ref('stg_hubspot__contacts') }}
    where not is_deleted

),

salesforce_leads as (

    select * from {{ ref('stg_salesforce__leads') }}
    where not is_deleted

),

source_records as (

    select
        'hubspot_contact' as source_system,
        hubspot_contact_id as source_record_id,
        email,
        first_name,
        last_name,
        company_name,
        created_at
    from hubspot_contacts

    union all

    select
        'salesforce_lead' as source_system,
        salesforce_lead_id as source_record_id,
        email,
        first_name,
        last_name,
        company_name,
        created_at
    from salesforce_leads

),

keyed as (

    select
        source_system,
        source_record_id,
        email,
        first_name,
        last_name,
        company_name,
        created_at,
        {{ normalize_email('email') }} as email_normalized,
        coalesce(
            {{ normalize_email('email') }},
            source_system || ':' || source_record_id
        ) as person_key
    from source_records

),

ranked as (

    select
        keyed.*,
        row_number() over (
            partition by keyed.person_key
            order by keyed.created_at, keyed.source_system, keyed.source_record_id
        ) as person_record_rank,
        row_number() over (
            partition by keyed.person_key, keyed.source_system
            order by keyed.created_at, keyed.source_record_id
        ) as source_record_rank
    from keyed

)

select * from ranked
