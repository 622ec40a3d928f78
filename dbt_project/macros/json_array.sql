{#- Rows of a JSON array, for one lateral join per parent row:
        from contacts
        {{ json_array_rows('contacts.score_history', 'entry') }}
    gives `entry.value` (one JSON element) and `entry.position` (0-based index).
    Read fields of the element with json_text('entry.value', 'field'). -#}
{% macro json_array_rows(column, alias) -%}
    {{ return(adapter.dispatch('json_array_rows', 'samepage')(column, alias)) }}
{%- endmacro %}

{% macro default__json_array_rows(column, alias) -%}
    cross join lateral (
        select
            elements.value as value,
            elements.ordinality - 1 as position
        from jsonb_array_elements(cast({{ column }} as jsonb)) with ordinality as elements (value, ordinality)
    ) as {{ alias }}
{%- endmacro %}

{% macro duckdb__json_array_rows(column, alias) -%}
    cross join (
        select
            json_each.value as value,
            cast(json_each.key as integer) as position
        from json_each({{ column }})
    ) as {{ alias }}
{%- endmacro %}

{#- Spark: a lateral view; elements parsed as `array<string>` keep objects as JSON text. A null or
    empty array gives no rows (as the joins above). -#}
{% macro spark__json_array_rows(column, alias) -%}
    lateral view posexplode(from_json({{ column }}, 'array<string>')) {{ alias }} as position, value
{%- endmacro %}
