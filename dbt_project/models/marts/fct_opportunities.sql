{#- One row per live Opportunity: amount, outcome, stage history summary, linked people and the
    primary campaign. -#}
with

opportunities as (

    select * from {{ ref('stg_salesforce__opportunities') }}
    where not is_deleted

),

opportunity_history as (

    select * from {{ ref('stg_salesforce__opportunity_history') }}
    where not is_deleted

),

opportunity_people as (

    select * from {{ ref('int_opportunities__people') }}

),

campaigns as (

    select * from {{ ref('stg_salesforce__campaigns') }}

),

stage_history as (

    select
        salesforce_opportunity_id,
        count(*) as stage_change_count,
        count(distinct stage_name) as stages_reached_count,
        min(created_at) as first_stage_change_at,
        max(created_at) as last_stage_change_at,
        {{ dbt.listagg(
            'stage_name', "' > '", 'order by created_at, salesforce_opportunity_history_id'
        ) }} as stage_path
    from opportunity_history
    group by salesforce_opportunity_id

),

linked_people as (

    select
        opportunity_id,
        count(*) as linked_person_count,
        min(case when is_via_converted_lead or is_primary_contact_role then person_id end)
            as primary_person_id,
        min(person_id) as any_person_id
    from opportunity_people
    group by opportunity_id

),

final as (

    select
        opportunities.salesforce_opportunity_id as opportunity_id,
        opportunities.opportunity_name,
        opportunities.salesforce_account_id,
        opportunities.owner_user_id,
        coalesce(linked_people.primary_person_id, linked_people.any_person_id) as person_id,
        coalesce(linked_people.linked_person_count, 0) as linked_person_count,
        opportunities.salesforce_campaign_id as primary_campaign_id,
        campaigns.campaign_name as primary_campaign_name,
        opportunities.stage_name,
        opportunities.amount,
        opportunities.is_closed,
        opportunities.is_won,
        opportunities.created_at,
        {{ to_reporting_date('opportunities.created_at') }} as created_on,
        opportunities.close_date,
        case
            when
                opportunities.is_closed
                then cast(opportunities.close_date as {{ dbt.type_timestamp() }})
        end as closed_at,
        case
            when opportunities.is_won then opportunities.amount else 0
        end as won_amount,
        coalesce(stage_history.stage_change_count, 0) as stage_change_count,
        coalesce(stage_history.stages_reached_count, 0) as stages_reached_count,
        stage_history.stage_path,
        stage_history.last_stage_change_at,
        -- bigint on every engine (Spark's datediff gives int)
        cast({{ dbt.datediff(
            'opportunities.created_at',
            'coalesce(stage_history.last_stage_change_at, opportunities.created_at)',
            'day'
        ) }} as bigint) as days_in_pipeline
    from opportunities
    left join stage_history
        on opportunities.salesforce_opportunity_id = stage_history.salesforce_opportunity_id
    left join linked_people
        on opportunities.salesforce_opportunity_id = linked_people.opportunity_id
    left join campaigns
        on opportunities.salesforce_campaign_id = campaigns.salesforce_campaign_id

)

select * from final
