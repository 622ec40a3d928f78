with

people as (

    select * from {{ ref('int_people') }}

),

stage_events as (

    select * from {{ ref('int_people__stage_events') }}

),

opportunity_people as (

    select * from {{ ref('int_opportunities__people') }}

),

opportunities as (

    {{ conformed_union('opportunities') }}

),

campaigns as (

    {{ conformed_union('campaigns') }}

),

live_campaigns as (

    select * from campaigns
    where not is_deleted

),

stage_times as (

    select
        person_id,
        max(case when lifecycle_stage = 'lead' then reached_at end) as lead_at,
        max(case when lifecycle_stage = 'mql' then reached_at end) as mql_at,
        max(case when lifecycle_stage = 'sal' then reached_at end) as sal_at,
        max(case when lifecycle_stage = 'sql' then reached_at end) as sql_at,
        max(case when lifecycle_stage = 'rejected' then reached_at end) as rejected_at,
        max(case when lifecycle_stage = 'rejected' then rejection_reason end) as rejection_reason,
        max(case when lifecycle_stage = 'opportunity' then reached_at end) as opportunity_at,
        max(case when lifecycle_stage = 'customer' then reached_at end) as customer_at
    from stage_events
    group by person_id

),

person_opportunities as (

    select
        opportunity_people.person_id,
        count(*) as opportunity_count,
        sum(opportunities.amount) as pipeline_amount,
        sum(case when opportunities.is_won then opportunities.amount else 0 end) as won_revenue,
        {{ dbt.listagg(
            'opportunity_people.opportunity_id', "';'", 'order by opportunity_people.opportunity_id'
        ) }} as opportunity_ids
    from opportunity_people
    inner join opportunities
        on opportunity_people.opportunity_id = opportunities.opportunity_id
    group by opportunity_people.person_id

),

campaign_names as (

    select
        campaign_name,
        min(campaign_id) as campaign_id
    from live_campaigns
    group by campaign_name

),

final as (

    select
        people.person_id,
        people.email,
        people.email_domain,
        people.is_free_email,
        people.first_name,
        people.last_name,
        people.company_name,
        people.hubspot_contact_id,
        people.hubspot_contact_ids,
        people.hubspot_merged_contact_ids,
        people.salesforce_lead_id,
        people.salesforce_lead_ids,
        people.salesforce_contact_id,
        people.salesforce_contact_ids,
        person_opportunities.opportunity_ids,
        people.hubspot_owner_id,
        people.owner_user_id,
        people.owner_name,
        people.original_source,
        people.original_campaign_name,
        campaign_names.campaign_id as original_campaign_id,
        case
            when stage_times.customer_at is not null then 'customer'
            when stage_times.opportunity_at is not null then 'opportunity'
            when stage_times.sql_at is not null then 'sql'
            when stage_times.rejected_at is not null then 'rejected'
            when stage_times.sal_at is not null then 'sal'
            when stage_times.mql_at is not null then 'mql'
            else 'lead'
        end as current_stage,
        people.hubspot_lifecycle_stage,
        people.salesforce_lead_status,
        stage_times.lead_at,
        stage_times.mql_at,
        stage_times.sal_at,
        stage_times.sql_at,
        stage_times.rejected_at,
        stage_times.rejection_reason,
        stage_times.opportunity_at,
        stage_times.customer_at,
        coalesce(person_opportunities.opportunity_count, 0) as opportunity_count,
        cast(coalesce(person_opportunities.pipeline_amount, 0) as {{ dbt.type_numeric() }})
            as pipeline_amount,
        cast(coalesce(person_opportunities.won_revenue, 0) as {{ dbt.type_numeric() }})
            as won_revenue,
        people.hubspot_contact_id is not null as has_hubspot_contact,
        people.has_salesforce_lead,
        people.salesforce_contact_id is not null as has_salesforce_contact,
        people.source_record_count
    from people
    left join stage_times
        on people.person_id = stage_times.person_id
    left join person_opportunities
        on people.person_id = person_opportunities.person_id
    left join campaign_names
        on people.original_campaign_name = campaign_names.campaign_name

)

select * from final
