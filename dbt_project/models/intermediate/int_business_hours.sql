{#- One row per working calendar (time zone and holiday calendar) and local day: whether it is a
    working day (a day of business_hours.days that is no holiday of the calendar) and its
    working hours, in local time and in UTC. working_days_before numbers the working days, so the
    handoff SLA counts business hours with equality joins only (fct_lead_handoffs). Every working
    day has the same length (business_hours.hours end - start, in local time). Built for the
    calendars of the owners and default_time_zone, over the days of int_business_hours__days. -#}
{%- set hours = business_hours_setting() -%}
{%- set working_day_minutes = hours['end_minute'] - hours['start_minute'] -%}
{%- set local_midnight = 'cast(calendar_days.calendar_day as ' ~ dbt.type_timestamp() ~ ')' -%}
with

owners as (

    select * from {{ ref('int_business_hours__owners') }}

),

holidays as (

    select * from {{ ref('holidays') }}

),

days as (

    select * from {{ ref('int_business_hours__days') }}

),

calendars as (

    select distinct
        time_zone,
        holiday_calendar
    from owners

    union

    select
        cast({{ definition_sql('default_time_zone') }} as {{ dbt.type_string() }}) as time_zone,
        cast({{ definition_sql('default_time_zone') }} as {{ dbt.type_string() }})
            as holiday_calendar

),

holiday_days as (

    select distinct
        cast(holiday_calendar as {{ dbt.type_string() }}) as holiday_calendar,
        cast(holiday_on as date) as holiday_on
    from holidays

),

calendar_days as (

    select
        calendars.time_zone,
        calendars.holiday_calendar,
        days.calendar_day,
        holiday_days.holiday_on is not null as is_holiday,
        (
            {{ iso_day_of_week('days.calendar_day') }} in ({{ hours['days'] | join(', ') }})
            and holiday_days.holiday_on is null
        ) as is_working_day
    from calendars
    cross join days
    left join holiday_days
        on
            calendars.holiday_calendar = holiday_days.holiday_calendar
            and days.calendar_day = holiday_days.holiday_on

),

numbered as (

    select
        calendar_days.*,
        {{ dbt.dateadd('minute', hours['start_minute'], local_midnight) }} as work_starts_local,
        {{ dbt.dateadd('minute', hours['end_minute'], local_midnight) }} as work_ends_local,
        sum(case when calendar_days.is_working_day then 1 else 0 end) over (
            partition by calendar_days.time_zone, calendar_days.holiday_calendar
            order by calendar_days.calendar_day
            rows between unbounded preceding and 1 preceding
        ) as working_days_before_raw
    from calendar_days

),

final as (

    select
        time_zone || '|' || holiday_calendar || '|' || cast(calendar_day as {{ dbt.type_string() }})
            as business_day_id,
        time_zone,
        holiday_calendar,
        calendar_day,
        is_holiday,
        is_working_day,
        cast(coalesce(working_days_before_raw, 0) as {{ dbt.type_int() }}) as working_days_before,
        cast({{ working_day_minutes * 60000 }} as {{ dbt.type_bigint() }}) as working_day_ms,
        case when is_working_day then work_starts_local end as work_starts_local,
        case when is_working_day then work_ends_local end as work_ends_local,
        case
            when is_working_day then {{ local_to_utc_timestamp('work_starts_local', 'time_zone') }}
        end as work_starts_at,
        case
            when is_working_day then {{ local_to_utc_timestamp('work_ends_local', 'time_zone') }}
        end as work_ends_at
    from numbered

)

select * from final
