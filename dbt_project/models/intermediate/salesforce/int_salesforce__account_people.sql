{#- Which Account each Salesforce Contact belongs to (Contact.AccountId). A converted Lead is
    its Contact's person, so the Contact's link stands for both. -#}
with

contacts as (

    select * from {{ ref('stg_salesforce__contacts') }}

),

final as (

    select
        'salesforce_contact:' || salesforce_contact_id as source_record_key,
        'salesforce_account:' || salesforce_account_id as account_record_key,
        'contact_account' as linked_via,
        true as is_primary,
        is_deleted
    from contacts
    where salesforce_account_id is not null

)

select * from final
