{#- Schemas are named exactly as configured (`marts`, `staging`), not prefixed with the target
    schema, so BI tools read a stable `marts.dim_people`. The var `scratch_schema_prefix` builds
    everything into prefixed schemas instead (`samepage_whatif_<id>_marts`): `samepage what-if` on
    PostgreSQL, which must not touch the schemas BI tools read. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set prefix = var('scratch_schema_prefix', '') -%}
    {%- if custom_schema_name is none -%}
        {{ prefix ~ target.schema }}
    {%- else -%}
        {{ prefix ~ (custom_schema_name | trim) }}
    {%- endif -%}
{%- endmacro %}
