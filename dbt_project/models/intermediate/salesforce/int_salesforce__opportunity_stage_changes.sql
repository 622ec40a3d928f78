{#- Salesforce's Opportunity stage changes: one row per OpportunityHistory entry (Salesforce writes
    one at creation and at each change of stage, amount, close date or probability), with the
    stage's place in the StageName picklist (describe lists it in the pipeline's order) and
    whether it is closed and won. OpportunityHistory has no IsClosed or IsWon: Salesforce derives
    both from the stage, so a stage is closed and won as the Opportunities in it say; a stage no
    Opportunity is in now is closed won when its forecast category is Closed, closed lost when it
    is Omitted with probability 0, else open. -#}
with

opportunity_history as (

    select * from {{ ref('stg_salesforce__opportunity_history') }}

),

opportunities as (

    select * from {{ ref('stg_salesforce__opportunities') }}

),

fields as (

    select * from {{ ref('stg_salesforce__fields') }}

),

stage_picklist as (

    select
        {{ json_text('stage.value', 'value') }} as stage_name,
        cast(stage.position + 1 as integer) as stage_order
    from fields
    {{ json_array_rows('fields.picklist_values', 'stage') }}
    where
        fields.object_name = 'Opportunity'
        and fields.field_name = 'StageName'

),

stage_outcomes as (

    select
        stage_name,
        max(case when is_closed then 1 else 0 end) = 1 as is_closed,
        max(case when is_won then 1 else 0 end) = 1 as is_won
    from opportunities
    where stage_name is not null
    group by stage_name

),

opportunity_deletions as (

    select
        salesforce_opportunity_id,
        is_deleted
    from opportunities

),

final as (

    select
        opportunity_history.salesforce_opportunity_history_id as stage_change_id,
        opportunity_history.salesforce_opportunity_id as opportunity_id,
        'salesforce_opportunity' as source_system,
        opportunity_history.created_at as changed_at,
        opportunity_history.stage_name,
        stage_picklist.stage_order,
        cast(opportunity_history.amount as numeric(28, 6)) as amount,
        opportunity_history.close_date,
        cast(opportunity_history.probability as numeric(28, 6)) as probability,
        coalesce(
            stage_outcomes.is_closed,
            opportunity_history.forecast_category = 'Closed'
            or (
                opportunity_history.forecast_category = 'Omitted'
                and opportunity_history.probability = 0
            ),
            false
        ) as is_closed,
        coalesce(
            stage_outcomes.is_won, opportunity_history.forecast_category = 'Closed', false
        ) as is_won,
        opportunity_history.is_deleted
        or coalesce(opportunity_deletions.is_deleted, false) as is_deleted,
        opportunity_history.extracted_at
    from opportunity_history
    left join stage_picklist
        on opportunity_history.stage_name = stage_picklist.stage_name
    left join stage_outcomes
        on opportunity_history.stage_name = stage_outcomes.stage_name
    left join opportunity_deletions
        on
            opportunity_history.salesforce_opportunity_id
            = opportunity_deletions.salesforce_opportunity_id

)

select * from final
