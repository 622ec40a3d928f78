{#- One row per campaign and attribution model: the campaigns of the campaign source
    (campaign_sources: Salesforce's Campaigns; in a HubSpot-only stack the UTM campaigns and
    first-conversion forms its contacts name, with no cost, so no ROI). A person's campaign
    touches are int_campaign_touches (their campaign memberships and the campaign their records
    name as their origin). Only touches at or before the person's opportunity count
    (all touches without one). Credit per person: first_touch - 1 to the earliest touch;
    last_touch - 1 to the latest; linear - 1/n to each. Ties (same touch time) go to the campaign
    that started first, then the smaller id. -#}
with

all_campaigns as (

    {{ conformed_union('campaigns') }}

),

campaigns as (

    select * from all_campaigns
    where not is_deleted

),

touches as (

    select * from {{ ref('int_campaign_touches') }}

),

people as (

    select * from {{ ref('dim_people') }}

),

eligible_touches as (

    select
        touches.person_id,
        touches.campaign_id,
        touches.touched_at,
        row_number() over (
            partition by touches.person_id
            order by touches.touched_at, campaigns.start_date, touches.campaign_id
        ) as touch_number,
        row_number() over (
            partition by touches.person_id
            order by
                touches.touched_at desc,
                campaigns.start_date asc,
                touches.campaign_id asc
        ) as touch_number_from_last,
        count(*) over (partition by touches.person_id) as touch_count
    from touches
    inner join campaigns
        on touches.campaign_id = campaigns.campaign_id
    inner join people
        on touches.person_id = people.person_id
    where people.opportunity_at is null or touches.touched_at <= people.opportunity_at

),

credits as (

    select
        person_id,
        campaign_id,
        'first_touch' as attribution_model,
        1.0 as credit
    from eligible_touches
    where touch_number = 1

    union all

    select
        person_id,
        campaign_id,
        'last_touch' as attribution_model,
        1.0 as credit
    from eligible_touches
    where touch_number_from_last = 1

    union all

    select
        person_id,
        campaign_id,
        'linear' as attribution_model,
        1.0 / touch_count as credit
    from eligible_touches

),

credited as (

    select
        credits.campaign_id,
        credits.attribution_model,
        sum(case when people.mql_at is not null then credits.credit else 0 end) as attributed_mqls,
        sum(case when people.sql_at is not null then credits.credit else 0 end) as attributed_sqls,
        sum(credits.credit * people.pipeline_amount) as attributed_pipeline_amount,
        sum(credits.credit * people.won_revenue) as attributed_won_revenue
    from credits
    inner join people
        on credits.person_id = people.person_id
    group by credits.campaign_id, credits.attribution_model

),

members as (

    select
        campaign_id,
        count(*) as member_count
    from touches
    group by campaign_id

),

attribution_models as (

    select 'first_touch' as attribution_model
    union all
    select 'last_touch' as attribution_model
    union all
    select 'linear' as attribution_model

),

final as (

    select
        campaigns.campaign_id
        || ':'
        || attribution_models.attribution_model as campaign_performance_id,
        campaigns.campaign_id,
        campaigns.campaign_name,
        campaigns.campaign_type,
        campaigns.start_date,
        attribution_models.attribution_model,
        coalesce(members.member_count, 0) as member_count,
        cast(coalesce(credited.attributed_mqls, 0) as {{ dbt.type_numeric() }}) as attributed_mqls,
        cast(coalesce(credited.attributed_sqls, 0) as {{ dbt.type_numeric() }}) as attributed_sqls,
        cast(coalesce(credited.attributed_pipeline_amount, 0) as {{ dbt.type_numeric() }})
            as attributed_pipeline_amount,
        cast(coalesce(credited.attributed_won_revenue, 0) as {{ dbt.type_numeric() }})
            as attributed_won_revenue,
        campaigns.campaign_cost,
        cast(
            case
                when campaigns.campaign_cost > 0
                    then
                        (coalesce(credited.attributed_won_revenue, 0) - campaigns.campaign_cost)
                        / campaigns.campaign_cost
            end as {{ dbt.type_numeric() }}
        ) as return_on_investment
    from campaigns
    cross join attribution_models
    left join members
        on campaigns.campaign_id = members.campaign_id
    left join credited
        on
            campaigns.campaign_id = credited.campaign_id
            and attribution_models.attribution_model = credited.attribution_model

)

select * from final
