{#- One row per person: the records each source holds for them and the person's profile (e-mail,
    name, company, owner, original source), read from their records in a fixed order. The owner
    comes from the records of the sal source; the company, original source and campaign first
    from the records of the mql source (stage_sources). -#}
with

source_records as (

    select * from {{ ref('int_people__source_records') }}

),

identity as (

    select * from {{ ref('int_people__identity') }}

),

record_merges as (

    {{ conformed_union('record_merges') }}

),

records as (

    select
        identity.person_id,
        identity.person_key,
        source_records.*,
        source_records.source_name in {{ stage_sources_sql('sal') }} as is_sales_record,
        source_records.source_name in {{ stage_sources_sql('mql') }} as is_marketing_record,
        -- the person's e-mail comes from the inbound records (HubSpot, Lead) before a Contact's
        row_number() over (
            partition by identity.person_id
            order by
                case
                    when source_records.email_normalized is null then 2
                    when source_records.source_system = 'salesforce_contact' then 1
                    else 0
                end,
                source_records.created_at,
                source_records.source_record_key
        ) as email_rank,
        row_number() over (
            partition by identity.person_id
            order by source_records.created_at, source_records.source_record_key
        ) as record_rank,
        row_number() over (
            partition by identity.person_id, source_records.source_system
            order by source_records.created_at, source_records.source_record_key
        ) as system_rank,
        row_number() over (
            partition by
                identity.person_id,
                source_records.source_name in {{ stage_sources_sql('mql') }}
            order by source_records.created_at, source_records.source_record_key
        ) as marketing_rank,
        row_number() over (
            partition by identity.person_id, source_records.company_name is null
            order by
                case
                    when source_records.source_name in {{ stage_sources_sql('mql') }} then 0
                    else 1
                end,
                source_records.created_at,
                source_records.source_record_key
        ) as company_rank,
        row_number() over (
            partition by
                identity.person_id,
                source_records.owner_id is null
                or source_records.source_name not in {{ stage_sources_sql('sal') }}
            order by source_records.created_at desc, source_records.source_record_key asc
        ) as owner_rank
    from source_records
    inner join identity
        on source_records.source_record_key = identity.source_record_key

),

merged_ids as (

    select
        records.person_id,
        {{ dbt.listagg(
            'record_merges.merged_record_id', "';'", 'order by record_merges.merged_record_id'
        ) }} as hubspot_merged_contact_ids
    from record_merges
    inner join records
        on record_merges.survivor_record_key = records.source_record_key
    where records.source_system = 'hubspot_contact'
    group by records.person_id

),

people as (

    select
        person_id,
        max(person_key) as person_key,
        max(case when email_rank = 1 then email_normalized end) as email,
        max(case when record_rank = 1 then first_name end) as first_name,
        max(case when record_rank = 1 then last_name end) as last_name,
        max(case when company_rank = 1 and company_name is not null then company_name end)
            as company_name,
        {% for source_system in person_record_systems() -%}
            max(
                case
                    when source_system = '{{ source_system }}' and system_rank = 1
                        then source_record_id
                end
            ) as {{ source_system }}_id,
            {{ dbt.listagg(
                "case when source_system = '" ~ source_system ~ "' then source_record_id end",
                "';'",
                'order by source_record_id'
            ) }} as {{ source_system }}_ids,
            sum(case when source_system = '{{ source_system }}' then 1 else 0 end)
            > 0 as has_{{ source_system }},
        {% endfor -%}
        max(
            case when source_system = 'hubspot_contact' and system_rank = 1 then owner_id end
        ) as hubspot_owner_id,
        max(case when owner_rank = 1 and is_sales_record then owner_id end) as owner_user_id,
        max(case when owner_rank = 1 and is_sales_record then owner_name end) as owner_name,
        max(case when is_marketing_record and marketing_rank = 1 then original_source end)
            as marketing_original_source,
        max(
            case when is_marketing_record and marketing_rank = 1 then original_campaign_name end
        ) as original_campaign_name,
        max(case when record_rank = 1 then original_source end) as first_record_source,
        max(case when source_system = 'hubspot_contact' and system_rank = 1 then tool_stage end)
            as hubspot_lifecycle_stage,
        max(case when source_system = 'salesforce_lead' and system_rank = 1 then tool_stage end)
            as salesforce_lead_status,
        count(*) as source_record_count
    from records
    group by person_id

),

final as (

    select
        people.person_id,
        people.person_key,
        people.email,
        case when people.email is not null then {{ email_domain('people.email') }} end
            as email_domain,
        coalesce(
            {{ email_domain('people.email') }} in {{ definition_sql('free_email_domains') }},
            false
        ) as is_free_email,
        people.first_name,
        people.last_name,
        people.company_name,
        people.hubspot_contact_id,
        people.hubspot_contact_ids,
        merged_ids.hubspot_merged_contact_ids,
        people.salesforce_lead_id,
        people.salesforce_lead_ids,
        people.salesforce_contact_id,
        people.salesforce_contact_ids,
        people.hubspot_owner_id,
        people.owner_user_id,
        people.owner_name,
        coalesce(people.marketing_original_source, people.first_record_source)
            as original_source,
        people.original_campaign_name,
        people.hubspot_lifecycle_stage,
        people.salesforce_lead_status,
        {% for source_system in person_record_systems() -%}
            people.has_{{ source_system }},
        {% endfor -%}
        people.source_record_count
    from people
    left join merged_ids
        on people.person_id = merged_ids.person_id

)

select * from final
