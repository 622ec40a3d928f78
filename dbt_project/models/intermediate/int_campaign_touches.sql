{#- One row per person and campaign touching them: the earliest of their campaign touches in the
    campaign source (campaign_sources: a CampaignMember on their Lead or Contact; HubSpot alone, the
    UTM campaign or first-conversion form of their contact) and of the original campaigns their
    live records name (HubSpot's hs_analytics_source_data_1), touched when the record was created.
    A touch naming a campaign only by name touches every live campaign of that name. Only live
    person records touch. -#}
with

campaign_touches as (

    {{ conformed_union('campaign_touches') }}

),

campaigns as (

    {{ conformed_union('campaigns') }}

),

source_records as (

    select * from {{ ref('int_people__source_records') }}

),

identity as (

    select * from {{ ref('int_people__identity') }}

),

named_touches as (

    select
        source_record_key,
        campaign_id,
        campaign_name,
        touched_at,
        is_deleted
    from campaign_touches

    union all

    select
        source_record_key,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        original_campaign_name as campaign_name,
        created_at as touched_at,
        false as is_deleted
    from source_records
    where original_campaign_name is not null

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
        named_touches.touched_at
    from named_touches
    inner join identity
        on named_touches.source_record_key = identity.source_record_key
    inner join live_campaigns
        on named_touches.campaign_name = live_campaigns.campaign_name
    where
        not named_touches.is_deleted
        and named_touches.campaign_id is null

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
