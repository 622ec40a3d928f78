{#- One row per day over the span of the data, for the working calendars of int_business_hours:
    from the day before the first lifecycle event (a local day can start before its UTC day) to
    enough days after the last one (or the as-of moment) for the longest handoff SLA window to
    end, past weekends and every holiday in the seed. -#}
{%- set hours = business_hours_setting() -%}
{%- set working_day_minutes = hours['end_minute'] - hours['start_minute'] -%}
{#- working days one window needs at most (the MQL's own day and the ones after it) -#}
{%- set window_minutes = definition('sla_first_touch_hours') * 60 -%}
{%- set full_days = (window_minutes / working_day_minutes) | round(0, 'ceil') | int -%}
{%- set window_working_days = full_days + 1 -%}
with

events as (

    select * from {{ ref('int_lifecycle_events') }}

),

holidays as (

    select * from {{ ref('holidays') }}

),

holiday_count as (

    select count(*) as holiday_count
    from holidays

),

event_span as (

    select
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at
    from events

),

span as (

    select
        cast({{ dbt.dateadd('day', -1, 'event_span.first_event_at') }} as date) as first_day,
        -- each week holds a working day at least, unless a holiday takes it
        cast({{ dbt.dateadd(
            'day',
            '7 * (' ~ window_working_days ~ ' + holiday_count.holiday_count) + 1',
            'greatest(event_span.last_event_at, ' ~ as_of_timestamp() ~ ')'
        ) }} as date) as last_day
    from event_span
    cross join holiday_count

),

-- day offsets 0 .. 32767 (about 90 years; power() makes them doubles on some warehouses)
offsets as (

    select cast(generated_number as {{ dbt.type_int() }}) - 1 as day_offset
    from ({{ dbt.generate_series(32768) }}) as numbers

),

days as (

    select
        cast({{ dbt.dateadd('day', 'offsets.day_offset', 'span.first_day') }} as date)
            as calendar_day
    from offsets
    cross join span
    where offsets.day_offset <= {{ dbt.datediff('span.first_day', 'span.last_day', 'day') }}

),

final as (

    select calendar_day
    from days

)

select * from final
