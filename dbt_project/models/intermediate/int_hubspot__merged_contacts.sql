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
        trim(merged.value) as merged_contact_id,
        survivors.hubspot_contact_id as survivor_contact_id
    from survivors
    {{ split_rows('survivors.merged_contact_ids', ';', 'merged') }}
    where trim(merged.value) <> ''

)

select * from merged
