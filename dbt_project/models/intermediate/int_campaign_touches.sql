{#- One row per person and campaign touching them: the earliest of their campaign touches in the
    enabled sources (a CampaignMember on their Lead or Contact, the original campaign HubSpot names
    on their contact). A touch naming a campaign only by name touches every live campaign of
    that name. Only live person records touch. -#}
with

campaign_touches as (

    {{ conformed_union('campaign_touches') }}

),

campaigns as (

    {{ conformed_union('campaigns') }}

),

identity as (

    select * from {{ ref('int_people__identity') }}

),

live_campaigns as (

    select * from campaigns
    where not is_deleted

),

touches as (

    select
        identity.person_id,
        campaign_touches.campaign_id,
        campaign_touches.touched_at
    from campaign_touches
    inner join identity
        on campaign_touches.source_record_key = identity.source_record_key
    where
        not campaign_touches.is_deleted
        and campaign_touches.campaign_id is not null

    union all

    select
        identity.person_id,
        live_campaigns.campaign_id,
        campaign_touches.touched_at
    from campaign_touches
    inner join identity
        on campaign_touches.source_record_key = identity.source_record_key
    inner join live_campaigns
        on campaign_touches.campaign_name = live_campaigns.campaign_name
    where
        not campaign_touches.is_deleted
        and campaign_touches.campaign_id is null

),

final as (

    select
        person_id || ':' || campaign_id as campaign_touch_id,
        person_id,
        campaign_id,
        min(touched_at) as touched_at
    from touches
    group by person_id, campaign_id

)

select * from final
