{#- The agreed Lead statuses (sal_, sql_ and rejected_lead_status) are values of Salesforce's
    Lead.Status picklist, as describe reports it: a status no Lead can have would silently lose
    every SAL, SQL or rejection. An inactive value still counts (Leads had it in the past). A
    failing row names the definition, its value and the statuses Salesforce has, in the dbt log
    too (log_failing_rows). -#}
{%- set status_definitions = ['sal_lead_status', 'sql_lead_status', 'rejected_lead_status'] -%}
{%- set test_sql -%}
with

lead_status_field as (

    select * from {{ ref('stg_salesforce__fields') }}
    where object_name = 'Lead' and field_name = 'Status'

),

lead_statuses as (

    select
        {{ json_text('entry.value', 'value') }} as lead_status,
        cast({{ json_text('entry.value', 'active') }} as boolean) as is_active,
        entry.position as picklist_position
    from lead_status_field
    {{ json_array_rows('lead_status_field.picklist_values', 'entry') }}

),

known as (

    select
        {{ dbt.listagg(dbt.concat([
            "'\"'", 'lead_status', "'\"'",
            "case when is_active then '' else ' (inactive)' end"
        ]), "', '", 'order by picklist_position') }} as known_statuses
    from lead_statuses

),

configured as (

    {% for name in status_definitions %}
        select
            '{{ name }}' as definition_name,
            {{ definition_sql(name) }} as lead_status
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

unknown as (

    select
        configured.definition_name,
        configured.lead_status,
        {{ dbt.concat([
            "'definition '", 'configured.definition_name', "' = \"'", 'configured.lead_status',
            "'\" is not a Lead Status in Salesforce; known: '",
            "coalesce(known.known_statuses, '(no Lead.Status picklist landed)')"
        ]) }} as failing_row
    from configured
    cross join known
    left join lead_statuses
        on configured.lead_status = lead_statuses.lead_status
    where lead_statuses.lead_status is null

)

select * from unknown
{%- endset -%}
{{ log_failing_rows(test_sql, 'lead_statuses_known_to_salesforce') }}
{{ test_sql }}
