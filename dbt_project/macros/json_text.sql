{#- Text at a path inside a JSON column: json_text('record', 'properties', 'email').
    Raw tables keep each record as JSON, so staging models read fields through this one macro. -#}
{% macro json_text(column) -%}
    {{ return(adapter.dispatch('json_text', 'samepage')(column, varargs)) }}
{%- endmacro %}

{% macro default__json_text(column, path) -%}
    {%- set parents = path[:-1] -%}
    ({{ column }}{% for key in parents %} -> '{{ key }}'{% endfor %}) ->> '{{ path[-1] }}'
{%- endmacro %}
