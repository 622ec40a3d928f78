{#- The HubSpot owners who own records. The owners API has no time zone: the seed
    owner_time_zones gives it by e-mail (int_business_hours__owners). -#}
with

owners as (

    select * from {{ ref('stg_hubspot__owners') }}

),

final as (

    select
        cast(hubspot_owner_id as {{ dbt.type_string() }}) as owner_id,
        'hubspot' as source_name,
        cast(email as {{ dbt.type_string() }}) as owner_email,
        cast(null as {{ dbt.type_string() }}) as time_zone
    from owners

)

select * from final
