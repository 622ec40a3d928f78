{#- Text at a path inside a JSON column: json_text('record', 'properties', 'email').
    Raw tables keep each record as JSON, so staging models read fields through this one macro.
    A path element of digits is an array index: json_text('x', 'items', '0', 'name'). -#}
{% macro json_text(column) -%}
    {{ return(adapter.dispatch('json_text', 'samepage')(column, varargs)) }}
{%- endmacro %}

{% macro default__json_text(column, path) -%}
    {%- set parents = path[:-1] -%}
    ({{ column }}{% for key in parents %} -> {{ _json_key(key) }}{% endfor %}) ->> {{ _json_key(path[-1]) }}
{%- endmacro %}

{#- The JSON value (not text) at a path: json_path('record', 'propertiesWithHistory', 'hubspotscore'). -#}
{% macro json_path(column) -%}
    {{ return(adapter.dispatch('json_path', 'samepage')(column, varargs)) }}
{%- endmacro %}

{% macro default__json_path(column, path) -%}
    ({{ column }}{% for key in path %} -> {{ _json_key(key) }}{% endfor %})
{%- endmacro %}

{% macro _json_key(key) -%}
    {%- if key is number or (key is string and key.isdigit()) -%}{{ key }}{%- else -%}'{{ key }}'{%- endif -%}
{%- endmacro %}

{#- Spark: get_json_object with a JSONPath ('$.properties.email', '$.items[0].name'); a JSON null
    gives null, an object or array gives its JSON text. -#}
{% macro _spark_json_path(path) -%}
    '${% for key in path %}{% if key is number or (key is string and key.isdigit()) %}[{{ key }}]{% else %}.{{ key }}{% endif %}{% endfor %}'
{%- endmacro %}

{% macro spark__json_text(column, path) -%}
    get_json_object({{ column }}, {{ _spark_json_path(path) }})
{%- endmacro %}

{% macro spark__json_path(column, path) -%}
    get_json_object({{ column }}, {{ _spark_json_path(path) }})
{%- endmacro %}
