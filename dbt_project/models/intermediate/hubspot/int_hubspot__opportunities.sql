{#- HubSpot's opportunities: its deals, with their stage as the pipeline names it and their
    outcome from the pipeline's stage metadata (closed when isClosed; won when closed with
    probability 1.0: a stage id alone never says won), and a summary of their dealstage history.
    A merged-away duplicate deal leaves the raw table with its merge. -#}
with

deals as (

    select * from {{ ref('stg_hubspot__deals') }}

),

pipeline_stages as (

    select * from {{ ref('stg_hubspot__pipeline_stages') }}

),

deal_companies as (

    select * from {{ ref('stg_hubspot__deal_company_associations') }}
    where not is_deleted

),

stage_history as (

    select
        deals.hubspot_deal_id,
        entry.position as history_position,
        {{ json_text('entry.value', 'value') }} as deal_stage,
        {{ to_utc_timestamp(json_text('entry.value', 'timestamp')) }} as changed_at,
        deals.pipeline
    from deals
    {{ json_array_rows('deals.deal_stage_history', 'entry') }}

),

labelled_history as (

    select
        stage_history.hubspot_deal_id,
        stage_history.history_position,
        stage_history.changed_at,
        coalesce(pipeline_stages.stage_label, stage_history.deal_stage) as stage_name
    from stage_history
    left join pipeline_stages
        on
            stage_history.pipeline = pipeline_stages.pipeline_id
            and stage_history.deal_stage = pipeline_stages.stage_id

),

history_summary as (

    select
        hubspot_deal_id,
        count(*) as stage_change_count,
        count(distinct stage_name) as stages_reached_count,
        max(changed_at) as last_stage_change_at,
        -- HubSpot lists the history newest first: the path reads oldest first
        {{ dbt.listagg(
            'stage_name', "' > '", 'order by changed_at, history_position desc'
        ) }} as stage_path
    from labelled_history
    group by hubspot_deal_id

),

primary_companies as (

    select
        hubspot_deal_id,
        min(hubspot_company_id) as hubspot_company_id
    from deal_companies
    where is_primary
    group by hubspot_deal_id

),

final as (

    select
        deals.hubspot_deal_id as opportunity_id,
        'hubspot_deal' as source_system,
        deals.deal_name as opportunity_name,
        primary_companies.hubspot_company_id as account_id,
        deals.hubspot_owner_id as owner_id,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        coalesce(pipeline_stages.stage_label, deals.deal_stage) as stage_name,
        deals.amount,
        -- a single-currency portal has no deal_currency_code
        cast(null as {{ dbt.type_string() }}) as currency_code,
        coalesce(pipeline_stages.is_closed, false) as is_closed,
        {{ hubspot_stage_is_won('pipeline_stages') }} as is_won,
        deals.created_at,
        cast(deals.close_at as date) as close_date,
        coalesce(history_summary.stage_change_count, 0) as stage_change_count,
        coalesce(history_summary.stages_reached_count, 0) as stages_reached_count,
        history_summary.stage_path,
        history_summary.last_stage_change_at,
        deals.is_deleted,
        deals.extracted_at
    from deals
    left join pipeline_stages
        on
            deals.pipeline = pipeline_stages.pipeline_id
            and deals.deal_stage = pipeline_stages.stage_id
    left join primary_companies
        on deals.hubspot_deal_id = primary_companies.hubspot_deal_id
    left join history_summary
        on deals.hubspot_deal_id = history_summary.hubspot_deal_id

)

select * from final
