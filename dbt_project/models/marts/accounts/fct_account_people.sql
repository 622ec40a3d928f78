{#- One row per person attached to an account, and how: contact_account (a Salesforce Contact's
    Account), primary_company / company (a HubSpot contact's companies) or email_domain. -#}
with

account_people as (

    select * from {{ ref('int_accounts__people') }}

),

final as (

    select
        person_id,
        account_id,
        attached_by
    from account_people

)

select * from final
