{#- Salesforce's campaign touches: each CampaignMember on a Lead or a Contact, touched when the
    membership was created. -#}
with

campaign_members as (

    select * from {{ ref('stg_salesforce__campaign_members') }}

),

final as (

    select
        'salesforce_lead:' || salesforce_lead_id as source_record_key,
        salesforce_campaign_id as campaign_id,
        cast(null as {{ dbt.type_string() }}) as campaign_name,
        created_at as touched_at,
        'campaign_member' as touch_kind,
        is_deleted
    from campaign_members
    where salesforce_lead_id is not null

    union all

    select
        'salesforce_contact:' || salesforce_contact_id as source_record_key,
        salesforce_campaign_id as campaign_id,
        cast(null as {{ dbt.type_string() }}) as campaign_name,
        created_at as touched_at,
        'campaign_member' as touch_kind,
        is_deleted
    from campaign_members
    where salesforce_contact_id is not null

)

select * from final
