{#- Salesforce's Opportunities, with a summary of their stage history (OpportunityHistory). -#}
with

opportunities as (

    select * from {{ ref('stg_salesforce__opportunities') }}

),

opportunity_history as (

    select * from {{ ref('stg_salesforce__opportunity_history') }}
    where not is_deleted

),

stage_history as (

    select
        salesforce_opportunity_id,
        count(*) as stage_change_count,
        count(distinct stage_name) as stages_reached_count,
        max(created_at) as last_stage_change_at,
        {{ dbt.listagg(
            'stage_name', "' > '", 'order by created_at, salesforce_opportunity_history_id'
        ) }} as stage_path
    from opportunity_history
    group by salesforce_opportunity_id

),

final as (

    select
        opportunities.salesforce_opportunity_id as opportunity_id,
        'salesforce_opportunity' as source_system,
        opportunities.opportunity_name,
        opportunities.salesforce_account_id as account_id,
        opportunities.owner_user_id as owner_id,
        opportunities.salesforce_campaign_id as campaign_id,
        opportunities.stage_name,
        opportunities.amount,
        -- a single-currency org has no CurrencyIsoCode
        cast(null as {{ dbt.type_string() }}) as currency_code,
        opportunities.is_closed,
        opportunities.is_won,
        opportunities.created_at,
        opportunities.close_date,
        coalesce(stage_history.stage_change_count, 0) as stage_change_count,
        coalesce(stage_history.stages_reached_count, 0) as stages_reached_count,
        stage_history.stage_path,
        stage_history.last_stage_change_at,
        opportunities.is_deleted,
        opportunities.extracted_at
    from opportunities
    left join stage_history
        on opportunities.salesforce_opportunity_id = stage_history.salesforce_opportunity_id

)

select * from final
