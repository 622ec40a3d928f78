{#- Salesforce's Campaigns, with their cost: ActualCost, else BudgetedCost. -#}
with

campaigns as (

    select * from {{ ref('stg_salesforce__campaigns') }}

),

final as (

    select
        salesforce_campaign_id as campaign_id,
        campaign_name,
        campaign_type,
        start_date,
        coalesce(actual_cost, budgeted_cost) as campaign_cost,
        is_deleted
    from campaigns

)

select * from final
