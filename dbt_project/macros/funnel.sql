{#- The funnel marts (issue 15): the agreed stages in order, exact days between two times, and a
    continuous percentile that reads the same on every engine. -#}

{#- The agreed stages a person moves through, in order; rejected is a side exit after the MQL. The
    stage velocity pairs are consecutive entries; a cohort counts every later one and rejected. -#}
{% macro funnel_stages() -%}
    {{ return(['lead', 'mql', 'sal', 'sql', 'opportunity', 'customer']) }}
{%- endmacro %}

{#- Exact days from `start` to `end` (fractional, to the millisecond). -#}
{% macro funnel_days_between(start, end) -%}
    {{ dbt.datediff(start, end, 'millisecond') }} / 86400000.0
{%- endmacro %}

{#- The continuous percentile (linear interpolation between the two nearest values) of
    `expression` over the group, `fraction` between 0 and 1. PostgreSQL and DuckDB share the
    ordered-set syntax; Spark's percentile() interpolates the same way. -#}
{% macro percentile_cont(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont', 'samepage')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro spark__percentile_cont(expression, fraction) -%}
    percentile({{ expression }}, {{ fraction }})
{%- endmacro %}
