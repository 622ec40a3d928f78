{#- One row per person: the records each tool holds for them and the person's profile (e-mail,
    name, company, owner, original source), read from their records in a fixed order. -#}
with

source_records as (

    select * from {{ ref('int_people__source_records') }}

),

identity as (

    select * from {{ ref('int_people__identity') }}

),

merged_contacts as (

    select * from {{ ref('int_hubspot__merged_contacts') }}

),

records as (

    select
        identity.person_id,
        identity.person_key,
        source_records.*,
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
            partition by identity.person_id, source_records.company_name is null
            order by
                case source_records.source_system when 'hubspot_contact' then 0 else 1 end,
                source_records.created_at,
                source_records.source_record_key
        ) as company_rank,
        row_number() over (
            partition by identity.person_id, source_records.owner_user_id is null
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
            'merged_contacts.merged_contact_id', "';'", 'order by merged_contacts.merged_contact_id'
        ) }} as hubspot_merged_contact_ids
    from merged_contacts
    inner join records
        on
            merged_contacts.survivor_contact_id = records.source_record_id
            and records.source_system = 'hubspot_contact'
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
        max(
            case
                when source_system = 'hubspot_contact' and system_rank = 1 then source_record_id
            end
        ) as hubspot_contact_id,
        max(
            case
                when source_system = 'salesforce_lead' and system_rank = 1 then source_record_id
            end
        ) as salesforce_lead_id,
        max(
            case
                when source_system = 'salesforce_contact' and system_rank = 1 then source_record_id
            end
        ) as salesforce_contact_id,
        {{ dbt.listagg(
            "case when source_system = 'hubspot_contact' then source_record_id end",
            "';'",
            'order by source_record_id'
        ) }} as hubspot_contact_ids,
        {{ dbt.listagg(
            "case when source_system = 'salesforce_lead' then source_record_id end",
            "';'",
            'order by source_record_id'
        ) }} as salesforce_lead_ids,
        {{ dbt.listagg(
            "case when source_system = 'salesforce_contact' then source_record_id end",
            "';'",
            'order by source_record_id'
        ) }} as salesforce_contact_ids,
        max(
            case
                when source_system = 'hubspot_contact' and system_rank = 1 then hubspot_owner_id
            end
        ) as hubspot_owner_id,
        max(case when owner_rank = 1 and owner_user_id is not null then owner_user_id end)
            as owner_user_id,
        max(
            case when source_system = 'hubspot_contact' and system_rank = 1 then original_source end
        ) as hubspot_original_source,
        max(
            case
                when
                    source_system = 'hubspot_contact' and system_rank = 1
                    then original_campaign_name
            end
        ) as original_campaign_name,
        max(case when record_rank = 1 then original_source end) as first_record_source,
        max(case when source_system = 'hubspot_contact' and system_rank = 1 then tool_stage end)
            as hubspot_lifecycle_stage,
        max(case when source_system = 'salesforce_lead' and system_rank = 1 then tool_stage end)
            as salesforce_lead_status,
        sum(case when source_system = 'salesforce_lead' then 1 else 0 end)
        > 0 as has_salesforce_lead,
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
        coalesce(people.hubspot_original_source, people.first_record_source) as original_source,
        people.original_campaign_name,
        people.hubspot_lifecycle_stage,
        people.salesforce_lead_status,
        people.has_salesforce_lead,
        people.source_record_count
    from people
    left join merged_ids
        on people.person_id = merged_ids.person_id

)

select * from final
