{#- What samepage would write back into the tools: one row per target record and field
    (vars.samepage_writeback) whose agreed answer differs from the value last extracted, both as
    canonical text (times ISO 8601 UTC with milliseconds; blank is no value). Targets: a person's
    live HubSpot contacts (merge losers are gone: their survivor is the person's contact), their
    live Leads not yet converted, and their live Contacts (a converted Lead cannot be updated, its
    Contact is written instead). Deleted records are skipped. The written fields are read here
    and nowhere else: they are never inputs to the definitions. -#}
{%- set sources = enabled_sources() -%}
{%- set definitions = tojson(var('samepage_definitions'), sort_keys=true) -%}
{%- set definitions_version = local_md5(definitions)[:12] -%}
{#- the targets of the enabled sources: tool, object, the CTE of their records -#}
{%- set targets = [] -%}
{%- if 'hubspot' in sources -%}
    {%- do targets.append(('hubspot', 'contacts', 'hubspot_contact_targets')) -%}
{%- endif -%}
{%- if 'salesforce' in sources -%}
    {%- do targets.append(('salesforce', 'Lead', 'salesforce_lead_targets')) -%}
    {%- do targets.append(('salesforce', 'Contact', 'salesforce_contact_targets')) -%}
{%- endif -%}
-- the CTEs of a source are there only when it is enabled (SAMEPAGE_SOURCES)
-- noqa: disable=LT02
with

people as (

    select * from {{ ref('dim_people') }}

),

handoffs as (

    select * from {{ ref('fct_lead_handoffs') }}

),
{% if 'hubspot' in sources %}
hubspot_contacts as (

    select * from {{ ref('int_hubspot__contact_writeback_values') }}

),
{% endif %}
{%- if 'salesforce' in sources %}
salesforce_leads as (

    select * from {{ ref('int_salesforce__lead_writeback_values') }}

),

salesforce_contacts as (

    select * from {{ ref('int_salesforce__contact_writeback_values') }}

),
{% endif %}
answers as (

    select
        people.person_id,
        people.current_stage as agreed_stage,
        {{ writeback_time_text('people.mql_at') }} as mql_at,
        {{ writeback_time_text('people.sal_at') }} as sal_at,
        {{ writeback_time_text('people.sql_at') }} as sql_at,
        handoffs.sla_status,
        {{ writeback_time_text('handoffs.sla_due_at') }} as sla_due_at,
        people.rejection_reason,
        {{ writeback_time_text('people.rejected_at') }} as rejected_at,
        '{{ definitions_version }}' as definitions_version
    from people
    left join handoffs
        on people.person_id = handoffs.person_id

),

person_records as (

    select
        people.person_id,
        'contacts' as object_type,
        contact_ids.value as record_id
    from people
    {{ split_rows('people.hubspot_contact_ids', ';', 'contact_ids') }}

    union all

    select
        people.person_id,
        'Lead' as object_type,
        lead_ids.value as record_id
    from people
    {{ split_rows('people.salesforce_lead_ids', ';', 'lead_ids') }}

    union all

    select
        people.person_id,
        'Contact' as object_type,
        contact_ids.value as record_id
    from people
    {{ split_rows('people.salesforce_contact_ids', ';', 'contact_ids') }}

),
{% if 'hubspot' in sources %}
hubspot_contact_targets as (

    select
        person_records.person_id,
        person_records.record_id,
        hubspot_contacts.*
    from person_records
    inner join hubspot_contacts
        on person_records.record_id = hubspot_contacts.hubspot_contact_id
    where
        person_records.object_type = 'contacts'
        and not hubspot_contacts.is_deleted

),
{% endif %}
{%- if 'salesforce' in sources %}
salesforce_lead_targets as (

    select
        person_records.person_id,
        person_records.record_id,
        salesforce_leads.*
    from person_records
    inner join salesforce_leads
        on person_records.record_id = salesforce_leads.salesforce_lead_id
    where
        person_records.object_type = 'Lead'
        and not salesforce_leads.is_deleted
        and not coalesce(salesforce_leads.is_converted, false)

),

salesforce_contact_targets as (

    select
        person_records.person_id,
        person_records.record_id,
        salesforce_contacts.*
    from person_records
    inner join salesforce_contacts
        on person_records.record_id = salesforce_contacts.salesforce_contact_id
    where
        person_records.object_type = 'Contact'
        and not salesforce_contacts.is_deleted

),
{% endif %}
target_records as (

    {%- for tool, _, cte in targets %}
    select
        '{{ tool }}' as tool,
        count(*) as tool_target_count
    from {{ cte }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- if not targets %}
    select
        cast(null as {{ dbt.type_string() }}) as tool,
        0 as tool_target_count
    where 1 = 0
    {%- endif %}

),

target_counts as (

    select
        tool,
        sum(tool_target_count) as tool_target_count
    from target_records
    group by tool

),

field_values as (

    {%- set parts = [] %}
    {%- for tool, object_type, cte in targets %}
        {%- for entry in writeback_fields(tool, object_type) %}
            {%- do parts.append((tool, object_type, cte, entry)) %}
        {%- endfor %}
    {%- endfor %}
    {%- for tool, object_type, cte, entry in parts %}
    {%- set current = cte ~ '.' ~ (entry['field'] | lower) %}
    select
        '{{ tool }}' as tool,
        '{{ object_type }}' as object_type,
        {{ cte }}.record_id,
        '{{ entry['field'] }}' as field_name,
        {{ cte }}.person_id,
        '{{ entry['column'] }}' as answer_column,
        '{{ entry['owner'] }}' as owner_team,
        {{ 'true' if entry.get('tool_native') else 'false' }} as is_tool_native,
        {%- if entry['column'].endswith('_at') %}
        {{ writeback_extracted_time_text(current) }} as current_value,
        {%- else %}
        nullif({{ current }}, '') as current_value,
        {%- endif %}
        nullif(answers.{{ entry['column'] }}, '') as desired_value
    from {{ cte }}
    inner join answers
        on {{ cte }}.person_id = answers.person_id
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- if not parts %}
    select
        {%- for column in ['tool', 'object_type', 'record_id', 'field_name', 'person_id',
                           'answer_column', 'owner_team'] %}
        cast(null as {{ dbt.type_string() }}) as {{ column }},
        {%- endfor %}
        false as is_tool_native,
        cast(null as {{ dbt.type_string() }}) as current_value,
        cast(null as {{ dbt.type_string() }}) as desired_value
    where 1 = 0
    {%- endif %}

),

changes as (

    select * from field_values
    where coalesce(desired_value, '') != coalesce(current_value, '')

),

final as (

    select
        {{ dbt.concat(["changes.tool", "':'", "changes.object_type", "':'", "changes.record_id",
                       "':'", "changes.field_name"]) }} as writeback_change_id,
        changes.tool,
        changes.object_type,
        changes.record_id,
        changes.field_name,
        changes.person_id,
        changes.answer_column,
        changes.owner_team,
        changes.is_tool_native,
        changes.current_value,
        changes.desired_value,
        changes.current_value is not null as is_overwrite,
        target_counts.tool_target_count
    from changes
    inner join target_counts
        on changes.tool = target_counts.tool

)

select * from final
