{#- One row per record owner of every enabled source: the time zone they work in and the holiday
    calendar they keep (rule_business_hours). The seed owner_time_zones, matched by normalized
    e-mail, wins over the tool (Salesforce TimeZoneSidKey; HubSpot owners have none); an owner
    with neither works in default_time_zone. The holiday calendar is the seed's, else the name
    of the owner's time zone. -#}
with

owners as (

    {{ conformed_union('owners') }}

),

seeded as (

    select
        {{ normalize_email('owner_email') }} as owner_email_key,
        cast(time_zone as {{ dbt.type_string() }}) as time_zone,
        cast(holiday_calendar as {{ dbt.type_string() }}) as holiday_calendar
    from {{ ref('owner_time_zones') }}

),

resolved as (

    select
        owners.owner_id,
        owners.source_name,
        owners.owner_email,
        coalesce(seeded.time_zone, owners.time_zone, {{ definition_sql('default_time_zone') }})
            as time_zone,
        seeded.holiday_calendar as seeded_holiday_calendar,
        case
            when seeded.time_zone is not null then 'seed'
            when owners.time_zone is not null then owners.source_name
            else 'default'
        end as time_zone_origin
    from owners
    left join seeded
        on {{ normalize_email('owners.owner_email') }} = seeded.owner_email_key

),

final as (

    select
        owner_id,
        source_name,
        owner_email,
        time_zone,
        coalesce(seeded_holiday_calendar, time_zone) as holiday_calendar,
        time_zone_origin
    from resolved

)

select * from final
