{#- Generic tests whose failures name the offending rows (helpers in macros/row_checks.sql). -#}

{#- Rows where `invalid_when` holds fail, named by `label_columns` and described by `problem`. -#}
{% test rows_valid(model, invalid_when, problem, label_columns) %}
    {%- set test_sql -%}
        select
            {{ dbt.concat([row_label_sql(label_columns), "': '", "'" ~ problem | replace("'", "''") ~ "'"]) }}
                as failing_row
        from {{ model }}
        where {{ invalid_when }}
    {%- endset -%}
    {{ log_failing_rows(test_sql, model.identifier ~ ' ' ~ problem) }}
    {{ test_sql }}
{% endtest %}

{#- The columns together identify a row: every duplicated combination fails, named. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {%- set test_sql -%}
        select
            {{ dbt.concat([
                row_label_sql(combination_of_columns), "': '",
                "cast(count(*) as " ~ dbt.type_string() ~ ")", "' rows'"
            ]) }} as failing_row
        from {{ model }}
        group by {{ combination_of_columns | join(', ') }}
        having count(*) > 1
    {%- endset -%}
    {{ log_failing_rows(test_sql, model.identifier ~ ' duplicate') }}
    {{ test_sql }}
{% endtest %}
