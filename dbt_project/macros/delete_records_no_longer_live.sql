{#- Post-hook of the incremental int_people__source_records: drop the rows of records no longer
    live (deleted since, merged away, or gone from the raw table), which an incremental batch of
    live records cannot replace. `not exists` plans as an anti-join; only id and is_deleted are
    read from the staging views, so no JSON is parsed. -#}
{% macro delete_records_no_longer_live() -%}
    {%- if is_incremental() %}
    delete from {{ this }} as records
    where
        (
            records.source_system = 'hubspot_contact'
            and (
                not exists (
                    select 1 from {{ ref('stg_hubspot__contacts') }} as contacts
                    where contacts.hubspot_contact_id = records.source_record_id
                    and not contacts.is_deleted
                )
                or exists (
                    select 1 from {{ ref('int_hubspot__merged_contacts') }} as merged
                    where merged.merged_contact_id = records.source_record_id
                )
            )
        )
        or (
            records.source_system = 'salesforce_lead'
            and not exists (
                select 1 from {{ ref('stg_salesforce__leads') }} as leads
                where leads.salesforce_lead_id = records.source_record_id
                and not leads.is_deleted
            )
        )
        or (
            records.source_system = 'salesforce_contact'
            and not exists (
                select 1 from {{ ref('stg_salesforce__contacts') }} as contacts
                where contacts.salesforce_contact_id = records.source_record_id
                and not contacts.is_deleted
            )
        )
    {%- endif %}
{%- endmacro %}
