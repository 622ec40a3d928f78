{#- One row per reporting day, owner and stage with open pipeline or a flow, from the first day of
    the opportunities' histories through the as-of date (rule_pipeline_daily): open count and
    amount at the end of the day, and the day's created / advanced / slipped / reopened / won /
    lost counts and amounts. Built from the change days only: each owner and stage's open totals
    are running sums of the day's entries and exits, carried over the days until the next change
    by one range join with the day spine, so the work grows with the changes and the open rows,
    not with days x opportunities. -#}
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
            lead(date_day) over (partition by owner_user_id, stage_name order by date_day),
            {{ dbt.dateadd('day', 1, goal_as_of_date()) }}
        ) as next_change_date
    from change_days

),

days as (

    {{ pipeline_day_spine(
        'select min(date_day) from change_days', goal_as_of_date()
    ) }}

),

spread as (

    -- a change day's totals hold until the next change; a stage left empty shows only its day
    select
        days.date_day,
        running_totals.owner_user_id,
        running_totals.stage_name,
        running_totals.open_count,
        running_totals.open_amount,
        days.date_day = running_totals.date_day as is_change_day,
        running_totals.created_count,
        running_totals.created_amount,
        running_totals.advanced_count,
        running_totals.advanced_amount,
        running_totals.slipped_count,
        running_totals.slipped_amount,
        running_totals.reopened_count,
        running_totals.reopened_amount,
        running_totals.won_count,
        running_totals.won_amount,
        running_totals.lost_count,
        running_totals.lost_amount
    from running_totals
    inner join days
        on
            running_totals.date_day <= days.date_day
            and running_totals.next_change_date > days.date_day
            and (running_totals.open_count > 0 or running_totals.date_day = days.date_day)

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
