{#- Every live person record of the enabled sources (their conformed person records), with its
    identity key. Deleted records make no people; a merge loser still present is left out (its
    survivor stands for it); the record key is the normalized e-mail, or system:id without a
    valid one.

    Incremental: each run reads only the records landed since the last (per source_system,
    conformed_union()) and replaces them by source_record_key; the post-hook then drops rows no
    longer live: deleted since, merged away, or gone from the source. On Spark (plain Parquet
    tables: no delete+insert, no delete) it is rebuilt whole each run. -#}
{{
    config(
        materialized='table' if target.type == 'spark' else 'incremental',
        unique_key='source_record_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook="{{ delete_records_no_longer_live() }}",
    )
}}

with

person_records as (

    {{ conformed_union('person_records', landed_since_last_run=true) }}

),

live_records as (

    select *
    from person_records
    where
        not is_deleted
        and merged_into_record_key is null

),

keyed as (

    select
        source_record_key,
        source_name,
        source_system,
        source_record_id,
        email,
        {{ normalize_email('email') }} as email_normalized,
        first_name,
        last_name,
        company_name,
        owner_id,
        owner_name,
        original_source,
        original_campaign_name,
        tool_stage,
        rejection_reason,
        converted_to_record_key,
        created_at,
        extracted_at,
        coalesce(
            {{ normalize_email('email') }},
            source_system || ':' || source_record_id
        ) as record_key
    from live_records

)

select * from keyed
