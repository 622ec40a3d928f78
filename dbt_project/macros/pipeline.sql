{#- Pipeline history (issue 15): the days a change holds over, and the reconciliation of its
    as-of day with the opportunities as they are now. -#}

{#- Each day from first_day to last_day (SQL date expressions of the row), both included, one
    row per day: a set-returning expression for a select list, giving a date. -#}
{% macro pipeline_each_day(first_day, last_day) -%}
    {{ return(adapter.dispatch('pipeline_each_day', 'samepage')(first_day, last_day)) }}
{%- endmacro %}

{% macro default__pipeline_each_day(first_day, last_day) -%}
    cast(generate_series(
        cast(({{ first_day }}) as {{ dbt.type_timestamp() }}),
        cast(({{ last_day }}) as {{ dbt.type_timestamp() }}),
        interval '1 day'
    ) as date)
{%- endmacro %}

{#- DuckDB's generate_series gives a list: unnested into rows. -#}
{% macro duckdb__pipeline_each_day(first_day, last_day) -%}
    cast(unnest(generate_series(
        cast(({{ first_day }}) as {{ dbt.type_timestamp() }}),
        cast(({{ last_day }}) as {{ dbt.type_timestamp() }}),
        interval '1 day'
    )) as date)
{%- endmacro %}

{% macro spark__pipeline_each_day(first_day, last_day) -%}
    explode(sequence(cast(({{ first_day }}) as date), cast(({{ last_day }}) as date), interval 1 day))
{%- endmacro %}

{#- The as-of day's open pipeline per owner and stage equals the open opportunities now (count and
    amount; an opportunity without an amount counts 0). Opportunities changed after the as-of day
    (a run after midnight sees them already) are left out of both sides: from the opportunities
    now, and their state at the end of the as-of day (from `changes`, fct_pipeline_changes) from
    the day's totals. Returns (and logs) the owner and stage rows that differ. -#}
{% test pipeline_as_of_day_matches_open_opportunities(model, opportunities, changes) %}
{%- set test_sql -%}
with

stage_changes as (

    {{ conformed_union('opportunity_stage_changes') }}

),

changed_later as (

    select distinct opportunity_id
    from stage_changes
    where {{ to_reporting_date('changed_at') }} > {{ goal_as_of_date() }}

),

as_of_day_totals as (

    select
        coalesce(owner_user_id, '') as owner_key,
        stage_name,
        sum(open_count) as open_count,
        sum(open_amount) as open_amount
    from {{ model }}
    where date_day = {{ goal_as_of_date() }}
    group by coalesce(owner_user_id, ''), stage_name

),

last_states as (

    select
        pipeline_changes.opportunity_id,
        pipeline_changes.owner_user_id,
        pipeline_changes.stage_name,
        pipeline_changes.amount,
        pipeline_changes.is_closed,
        row_number() over (
            partition by pipeline_changes.opportunity_id
            order by pipeline_changes.change_date desc
        ) as recency
    from {{ changes }} as pipeline_changes
    inner join changed_later
        on pipeline_changes.opportunity_id = changed_later.opportunity_id

),

changed_later_open as (

    select
        coalesce(owner_user_id, '') as owner_key,
        stage_name,
        count(*) as open_count,
        sum(amount) as open_amount
    from last_states
    where recency = 1 and not is_closed
    group by coalesce(owner_user_id, ''), stage_name

),

as_of_day as (

    select
        as_of_day_totals.owner_key,
        as_of_day_totals.stage_name,
        as_of_day_totals.open_count - coalesce(changed_later_open.open_count, 0) as open_count,
        as_of_day_totals.open_amount - coalesce(changed_later_open.open_amount, 0) as open_amount
    from as_of_day_totals
    left join changed_later_open
        on
            as_of_day_totals.owner_key = changed_later_open.owner_key
            and as_of_day_totals.stage_name = changed_later_open.stage_name

),

open_now as (

    select
        coalesce(opportunities.owner_user_id, '') as owner_key,
        opportunities.stage_name,
        count(*) as open_count,
        sum(coalesce(opportunities.amount, 0)) as open_amount
    from {{ opportunities }} as opportunities
    left join changed_later
        on opportunities.opportunity_id = changed_later.opportunity_id
    where
        not opportunities.is_closed
        and changed_later.opportunity_id is null
        and {{ to_reporting_date('opportunities.created_at') }} <= {{ goal_as_of_date() }}
    group by coalesce(opportunities.owner_user_id, ''), opportunities.stage_name

),

compared as (

    select
        coalesce(as_of_day.owner_key, open_now.owner_key) as owner_key,
        coalesce(as_of_day.stage_name, open_now.stage_name) as stage_name,
        coalesce(as_of_day.open_count, 0) as pipeline_open_count,
        coalesce(open_now.open_count, 0) as opportunities_open_count,
        coalesce(as_of_day.open_amount, 0) as pipeline_open_amount,
        coalesce(open_now.open_amount, 0) as opportunities_open_amount
    from as_of_day
    full outer join open_now
        on
            as_of_day.owner_key = open_now.owner_key
            and as_of_day.stage_name = open_now.stage_name

)

select
    {{ row_label_sql([
        'owner_key', 'stage_name', 'pipeline_open_count', 'opportunities_open_count',
        'pipeline_open_amount', 'opportunities_open_amount'
    ]) }} as failing_row,
    *
from compared
where
    pipeline_open_count <> opportunities_open_count
    or pipeline_open_amount <> opportunities_open_amount
{%- endset -%}
{{ log_failing_rows(test_sql, model.identifier ~ ' as-of day differs from the open opportunities') }}
{{ test_sql }}
{% endtest %}

{#- A flow's count and amount on a day (fct_pipeline_daily): the rows of fct_pipeline_changes
    whose flag is set, with their amount at the end of the day. -#}
{% macro pipeline_flow_sums(flag, flow) -%}
    sum(case when {{ flag }} then 1 else 0 end) as {{ flow }}_count,
    sum(case when {{ flag }} then amount else 0 end) as {{ flow }}_amount
{%- endmacro %}

{#- A flow's count and amount on a spread row: the change day's, 0 on the days carried over. -#}
{% macro pipeline_flow_columns(flow) -%}
    cast(case when spread.is_change_day then coalesce(spread.{{ flow }}_count, 0) else 0 end
        as {{ dbt.type_bigint() }}) as {{ flow }}_count,
    cast(case when spread.is_change_day then coalesce(spread.{{ flow }}_amount, 0) else 0 end
        as numeric(28, 6)) as {{ flow }}_amount
{%- endmacro %}
