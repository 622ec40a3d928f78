{#- Tool-native stages (definition tool_stages): for a kind of record and an agreed stage, the
    tool stages that agree with it, the first the one the tool should show. An item naming
    another definition (sal_lead_status) stands for that definition's value. -#}
{% macro tool_stage_values(record_system, stage) -%}
    {%- set catalog = var('samepage_definitions') -%}
    {%- set values = [] -%}
    {%- for item in definition('tool_stages')[record_system][stage] -%}
        {%- do values.append(definition(item) if item in catalog else item) -%}
    {%- endfor -%}
    {{ return(values) }}
{%- endmacro %}

{#- The tool stages agreeing with `stage` as a SQL list: ('a', 'b'). -#}
{% macro tool_stages_sql(record_system, stage) -%}
    ({% for value in tool_stage_values(record_system, stage) %}'{{ dbt.escape_single_quotes(value) }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#- The tool stage a record should show for the agreed stage in `stage_column`. -#}
{% macro expected_tool_stage(record_system, stage_column) -%}
    case {{ stage_column }}
    {%- for stage in definition('tool_stages')[record_system] %}
        when '{{ stage }}' then '{{ dbt.escape_single_quotes(tool_stage_values(record_system, stage)[0]) }}'
    {%- endfor %}
    end
{%- endmacro %}

{#- True when the tool stage in `tool_stage_column` agrees with the agreed stage in
    `stage_column`. -#}
{% macro tool_stage_agrees(record_system, tool_stage_column, stage_column) -%}
    case {{ stage_column }}
    {%- for stage in definition('tool_stages')[record_system] %}
        when '{{ stage }}' then {{ tool_stage_column }} in {{ tool_stages_sql(record_system, stage) }}
    {%- endfor %}
        else false
    end
{%- endmacro %}
