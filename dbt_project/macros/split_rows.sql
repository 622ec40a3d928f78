{#- One row per part of a delimited text, as a lateral join giving `alias.value`:
        from contacts
        {{ split_rows('contacts.merged_contact_ids', ';', 'merged') }}
    A null text gives no rows. -#}
{% macro split_rows(column, delimiter, alias) -%}
    {{ return(adapter.dispatch('split_rows', 'samepage')(column, delimiter, alias)) }}
{%- endmacro %}

{% macro default__split_rows(column, delimiter, alias) -%}
    cross join lateral unnest(string_to_array({{ column }}, '{{ delimiter }}')) as {{ alias }} (value)
{%- endmacro %}

{% macro duckdb__split_rows(column, delimiter, alias) -%}
    cross join unnest(string_split({{ column }}, '{{ delimiter }}')) as {{ alias }} (value)
{%- endmacro %}

{#- Spark: split() takes a regular expression, so the delimiter is quoted (\Q...\E). -#}
{% macro spark__split_rows(column, delimiter, alias) -%}
    lateral view explode(split({{ column }}, '\\Q{{ delimiter }}\\E')) {{ alias }} as value
{%- endmacro %}
