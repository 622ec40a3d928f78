{#- One row per deal pipeline stage: the pipelines' stages flattened. HubSpot sends the stage
    metadata as strings ("true", "0.2"); a stage is won when it is closed with probability 1.0
    (the rule is applied in the source's intermediate models, not here). -#}
with

source as (

    select * from {{ source('raw_hubspot', 'pipelines') }}

),

stages as (

    select
        source.id as pipeline_id,
        {{ json_text('source.record', 'label') }} as pipeline_label,
        {{ json_text('stage.value', 'id') }} as stage_id,
        {{ json_text('stage.value', 'label') }} as stage_label,
        cast({{ json_text('stage.value', 'displayOrder') }} as integer) as display_order,
        cast({{ json_text('stage.value', 'metadata', 'isClosed') }} as boolean) as is_closed,
        cast({{ json_text('stage.value', 'metadata', 'probability') }} as {{ dbt.type_numeric() }})
            as probability,
        coalesce(cast({{ json_text('stage.value', 'archived') }} as boolean), false)
            as is_stage_archived,
        source.is_deleted as is_pipeline_archived,
        source._extracted_at
    from source
    {{ json_array_rows(json_path('source.record', 'stages'), 'stage') }}

),

renamed as (

    select
        pipeline_id || ':' || stage_id as pipeline_stage_id,
        pipeline_id,
        pipeline_label,
        stage_id,
        stage_label,
        display_order,
        is_closed,
        probability,
        is_stage_archived,
        is_pipeline_archived,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from stages

)

select * from renamed
