{#- The definitions file as a table: what each agreed term means, who owns it and the value in
    force for this build (after any --vars override). -#}
{%- set catalog = var('samepage_definitions') -%}
with

definitions as (

    {% for name, entry in catalog.items() %}
        select
            '{{ name }}' as definition_name,
            '{{ "rule" if name.startswith("rule_") else "parameter" }}' as definition_kind,
            {%- set value = definition(name) %}
            {%- if value is mapping %}
                {#- a mapping as 'mql: hubspot; sal: salesforce', one level down after ' / ' #}
                {%- set parts = [] %}
                {%- for key, item in value.items() %}
                    {%- if item is mapping %}
                        {%- set inner = [] %}
                        {%- for stage, stages in item.items() %}
                            {%- do inner.append(stage ~ ': ' ~ stages | join(', ')) %}
                        {%- endfor %}
                        {%- do parts.append(key ~ ' / ' ~ inner | join('; ')) %}
                    {%- else %}
                        {%- do parts.append(key ~ ': ' ~ item | join(', ')) %}
                    {%- endif %}
                {%- endfor %}
                {%- set value_text = parts | join('; ') %}
            {%- elif value is sequence and value is not string and value and value[0] is mapping %}
                {#- a list of records (goal_kpis) as 'mqls (count, people); ...': each record's
                    first field, then its other fields but the description in brackets #}
                {%- set parts = [] %}
                {%- for item in value %}
                    {%- set first_key = (item.keys() | list)[0] %}
                    {%- set others = [] %}
                    {%- for key, field in item.items() if key not in (first_key, 'description') %}
                        {%- do others.append(field) %}
                    {%- endfor %}
                    {%- do parts.append(item[first_key] ~ ' (' ~ others | join(', ') ~ ')') %}
                {%- endfor %}
                {%- set value_text = parts | join('; ') %}
            {%- else %}
                {%- set value_text = definition_text(name) %}
            {%- endif %}
            {% if value_text is none -%}
                cast(null as {{ dbt.type_string() }})
            {%- else -%}
                cast('{{ dbt.escape_single_quotes(value_text) }}' as {{ dbt.type_string() }})
            {%- endif %} as definition_value,
            '{{ dbt.escape_single_quotes(entry["owner"]) }}' as owner_team,
            '{{ dbt.escape_single_quotes(entry["description"] | trim) }}' as description,
            {{ 'true' if definition(name) != entry['value'] else 'false' }} as is_overridden
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from definitions
