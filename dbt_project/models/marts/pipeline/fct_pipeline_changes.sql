{#- One row per opportunity and reporting day on which its history has an entry, through the
    as-of date: its state at the end of that day, its state at the end of the day before, and the
    flows the day makes (rule_pipeline_daily). Only the opportunities of fct_opportunities. -#}
with

all_stage_changes as (

    {{ conformed_union('opportunity_stage_changes') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

stage_changes as (

    select
        all_stage_changes.stage_change_id,
        all_stage_changes.opportunity_id,
        all_stage_changes.source_system,
        opportunities.owner_user_id,
        all_stage_changes.changed_at,
        {{ to_reporting_date('all_stage_changes.changed_at') }} as change_date,
        all_stage_changes.stage_name,
        all_stage_changes.stage_order,
        coalesce(all_stage_changes.amount, 0) as amount,
        all_stage_changes.close_date,
        all_stage_changes.probability,
        all_stage_changes.is_closed,
        all_stage_changes.is_won
    from all_stage_changes
    inner join opportunities
        on all_stage_changes.opportunity_id = opportunities.opportunity_id
    where not all_stage_changes.is_deleted

),

ranked_changes as (

    select
        *,
        row_number() over (
            partition by opportunity_id, change_date
            order by changed_at desc, stage_change_id desc
        ) as rank_in_day
    from stage_changes
    where change_date <= {{ goal_as_of_date() }}

),

day_states as (

    select
        *,
        lag(change_date) over (partition by opportunity_id order by change_date)
            as previous_change_date,
        lag(stage_name) over (partition by opportunity_id order by change_date)
            as previous_stage_name,
        lag(stage_order) over (partition by opportunity_id order by change_date)
            as previous_stage_order,
        lag(amount) over (partition by opportunity_id order by change_date) as previous_amount,
        lag(close_date) over (partition by opportunity_id order by change_date)
            as previous_close_date,
        lag(is_closed) over (partition by opportunity_id order by change_date)
            as previous_is_closed,
        lag(is_won) over (partition by opportunity_id order by change_date) as previous_is_won
    from ranked_changes
    where rank_in_day = 1

),

moves as (

    select
        *,
        previous_change_date is not null and not previous_is_closed and not is_closed
            as is_open_both_days,
        coalesce(stage_order < previous_stage_order, false) as is_moved_back,
        coalesce(stage_order > previous_stage_order, false) as is_moved_forward,
        coalesce(
            {{ dbt.date_trunc(definition('pipeline_slip_period'), 'close_date') }}
            > {{ dbt.date_trunc(definition('pipeline_slip_period'), 'previous_close_date') }},
            false
        ) as is_close_date_pushed
    from day_states

),

final as (

    select
        opportunity_id || '|' || cast(change_date as {{ dbt.type_string() }})
            as pipeline_change_id,
        opportunity_id,
        source_system,
        owner_user_id,
        change_date,
        changed_at as last_changed_at,
        stage_name,
        stage_order,
        amount,
        close_date,
        probability,
        is_closed,
        is_won,
        previous_change_date,
        previous_stage_name,
        previous_stage_order,
        previous_amount,
        previous_close_date,
        previous_is_closed,
        previous_is_won,
        previous_change_date is null as is_created,
        is_open_both_days
        and is_moved_forward
        and not is_close_date_pushed as is_advanced,
        is_open_both_days and (is_moved_back or is_close_date_pushed) as is_slipped,
        case
            when is_open_both_days and is_moved_back and is_close_date_pushed
                then 'moved_back_and_close_date_pushed'
            when is_open_both_days and is_moved_back then 'moved_back'
            when is_open_both_days and is_close_date_pushed then 'close_date_pushed'
        end as slip_reason,
        coalesce(previous_is_closed, false) and not is_closed as is_reopened,
        is_won and not coalesce(previous_is_won, false) as is_won_on_day,
        is_closed
        and not is_won
        and not coalesce(previous_is_closed and not previous_is_won, false) as is_lost_on_day,
        amount - coalesce(previous_amount, 0) as amount_change
    from moves

)

select * from final
