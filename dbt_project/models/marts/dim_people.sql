with

source_records as (

    select * from {{ ref('int_people__source_records') }}

),

people as (

    select
        person_key,
        min(created_at) as lead_at,
        max(case
            when source_system = 'hubspot_contact' and source_record_rank = 1
                then source_record_id
        end) as hubspot_contact_id,
        max(case
            when source_system = 'salesforce_lead' and source_record_rank = 1
                then source_record_id
        end) as salesforce_lead_id,
        count(*) as source_record_count
    from source_records
    group by person_key

),

first_records as (

    select
        person_key,
        email_normalized,
        first_name,
        last_name,
        company_name
    from source_records
    where person_record_rank = 1

),

final as (

    select
        {{ dbt.hash('people.person_key') }} as person_id,
        first_records.email_normalized as email,
        first_records.first_name,
        first_records.last_name,
        first_records.company_name,
        people.hubspot_contact_id,
        people.salesforce_lead_id,
        people.hubspot_contact_id is not null as has_hubspot_contact,
        people.salesforce_lead_id is not null as has_salesforce_lead,
        people.source_record_count,
        people.lead_at
    from people
    inner join first_records
        on people.person_key = first_records.person_key

)

select * from final
