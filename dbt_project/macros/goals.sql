{#- Shared goal tracking (issue 5): the KPI catalogue (read from the definitions), the as-of date
    and the status rule. -#}

{#- The KPI catalogue (definition goal_kpis, the one home of it) as a mapping in reading order:
    name -> {kind: count, amount or rate; unit; stage (the agreed stage it counts reaching, or
    none); description}. Counts and amounts are prorated
    over the period; rates are not (expected = target). -#}
{% macro goal_kpis() -%}
    {%- set catalogue = {} -%}
    {%- for entry in definition('goal_kpis') -%}
        {%- do catalogue.update({entry['kpi']: {
            'kind': entry['kind'], 'unit': entry['unit'], 'stage': entry.get('stage'),
            'description': entry['description']}}) -%}
    {%- endfor -%}
    {{ return(catalogue) }}
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
