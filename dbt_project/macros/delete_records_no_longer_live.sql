{#- Post-hook of the incremental int_people__source_records: drop the rows of records no longer
    live (deleted since, merged away, or gone from the source), which an incremental batch of
    live records cannot replace. `not exists` plans as an anti-join; only the key, is_deleted and
    merged_into_record_key are read from the conformed person records, so no JSON is parsed. -#}
{% macro delete_records_no_longer_live() -%}
    {%- if is_incremental() %}
    delete from {{ this }} as records
    where not exists (
        select 1
        from ({{ conformed_union('person_records') }}) as live
        where
            live.source_record_key = records.source_record_key
            and not live.is_deleted
            and live.merged_into_record_key is null
    )
    {%- endif %}
{%- endmacro %}
