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

{#- Every kind of person record, as a SQL list. -#}
{% macro person_record_systems_sql() -%}
    ({% for system in person_record_systems() %}'{{ system }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#- Each source's definitions of the lead statuses that mean an agreed stage (its record's own
    status field: a Salesforce Lead's Status, a HubSpot contact's hs_lead_status). -#}
{% macro lead_status_definitions() -%}
    {{ return({
        'hubspot': {
            'sal': 'hubspot_sal_lead_status',
            'sql': 'hubspot_sql_lead_status',
            'rejected': 'hubspot_rejected_lead_status',
        },
        'salesforce': {
            'sal': 'sal_lead_status',
            'sql': 'sql_lead_status',
            'rejected': 'rejected_lead_status',
        },
    }) }}
{%- endmacro %}

{#- The kinds of sales touch the sources log (the sales_touches contract's touch_kind); each is a
    `<kind>_logged` lifecycle event. -#}
{% macro sales_touch_kinds() -%}
    {{ return(['task', 'call', 'email', 'meeting']) }}
{%- endmacro %}

{#- The `<kind>_logged` event types of every sales touch kind, as a SQL list. -#}
{% macro sales_touch_events_sql() -%}
    ({% for kind in sales_touch_kinds() %}'{{ kind }}_logged'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#- True when a lead_status_changed event's value is the status its own source's definition names
    for `stage` (sal, sql, rejected): `source_column` holds the event's source_name. -#}
{% macro lead_status_means(stage, source_column, value_column) -%}
    case {{ source_column }}
    {%- for source, statuses in lead_status_definitions().items() %}
        when '{{ source }}' then {{ value_column }} = {{ definition_sql(statuses[stage]) }}
    {%- endfor %}
        else false
    end
{%- endmacro %}

{#- The source that decides an agreed stage: the first enabled source the definition
    stage_sources lists for it (campaign_sources for campaigns), else the first listed (whose
    evidence is then absent). -#}
{% macro deciding_source(stage) -%}
    {%- set listed = definition('campaign_sources') if stage == 'campaign'
        else definition('stage_sources')[stage] -%}
    {%- set enabled = enabled_sources() -%}
    {%- for source in listed if source in enabled -%}
        {{ return(source) }}
    {%- endfor -%}
    {{ return(listed[0]) }}
{%- endmacro %}

{#- The source deciding an agreed stage (deciding_source), as a SQL list. -#}
{% macro stage_sources_sql(stage) -%}
    ('{{ deciding_source(stage) }}')
{%- endmacro %}

{#- The contracts whose rows come from one deciding source only, not every enabled one: the
    opportunities (the pipeline and revenue) are the opportunity source's, so a deal mirroring a
    Salesforce Opportunity is not counted twice; campaigns are the campaign source's. (Links of
    opportunities to people come from every source: another source's deal can be SQL evidence.) -#}
{% macro contract_deciding_stage(contract) -%}
    {{ return({
        'opportunities': 'opportunity',
        'campaigns': 'campaign',
        'campaign_touches': 'campaign',
    }.get(contract)) }}
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
    joined by union all (the contracts make the columns line up); for the contracts of
    contract_deciding_stage(), the deciding source's alone (unless every_source). With landed_since_last_run, an
    incremental run reads only the rows landed after the newest row already in {{ this }} from the
    same source_system (one watermark each, so one object landing late loses nothing), and a
    source with no rows in {{ this }} yet whole. The watermarks are read first and written in as
    literals: compared with a subquery, DuckDB evaluates a staging view's JSON extraction for
    every row before filtering. Each branch also compares extracted_at with its source's oldest
    watermark, a plain comparison DuckDB pushes into the raw table's scan. -#}
{% macro conformed_union(contract, landed_since_last_run=false, every_source=false) -%}
    {%- set stage = none if every_source else contract_deciding_stage(contract) -%}
    {%- set sources = [deciding_source(stage)] if stage else enabled_sources() -%}
    {%- if sources[0] not in enabled_sources() -%}
        {{ exceptions.raise_compiler_error(
            "the " ~ contract ~ " come from the " ~ stage ~ " source, but "
            ~ ("campaign_sources" if stage == 'campaign' else "stage_sources." ~ stage)
            ~ " names no enabled source (SAMEPAGE_SOURCES: " ~ enabled_sources() | join(', ') ~ ")"
        ) }}
    {%- endif -%}
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
    {%- for source in sources %}
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
