{#- Which person records each Opportunity names: the Lead converted into it
    (ConvertedOpportunityId) and the Contacts in its OpportunityContactRoles. -#}
with

leads as (

    select * from {{ ref('stg_salesforce__leads') }}

),

contact_roles as (

    select * from {{ ref('stg_salesforce__opportunity_contact_roles') }}

),

final as (

    select
        converted_opportunity_id as opportunity_id,
        'salesforce_lead:' || salesforce_lead_id as source_record_key,
        'converted_lead' as linked_via,
        false as is_primary_contact_role,
        false as is_deleted
    from leads
    where converted_opportunity_id is not null

    union all

    select
        salesforce_opportunity_id as opportunity_id,
        'salesforce_contact:' || salesforce_contact_id as source_record_key,
        'contact_role' as linked_via,
        is_primary as is_primary_contact_role,
        is_deleted
    from contact_roles

)

select * from final
