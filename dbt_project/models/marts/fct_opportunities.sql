{#- One row per live opportunity of the enabled sources: amount, outcome, stage history summary,
    linked people and the primary campaign. -#}
with

all_opportunities as (

    {{ conformed_union('opportunities') }}

),

opportunities as (

    select * from all_opportunities
    where not is_deleted

),

opportunity_people as (

    select * from {{ ref('int_opportunities__people') }}

),

campaigns as (

    {{ conformed_union('campaigns') }}

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
        opportunities.opportunity_id,
        opportunities.opportunity_name,
        opportunities.account_id as salesforce_account_id,
        opportunities.owner_id as owner_user_id,
        coalesce(linked_people.primary_person_id, linked_people.any_person_id) as person_id,
        coalesce(linked_people.linked_person_count, 0) as linked_person_count,
        opportunities.campaign_id as primary_campaign_id,
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
        opportunities.stage_change_count,
        opportunities.stages_reached_count,
        opportunities.stage_path,
        opportunities.last_stage_change_at,
        -- bigint on every engine (Spark's datediff gives int)
        cast({{ dbt.datediff(
            'opportunities.created_at',
            'coalesce(opportunities.last_stage_change_at, opportunities.created_at)',
            'day'
        ) }} as bigint) as days_in_pipeline
    from opportunities
    left join linked_people
        on opportunities.opportunity_id = linked_people.opportunity_id
    left join campaigns
        on opportunities.campaign_id = campaigns.campaign_id

)

select * from final
