{#- The tools samepage reads. Each is a source: staging models in models/staging/<source>/ and
    conformed models in models/intermediate/<source>/, one per contract of
    models/intermediate/_conformed__contracts.yml (int_<source>__person_records, ...). The spine
    (identity, people, lifecycle events, marts) reads the conformed models of the enabled sources
    through conformed_union() and never names a source's staging model. -#}
{#- Each known source and the kinds of person record it holds (int_people and dim_people carry
    the ids of each kind: <source_system>_id, <source_system>_ids). -#}
{% macro known_sources() -%}
    {{ return({
        'hubspot': ['hubspot_contact'],
        'salesforce': ['salesforce_lead', 'salesforce_contact'],
    }) }}
{%- endmacro %}

{#- Every kind of person record of the known sources, enabled or not (the people models keep their
    columns whichever sources are on). -#}
{% macro person_record_systems() -%}
    {%- set systems = [] -%}
    {%- for source, source_systems in known_sources().items() -%}
        {%- do systems.extend(source_systems) -%}
    {%- endfor -%}
    {{ return(systems) }}
{%- endmacro %}

{#- The sources a definition names for an agreed stage (stage_sources), as a SQL list. -#}
{% macro stage_sources_sql(stage) -%}
    {%- set sources = definition('stage_sources')[stage] -%}
    ({% for source in sources %}'{{ source }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#- The enabled sources, in known_sources() order: SAMEPAGE_SOURCES (comma-separated names;
    unset or empty: all of them). dbt_project.yml disables the folders of the others. -#}
{% macro enabled_sources() -%}
    {%- set known = known_sources().keys() | list -%}
    {%- set setting = env_var('SAMEPAGE_SOURCES', '') -%}
    {%- set named = [] -%}
    {%- for item in setting.split(',') if item | trim -%}
        {%- do named.append(item | trim | lower) -%}
    {%- endfor -%}
    {%- for name in named if name not in known -%}
        {{ exceptions.raise_compiler_error(
            "SAMEPAGE_SOURCES names an unknown source '" ~ name ~ "' (known: "
            ~ known | join(', ') ~ ")"
        ) }}
    {%- endfor -%}
    {{ return(known if not named else known | select('in', named) | list) }}
{%- endmacro %}

{#- One contract's rows from every enabled source: `select * from int_<source>__<contract>`
    joined by union all (the contracts make the columns line up). With landed_since_last_run, an
    incremental run reads only the rows landed after the newest row already in {{ this }} from the
    same source_system (one watermark each, so one object landing late loses nothing), and a
    source with no rows in {{ this }} yet whole. The watermarks are read first and written in as
    literals: compared with a subquery, DuckDB evaluates a staging view's JSON extraction for
    every row before filtering. Each branch also compares extracted_at with its source's oldest
    watermark, a plain comparison DuckDB pushes into the raw table's scan. -#}
{% macro conformed_union(contract, landed_since_last_run=false) -%}
    {%- set watermarks = {} -%}
    {%- if landed_since_last_run and is_incremental() and execute -%}
        {%- set landed = run_query(
            "select source_name, source_system, cast(max(extracted_at) as "
            ~ dbt.type_string() ~ ") from " ~ this ~ " group by source_name, source_system"
        ) -%}
        {%- for row in landed.rows -%}
            {%- do watermarks.setdefault(row[0], []).append([row[1], row[2]]) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for source in enabled_sources() %}
    select * from {{ ref('int_' ~ source ~ '__' ~ contract) }}
    {%- if source in watermarks %}
    where
        extracted_at > cast('{{ watermarks[source] | map('last') | min }}' as {{ dbt.type_timestamp() }})
        and case source_system
        {%- for source_system, watermark in watermarks[source] %}
            when '{{ source_system }}'
                then extracted_at > cast('{{ watermark }}' as {{ dbt.type_timestamp() }})
        {%- endfor %}
            else true
        end
    {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
