{#- Schemas are named exactly as configured (`marts`, `staging`), not prefixed with the target
    schema, so BI tools read a stable `marts.dim_people`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
