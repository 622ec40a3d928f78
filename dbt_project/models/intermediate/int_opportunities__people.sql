{#- Which people each live Opportunity is linked to: through the converted Lead's
    ConvertedOpportunityId, or an OpportunityContactRole naming the person's Contact. -#}
with

opportunities as (

    select * from {{ ref('stg_salesforce__opportunities') }}

),

leads as (

    select * from {{ ref('stg_salesforce__leads') }}

),

contact_roles as (

    select * from {{ ref('stg_salesforce__opportunity_contact_roles') }}

),

identity as (

    select * from {{ ref('int_people__identity') }}

),

links as (

    select
        leads.converted_opportunity_id as opportunity_id,
        identity.person_id,
        'converted_lead' as linked_via,
        false as is_primary_contact_role
    from leads
    inner join identity
        on
            leads.salesforce_lead_id = identity.source_record_id
            and identity.source_system = 'salesforce_lead'
    where leads.converted_opportunity_id is not null

    union all

    select
        contact_roles.salesforce_opportunity_id as opportunity_id,
        identity.person_id,
        'contact_role' as linked_via,
        contact_roles.is_primary as is_primary_contact_role
    from contact_roles
    inner join identity
        on
            contact_roles.salesforce_contact_id = identity.source_record_id
            and identity.source_system = 'salesforce_contact'
    where not contact_roles.is_deleted

),

live_links as (

    select
        links.opportunity_id,
        links.person_id,
        sum(case when links.linked_via = 'converted_lead' then 1 else 0 end) > 0
            as is_via_converted_lead,
        sum(case when links.linked_via = 'contact_role' then 1 else 0 end) > 0
            as is_via_contact_role,
        sum(case when links.is_primary_contact_role then 1 else 0 end) > 0
            as is_primary_contact_role
    from links
    inner join opportunities
        on links.opportunity_id = opportunities.salesforce_opportunity_id
    where not opportunities.is_deleted
    group by links.opportunity_id, links.person_id

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
