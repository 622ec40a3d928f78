{#- One row per campaign and attribution model. A person's campaign touches are their campaign
    memberships (Salesforce CampaignMember on their Lead or Contact) and their original HubSpot
    campaign (`hs_analytics_source_data_1`, the Campaign Name) at contact creation. Only touches
    at or before the person's opportunity count (all touches without one). Credit per person:
    first_touch - 1 to the earliest touch; last_touch - 1 to the latest; linear - 1/n to each.
    Ties (same touch time) go to the campaign that started first, then the smaller id. -#}
with

campaigns as (

    select * from {{ ref('stg_salesforce__campaigns') }}
    where not is_deleted

),

campaign_members as (

    select * from {{ ref('stg_salesforce__campaign_members') }}
    where not is_deleted

),

source_records as (

    select * from {{ ref('int_people__source_records') }}

),

identity as (

    select * from {{ ref('int_people__identity') }}

),

people as (

    select * from {{ ref('dim_people') }}

),

member_touches as (

    select
        identity.person_id,
        campaign_members.salesforce_campaign_id,
        campaign_members.created_at as touched_at
    from campaign_members
    inner join identity
        on
            campaign_members.salesforce_lead_id = identity.source_record_id
            and identity.source_system = 'salesforce_lead'

    union all

    select
        identity.person_id,
        campaign_members.salesforce_campaign_id,
        campaign_members.created_at as touched_at
    from campaign_members
    inner join identity
        on
            campaign_members.salesforce_contact_id = identity.source_record_id
            and identity.source_system = 'salesforce_contact'

),

hubspot_touches as (

    select
        identity.person_id,
        campaigns.salesforce_campaign_id,
        source_records.created_at as touched_at
    from source_records
    inner join identity
        on source_records.source_record_key = identity.source_record_key
    inner join campaigns
        on source_records.original_campaign_name = campaigns.campaign_name
    where source_records.source_system = 'hubspot_contact'

),

all_touches as (

    select * from member_touches
    union all
    select * from hubspot_touches

),

touches as (

    select
        all_touches.person_id,
        all_touches.salesforce_campaign_id,
        min(all_touches.touched_at) as touched_at
    from all_touches
    group by all_touches.person_id, all_touches.salesforce_campaign_id

),

eligible_touches as (

    select
        touches.person_id,
        touches.salesforce_campaign_id,
        touches.touched_at,
        row_number() over (
            partition by touches.person_id
            order by touches.touched_at, campaigns.start_date, touches.salesforce_campaign_id
        ) as touch_number,
        row_number() over (
            partition by touches.person_id
            order by
                touches.touched_at desc,
                campaigns.start_date asc,
                touches.salesforce_campaign_id asc
        ) as touch_number_from_last,
        count(*) over (partition by touches.person_id) as touch_count
    from touches
    inner join campaigns
        on touches.salesforce_campaign_id = campaigns.salesforce_campaign_id
    inner join people
        on touches.person_id = people.person_id
    where people.opportunity_at is null or touches.touched_at <= people.opportunity_at

),

credits as (

    select
        person_id,
        salesforce_campaign_id,
        'first_touch' as attribution_model,
        1.0 as credit
    from eligible_touches
    where touch_number = 1

    union all

    select
        person_id,
        salesforce_campaign_id,
        'last_touch' as attribution_model,
        1.0 as credit
    from eligible_touches
    where touch_number_from_last = 1

    union all

    select
        person_id,
        salesforce_campaign_id,
        'linear' as attribution_model,
        1.0 / touch_count as credit
    from eligible_touches

),

credited as (

    select
        credits.salesforce_campaign_id,
        credits.attribution_model,
        sum(case when people.mql_at is not null then credits.credit else 0 end) as attributed_mqls,
        sum(case when people.sql_at is not null then credits.credit else 0 end) as attributed_sqls,
        sum(credits.credit * people.pipeline_amount) as attributed_pipeline_amount,
        sum(credits.credit * people.won_revenue) as attributed_won_revenue
    from credits
    inner join people
        on credits.person_id = people.person_id
    group by credits.salesforce_campaign_id, credits.attribution_model

),

members as (

    select
        salesforce_campaign_id,
        count(*) as member_count
    from touches
    group by salesforce_campaign_id

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
        campaigns.salesforce_campaign_id
        || ':'
        || attribution_models.attribution_model as campaign_performance_id,
        campaigns.salesforce_campaign_id as campaign_id,
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
        coalesce(campaigns.actual_cost, campaigns.budgeted_cost) as campaign_cost,
        cast(
            case
                when coalesce(campaigns.actual_cost, campaigns.budgeted_cost) > 0
                    then
                        (
                            coalesce(credited.attributed_won_revenue, 0)
                            - coalesce(campaigns.actual_cost, campaigns.budgeted_cost)
                        )
                        / coalesce(campaigns.actual_cost, campaigns.budgeted_cost)
            end as {{ dbt.type_numeric() }}
        ) as return_on_investment
    from campaigns
    cross join attribution_models
    left join members
        on campaigns.salesforce_campaign_id = members.salesforce_campaign_id
    left join credited
        on
            campaigns.salesforce_campaign_id = credited.salesforce_campaign_id
            and attribution_models.attribution_model = credited.attribution_model

)

select * from final
