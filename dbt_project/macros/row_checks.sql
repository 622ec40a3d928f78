{#- Generic tests whose failures name the offending rows: each failing row comes back with a
    `failing_row` text (the row's key values and what is wrong), and the first rows are also
    written to the dbt log, so a failed `dbt build` says which row of a seed to fix. -#}

{% macro log_failing_rows(test_sql, test_label) -%}
    {%- if execute -%}
        {%- set found = run_query('select failing_row from (' ~ test_sql ~ ') as failures limit 20') -%}
        {%- for row in found.rows -%}
            {{ log(test_label ~ ': ' ~ row[0], info=true) }}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- A label for a row: "kpi=mqls, period_month=2026-06-01, ..." built from the given columns. -#}
{% macro row_label_sql(columns, relation=none) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- set qualified = (relation ~ '.' ~ column) if relation else column -%}
        {%- do parts.append("'" ~ column ~ "='") -%}
        {%- do parts.append("coalesce(cast(" ~ qualified ~ " as " ~ dbt.type_string() ~ "), 'null')") -%}
        {%- if not loop.last -%}{%- do parts.append("', '") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}
