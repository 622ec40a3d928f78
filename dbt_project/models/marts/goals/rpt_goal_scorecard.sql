{#- The dashboard tile: one line per KPI for the company (segment all) on the as-of date, the
    current month and quarter against their targets. -#}
{%- set kpis = goal_kpis() -%}
with

goal_progress as (

    select * from {{ ref('fct_goal_progress') }}
    where segment_type = 'all'

),

kpi_catalog as (

    {% for name, kpi in kpis.items() %}
        select
            '{{ name }}' as kpi,
            '{{ kpi["description"] | replace("'", "''") }}' as kpi_description
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

current_day as (

    select * from goal_progress
    where date_day = as_of_date

),

final as (

    select
        current_day.kpi,
        kpi_catalog.kpi_description,
        current_day.kpi_kind,
        current_day.month_start as period_start,
        current_day.quarter_start,
        current_day.as_of_date,
        current_day.month_target,
        current_day.actual_mtd,
        current_day.expected_mtd,
        current_day.attainment_mtd,
        current_day.pace_mtd,
        current_day.forecast_month_end,
        current_day.status,
        current_day.quarter_target,
        current_day.actual_qtd,
        current_day.expected_qtd,
        current_day.attainment_qtd,
        current_day.pace_qtd,
        current_day.forecast_quarter_end,
        current_day.status_qtd,
        current_day.actual_ytd
    from current_day
    left join kpi_catalog
        on current_day.kpi = kpi_catalog.kpi

)

select * from final
