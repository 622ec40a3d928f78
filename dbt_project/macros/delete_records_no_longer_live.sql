{#- Post-hook of the incremental int_people__source_records: drop the rows of records no longer
    live (deleted since, merged away, or gone from the raw table), which an incremental batch of
    live records cannot replace. `not exists` plans as an anti-join; only id and is_deleted are
    read from the staging views, so no JSON is parsed. -#}
{% macro delete_records_no_longer_live() -%}
    {%- if is_incremental() %}
    {%- set live_records = [
        ('hubspot_contact', 'stg_hubspot__contacts', 'hubspot_contact_id'),
        ('salesforce_lead', 'stg_salesforce__leads', 'salesforce_lead_id'),
        ('salesforce_contact', 'stg_salesforce__contacts', 'salesforce_contact_id'),
    ] %}
    delete from {{ this }} as records
    where
        (
            records.source_system = 'hubspot_contact'
            and exists (
                select 1 from {{ ref('int_hubspot__merged_contacts') }} as merged
                where merged.merged_contact_id = records.source_record_id
            )
        )
        {%- for source_system, staging_model, id_column in live_records %}
        or (
            records.source_system = '{{ source_system }}'
            and not exists (
                select 1 from {{ ref(staging_model) }} as live
                where live.{{ id_column }} = records.source_record_id
                and not live.is_deleted
            )
        )
        {%- endfor %}
    {%- endif %}
{%- endmacro %}
