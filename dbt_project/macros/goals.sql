{#- Shared goal tracking (issue 5): the KPI catalogue, the as-of date and the status rule. -#}

{#- The KPIs a target may name: kind (count, amount or rate) and what each one counts. Counts and
    amounts are prorated over the period; rates are not (expected = target). -#}
{% macro goal_kpis() -%}
    {{ return({
        'mqls': {'kind': 'count', 'description': 'People who became marketing qualified (MQL time in the period).'},
        'sals': {'kind': 'count', 'description': 'People sales accepted: first sales touch after the MQL (SAL time in the period).'},
        'sqls': {'kind': 'count', 'description': 'People who became sales qualified (SQL time in the period).'},
        'opportunities': {'kind': 'count', 'description': 'Live Opportunities created in the period.'},
        'pipeline_created': {'kind': 'amount', 'description': 'Amount of the live Opportunities created in the period.'},
        'revenue_won': {'kind': 'amount', 'description': 'Amount of the Opportunities won, by CloseDate in the period.'},
        'sla_attainment': {'kind': 'rate', 'description': 'Share of the period''s MQLs touched within sla_first_touch_hours (MQLs still inside the window left out).'},
        'mql_to_sql_rate': {'kind': 'rate', 'description': 'Share of the period''s MQLs that became SQL at or after the MQL, by the as-of date.'}
    }) }}
{%- endmacro %}

{#- The KPI names as a SQL list: ('mqls', 'sals', ...). With kind, only KPIs of that kind. -#}
{% macro goal_kpi_list_sql(kind=none) -%}
    {%- set names = [] -%}
    {%- for name, kpi in goal_kpis().items() if kind is none or kpi['kind'] == kind -%}
        {%- do names.append("'" ~ name ~ "'") -%}
    {%- endfor -%}
    ({{ names | join(', ') }})
{%- endmacro %}

{#- The goal reports' as-of date: the last complete reporting day before the as-of moment (the var
    `as_of`, default the run's time). A nightly run at 02:00 reports through yesterday; a sandbox
    world with clock 2026-07-01T00:00Z reports through 2026-06-30. -#}
{% macro goal_as_of_date() -%}
    cast({{ dbt.dateadd('day', -1, to_reporting_date(as_of_timestamp())) }} as date)
{%- endmacro %}

{#- Status from pace (actual / expected) and the agreed thresholds; no expectation yet is on
    track. -#}
{% macro goal_status(pace) -%}
    case
        when {{ pace }} is null then 'on_track'
        when {{ pace }} >= {{ definition_sql('goal_on_track_pace') }} then 'on_track'
        when {{ pace }} >= {{ definition_sql('goal_at_risk_pace') }} then 'at_risk'
        else 'behind'
    end
{%- endmacro %}

{#- numerator / denominator, null when the denominator is null or 0 (portable nullif). -#}
{% macro safe_divide(numerator, denominator) -%}
    cast(({{ numerator }}) as {{ dbt.type_numeric() }})
    / nullif(cast(({{ denominator }}) as {{ dbt.type_numeric() }}), 0)
{%- endmacro %}

{#- The running total of `column` from the start of the period (`period_start` column) to the
    row's day, per KPI and segment: month-, quarter- and year-to-date sums. -#}
{% macro period_to_date(column, period_start) -%}
    sum({{ column }}) over (
        partition by kpi, segment_type, segment, {{ period_start }}
        order by date_day rows between unbounded preceding and current row
    )
{%- endmacro %}
