{#- HubSpot's deal stage changes: one row per entry of a deal's dealstage history
    (propertiesWithHistory, newest first), with the stage's label, place (displayOrder + 1) and
    outcome from its pipeline's stage metadata: closed when isClosed, won when closed with
    probability 1.0. HubSpot keeps no history of the amount or close date here, so every entry
    carries the deal's current amount and close date. -#}
with

deals as (

    select * from {{ ref('stg_hubspot__deals') }}

),

pipeline_stages as (

    select * from {{ ref('stg_hubspot__pipeline_stages') }}

),

stage_history as (

    select
        deals.hubspot_deal_id,
        deals.pipeline,
        deals.amount,
        deals.close_at,
        deals.is_deleted,
        deals.extracted_at,
        entry.position as history_position,
        {{ json_text('entry.value', 'value') }} as deal_stage,
        {{ to_utc_timestamp(json_text('entry.value', 'timestamp')) }} as changed_at
    from deals
    {{ json_array_rows('deals.deal_stage_history', 'entry') }}

),

final as (

    select
        stage_history.hubspot_deal_id || ':'
        || cast(stage_history.history_position as {{ dbt.type_string() }}) as stage_change_id,
        stage_history.hubspot_deal_id as opportunity_id,
        'hubspot_deal' as source_system,
        stage_history.changed_at,
        coalesce(pipeline_stages.stage_label, stage_history.deal_stage) as stage_name,
        cast(pipeline_stages.display_order + 1 as integer) as stage_order,
        cast(stage_history.amount as numeric(28, 6)) as amount,
        cast(stage_history.close_at as date) as close_date,
        cast(pipeline_stages.probability * 100 as numeric(28, 6)) as probability,
        coalesce(pipeline_stages.is_closed, false) as is_closed,
        {{ hubspot_stage_is_won('pipeline_stages') }} as is_won,
        stage_history.is_deleted,
        stage_history.extracted_at
    from stage_history
    left join pipeline_stages
        on
            stage_history.pipeline = pipeline_stages.pipeline_id
            and stage_history.deal_stage = pipeline_stages.stage_id

)

select * from final
