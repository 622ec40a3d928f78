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

{#- DuckDB: the elements as a list, unnested beside their subscripts (zipped row by row); several
    times faster than a lateral json_each, which builds a row per element with its key and path. -#}
{% macro duckdb__json_array_rows(column, alias) -%}
    cross join (
        select
            unnest(json_extract({{ column }}, '$[*]')) as value,
            generate_subscripts(json_extract({{ column }}, '$[*]'), 1) - 1 as position
    ) as {{ alias }}
{%- endmacro %}

{#- Spark: a lateral view; elements parsed as `array<string>` keep objects as JSON text. A null or
    empty array gives no rows (as the joins above). -#}
{% macro spark__json_array_rows(column, alias) -%}
    lateral view posexplode(from_json({{ column }}, 'array<string>')) {{ alias }} as position, value
{%- endmacro %}
