{#- One row per reporting day, owner and stage with open pipeline or a flow, from the first day of
    the opportunities' histories through the as-of date (rule_pipeline_daily): open count and
    amount at the end of the day, and the day's created / advanced / slipped / reopened / won /
    lost counts and amounts. Built from the change days only: each owner and stage's open totals
    are running sums of the day's entries and exits, each spread over the days it holds (until
    the next change) by a set-returning day series, so the work grows with the changes and the
    open rows, not with days x opportunities (a range join with a day spine was 5x slower). -#}
with

changes as (

    select * from {{ ref('fct_pipeline_changes') }}

),

entries_and_exits as (

    -- an opportunity open at the end of the day counts in its stage from that day on
    select
        change_date as date_day,
        owner_user_id,
        stage_name,
        1 as open_count_change,
        amount as open_amount_change
    from changes
    where not is_closed

    union all

    -- and leaves the stage it was open in the day before
    select
        change_date as date_day,
        owner_user_id,
        previous_stage_name as stage_name,
        -1 as open_count_change,
        -previous_amount as open_amount_change
    from changes
    where not previous_is_closed

),

open_changes as (

    select
        date_day,
        owner_user_id,
        stage_name,
        sum(open_count_change) as open_count_change,
        sum(open_amount_change) as open_amount_change
    from entries_and_exits
    group by date_day, owner_user_id, stage_name

),

flows as (

    select
        change_date as date_day,
        owner_user_id,
        stage_name,
        max(stage_order) as stage_order,
        {{ pipeline_flow_sums('is_created', 'created') }},
        {{ pipeline_flow_sums('is_advanced', 'advanced') }},
        {{ pipeline_flow_sums('is_slipped', 'slipped') }},
        {{ pipeline_flow_sums('is_reopened', 'reopened') }},
        {{ pipeline_flow_sums('is_won_on_day', 'won') }},
        {{ pipeline_flow_sums('is_lost_on_day', 'lost') }}
    from changes
    group by change_date, owner_user_id, stage_name

),

stage_orders as (

    select
        stage_name,
        max(stage_order) as stage_order,
        max(case when is_closed then 1 else 0 end) = 1 as is_closed_stage
    from changes
    group by stage_name

),

change_days as (

    select
        coalesce(open_changes.date_day, flows.date_day) as date_day,
        coalesce(open_changes.owner_user_id, flows.owner_user_id) as owner_user_id,
        coalesce(open_changes.stage_name, flows.stage_name) as stage_name,
        coalesce(open_changes.open_count_change, 0) as open_count_change,
        coalesce(open_changes.open_amount_change, 0) as open_amount_change,
        flows.created_count,
        flows.created_amount,
        flows.advanced_count,
        flows.advanced_amount,
        flows.slipped_count,
        flows.slipped_amount,
        flows.reopened_count,
        flows.reopened_amount,
        flows.won_count,
        flows.won_amount,
        flows.lost_count,
        flows.lost_amount
    from open_changes
    full outer join flows
        on
            open_changes.date_day = flows.date_day
            and coalesce(open_changes.owner_user_id, '') = coalesce(flows.owner_user_id, '')
            and open_changes.stage_name = flows.stage_name

),

running_totals as (

    select
        *,
        sum(open_count_change) over (
            partition by owner_user_id, stage_name
            order by date_day rows between unbounded preceding and current row
        ) as open_count,
        sum(open_amount_change) over (
            partition by owner_user_id, stage_name
            order by date_day rows between unbounded preceding and current row
        ) as open_amount,
        coalesce(
            cast({{ dbt.dateadd(
                'day', -1,
                'lead(date_day) over (partition by owner_user_id, stage_name order by date_day)'
            ) }} as date),
            {{ goal_as_of_date() }}
        ) as last_day_held
    from change_days

),

held_days as (

    -- a change day's totals hold until the next change; a stage left empty shows only its day
    select
        *,
        {{ pipeline_each_day(
            'date_day', 'case when open_count > 0 then last_day_held else date_day end'
        ) }} as held_day
    from running_totals

),

spread as (

    select
        held_days.held_day as date_day,
        held_days.owner_user_id,
        held_days.stage_name,
        held_days.open_count,
        held_days.open_amount,
        held_days.held_day = held_days.date_day as is_change_day,
        held_days.created_count,
        held_days.created_amount,
        held_days.advanced_count,
        held_days.advanced_amount,
        held_days.slipped_count,
        held_days.slipped_amount,
        held_days.reopened_count,
        held_days.reopened_amount,
        held_days.won_count,
        held_days.won_amount,
        held_days.lost_count,
        held_days.lost_amount
    from held_days

),

final as (

    select
        cast(spread.date_day as {{ dbt.type_string() }})
        || '|' || coalesce(spread.owner_user_id, '')
        || '|' || spread.stage_name as pipeline_daily_id,
        spread.date_day,
        spread.owner_user_id,
        spread.stage_name,
        stage_orders.stage_order,
        stage_orders.is_closed_stage,
        cast(spread.open_count as {{ dbt.type_bigint() }}) as open_count,
        cast(spread.open_amount as numeric(28, 6)) as open_amount,
        {{ pipeline_flow_columns('created') }},
        {{ pipeline_flow_columns('advanced') }},
        {{ pipeline_flow_columns('slipped') }},
        {{ pipeline_flow_columns('reopened') }},
        {{ pipeline_flow_columns('won') }},
        {{ pipeline_flow_columns('lost') }},
        spread.date_day = {{ goal_as_of_date() }} as is_as_of_date
    from spread
    left join stage_orders
        on spread.stage_name = stage_orders.stage_name
    where
        spread.open_count > 0
        or spread.is_change_day and (
            coalesce(spread.created_count, 0) + coalesce(spread.advanced_count, 0)
            + coalesce(spread.slipped_count, 0) + coalesce(spread.reopened_count, 0)
            + coalesce(spread.won_count, 0) + coalesce(spread.lost_count, 0) > 0
        )

)

select * from final
