{#- Which people each live opportunity is linked to: the person records the enabled sources
    link it to (a converted Lead, an OpportunityContactRole on a Contact, a HubSpot deal's
    contact). Every enabled source's opportunities, not only the opportunity source's: another
    source's deal can still be evidence of a stage it decides (SQL); the pipeline marts keep
    the opportunity source's. -#}
with

opportunities as (

    {{ conformed_union('opportunities', every_source=true) }}

),

opportunity_links as (

    {{ conformed_union('opportunity_people') }}

),

identity as (

    select * from {{ ref('int_people__identity') }}

),

live_links as (

    select
        opportunity_links.opportunity_id,
        identity.person_id,
        sum(case when opportunity_links.linked_via = 'converted_lead' then 1 else 0 end) > 0
            as is_via_converted_lead,
        sum(case when opportunity_links.linked_via = 'contact_role' then 1 else 0 end) > 0
            as is_via_contact_role,
        sum(case when opportunity_links.is_primary_contact_role then 1 else 0 end) > 0
            as is_primary_contact_role
    from opportunity_links
    inner join identity
        on opportunity_links.source_record_key = identity.source_record_key
    inner join opportunities
        on opportunity_links.opportunity_id = opportunities.opportunity_id
    where
        not opportunity_links.is_deleted
        and not opportunities.is_deleted
    group by opportunity_links.opportunity_id, identity.person_id

),

final as (

    select
        opportunity_id || ':' || person_id as opportunity_person_id,
        opportunity_id,
        person_id,
        is_via_converted_lead,
        is_via_contact_role,
        is_primary_contact_role
    from live_links

)

select * from final
