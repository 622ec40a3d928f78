{#- Goal targets exist for the month of the goal as-of date for every KPI (company total): a
    missing row names the KPI and the month, in the dbt log too (log_failing_rows), so a failed
    build says which rows to add to the seed. Surfaces as a Dagster asset check. -#}
{%- set kpis = goal_kpis() -%}
{%- set test_sql -%}
with

targets as (

    select * from {{ ref('goal_targets') }}
    where segment_type = 'all'

),

kpis as (

    {% for name in kpis %}
        select '{{ name }}' as kpi
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

current_month as (

    select cast({{ dbt.date_trunc('month', goal_as_of_date()) }} as date) as month_start

),

missing as (

    select
        kpis.kpi,
        current_month.month_start,
        {{ dbt.concat([
            "'no goal target for kpi='", 'kpis.kpi', "', period_month='",
            'cast(current_month.month_start as ' ~ dbt.type_string() ~ ')',
            "' (add the row to dbt_project/seeds/goal_targets.csv)'"
        ]) }} as failing_row
    from kpis
    cross join current_month
    left join targets
        on
            kpis.kpi = targets.kpi
            and current_month.month_start = targets.period_month
    where targets.kpi is null

)

select * from missing
{%- endset -%}
{{ log_failing_rows(test_sql, 'goal_targets_present_for_current_month') }}
{{ test_sql }}
