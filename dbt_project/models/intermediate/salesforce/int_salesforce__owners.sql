{#- The Salesforce Users who own records, with the time zone they work in (TimeZoneSidKey), for
    the handoff SLA in business hours (int_business_hours__owners). -#}
with

users as (

    select * from {{ ref('stg_salesforce__users') }}

),

final as (

    select
        cast(salesforce_user_id as {{ dbt.type_string() }}) as owner_id,
        'salesforce' as source_name,
        cast(email as {{ dbt.type_string() }}) as owner_email,
        cast(time_zone as {{ dbt.type_string() }}) as time_zone
    from users

)

select * from final
