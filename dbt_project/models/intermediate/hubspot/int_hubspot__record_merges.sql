{{ config(materialized='table') }}

{#- HubSpot merges: one row per merged-away (loser) contact id and the survivor that absorbed it,
    read from the survivor's `hs_merged_object_ids`. -#}
with

contacts as (

    select * from {{ ref('stg_hubspot__contacts') }}

),

survivors as (

    select
        hubspot_contact_id,
        merged_contact_ids
    from contacts
    where
        not is_deleted
        and merged_contact_ids is not null

),

merged as (

    select distinct
        trim(merged.value) as merged_record_id,
        survivors.hubspot_contact_id as survivor_record_id
    from survivors
    {{ split_rows('survivors.merged_contact_ids', ';', 'merged') }}
    where trim(merged.value) <> ''

),

final as (

    select
        'hubspot_contact:' || merged_record_id as merged_record_key,
        'hubspot_contact' as source_system,
        merged_record_id,
        'hubspot_contact:' || survivor_record_id as survivor_record_key,
        survivor_record_id
    from merged

)

select * from final
