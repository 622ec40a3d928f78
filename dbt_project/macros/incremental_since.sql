{#- In an incremental run, keep only rows landed after the newest row already processed from the
    same source (`source_system` in {{ this }}), so one source landing late loses nothing. -#}
{% macro incremental_since(column, source_system) -%}
    {%- if is_incremental() %}
    where {{ column }} > (
        select coalesce(max({{ column }}), cast('1900-01-01' as {{ dbt.type_timestamp() }}))
        from {{ this }}
        where source_system = '{{ source_system }}'
    )
    {%- endif -%}
{%- endmacro %}
