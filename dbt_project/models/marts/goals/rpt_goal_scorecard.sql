{#- The dashboard tile: one line per KPI for the company (segment all) on the as-of date, the
    current month and quarter against their targets. The forecasts follow goal_forecast_method:
    run_rate, or funnel for the KPIs the open funnel can forecast (rule_goal_funnel_forecast);
    forecast_method says which each line shows. -#}
{%- set kpis = goal_kpis() -%}
{%- set method = definition('goal_forecast_method') -%}
with

goal_progress as (

    select * from {{ ref('fct_goal_progress') }}
    where segment_type = 'all'

),

funnel_forecast as (

    select * from {{ ref('fct_goal_funnel_forecast') }}

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

forecasts as (

    select
        current_day.kpi,
        case
            when
                '{{ method }}' = 'funnel'
                and funnel_forecast.expected_by_month_end is not null
                then 'funnel'
            else 'run_rate'
        end as forecast_method,
        cast(
            current_day.actual_mtd + funnel_forecast.expected_by_month_end
            as {{ dbt.type_numeric() }}
        ) as funnel_month_end,
        cast(
            current_day.actual_qtd + funnel_forecast.expected_by_quarter_end
            as {{ dbt.type_numeric() }}
        ) as funnel_quarter_end
    from current_day
    left join funnel_forecast
        on current_day.kpi = funnel_forecast.kpi

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
        forecasts.forecast_method,
        case
            when forecasts.forecast_method = 'funnel' then forecasts.funnel_month_end
            else current_day.forecast_month_end
        end as forecast_month_end,
        current_day.status,
        current_day.quarter_target,
        current_day.actual_qtd,
        current_day.expected_qtd,
        current_day.attainment_qtd,
        current_day.pace_qtd,
        case
            when forecasts.forecast_method = 'funnel' then forecasts.funnel_quarter_end
            else current_day.forecast_quarter_end
        end as forecast_quarter_end,
        current_day.status_qtd,
        current_day.actual_ytd
    from current_day
    left join kpi_catalog
        on current_day.kpi = kpi_catalog.kpi
    left join forecasts
        on current_day.kpi = forecasts.kpi

)

select * from final
