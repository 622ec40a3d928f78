{#- One row per MQL: the handoff from marketing to sales and whether sales kept the SLA.
    sla_boundary says on which side the deadline instant falls: inclusive (a touch at the
    deadline is in time, an untouched MQL at the deadline still pending) or exclusive (both late).
    response_hours is rounded up to the millionth of an hour, so a touch even 1 ms late shows above
    the window and never as exactly the window next to 'breached'.
    sla_clock says how the window is counted: wall_clock (elapsed time) or business_hours (the
    owner's working hours in their time zone, int_business_hours); both response times are
    always shown. In business hours the working time elapsed at an instant is the working days
    before its local day times the working day, plus the worked part of its own day; the deadline
    is in the working day that this total plus the window falls in. -#}
{%- set boundary = definition('sla_boundary') -%}
{%- set clock = definition('sla_clock') -%}
{%- if clock not in ('wall_clock', 'business_hours') -%}
    {{ exceptions.raise_compiler_error("sla_clock must be wall_clock or business_hours, not '" ~ clock ~ "'") }}
{%- endif -%}
{%- set window_ms = (definition('sla_first_touch_hours') * 3600000) | round | int -%}
{%- if boundary not in ('inclusive', 'exclusive') -%}
    {{ exceptions.raise_compiler_error("sla_boundary must be inclusive or exclusive, not '" ~ boundary ~ "'") }}
{%- endif -%}
{%- set in_time = '<=' if boundary == 'inclusive' else '<' -%}
{%- set overdue = '>' if boundary == 'inclusive' else '>=' -%}
with

people as (

    select * from {{ ref('dim_people') }}

),

owners as (

    select * from {{ ref('int_business_hours__owners') }}

),

business_days as (

    select * from {{ ref('int_business_hours') }}

),

mqls as (

    select
        person_id,
        owner_user_id,
        owner_name,
        mql_at,
        sal_at,
        sql_at,
        rejected_at,
        rejection_reason
    from people
    where mql_at is not null

),

zoned as (

    select
        mqls.*,
        coalesce(owners.time_zone, {{ definition_sql('default_time_zone') }}) as owner_time_zone,
        coalesce(owners.holiday_calendar, {{ definition_sql('default_time_zone') }})
            as holiday_calendar
    from mqls
    left join owners
        on mqls.owner_user_id = owners.owner_id

),

localized as (

    select
        zoned.*,
        {{ to_local_timestamp('zoned.mql_at', 'zoned.owner_time_zone') }} as mql_local,
        {{ to_local_timestamp('zoned.sal_at', 'zoned.owner_time_zone') }} as sal_local
    from zoned

),

-- the owner's calendar on the local days of the MQL and of the first touch
calendar_days as (

    select
        localized.*,
        mql_day.working_day_ms,
        mql_day.working_days_before as mql_working_days_before,
        sal_day.working_days_before as sal_working_days_before,
        {{ dbt.datediff('mql_day.work_starts_local', 'localized.mql_local', 'millisecond') }}
            as mql_into_day_ms,
        {{ dbt.datediff('sal_day.work_starts_local', 'localized.sal_local', 'millisecond') }}
            as sal_into_day_ms
    from localized
    left join business_days as mql_day
        on
            localized.owner_time_zone = mql_day.time_zone
            and localized.holiday_calendar = mql_day.holiday_calendar
            and cast(localized.mql_local as date) = mql_day.calendar_day
    left join business_days as sal_day
        on
            localized.owner_time_zone = sal_day.time_zone
            and localized.holiday_calendar = sal_day.holiday_calendar
            and cast(localized.sal_local as date) = sal_day.calendar_day

),

-- working time (ms) elapsed in the calendar before the MQL and before the first touch: the
-- working days before the local day, plus the worked part of the day (none on a day off)
worked as (

    select
        *,
        mql_working_days_before * working_day_ms
        + coalesce(least(greatest(mql_into_day_ms, 0), working_day_ms), 0) as mql_worked_ms,
        sal_working_days_before * working_day_ms
        + coalesce(least(greatest(sal_into_day_ms, 0), working_day_ms), 0) as sal_worked_ms
    from calendar_days

),

-- the deadline's working day (numbered as working_days_before) and the working time used in it
deadline_day as (

    select
        *,
        cast(
            floor((mql_worked_ms + {{ window_ms }} - 1) / working_day_ms) as {{ dbt.type_int() }}
        ) as due_working_day
    from worked

),

measured as (

    select
        deadline_day.*,
        {{ dbt.dateadd('hour', definition_sql('sla_first_touch_hours'), 'deadline_day.mql_at') }}
            as wall_clock_due_at,
        {{ local_to_utc_timestamp(
            dbt.dateadd(
                'millisecond',
                'deadline_day.mql_worked_ms + ' ~ window_ms
                ~ ' - deadline_day.due_working_day * deadline_day.working_day_ms',
                'due_day.work_starts_local'
            ),
            'deadline_day.owner_time_zone'
        ) }} as business_hours_due_at,
        {{ dbt.datediff('deadline_day.mql_at', 'deadline_day.sal_at', 'millisecond') }}
            as response_ms,
        deadline_day.sal_worked_ms - deadline_day.mql_worked_ms as response_business_ms,
        {{ as_of_timestamp() }} as as_of_at
    from deadline_day
    left join business_days as due_day
        on
            deadline_day.owner_time_zone = due_day.time_zone
            and deadline_day.holiday_calendar = due_day.holiday_calendar
            and due_day.is_working_day
            and deadline_day.due_working_day = due_day.working_days_before

),

due as (

    select
        measured.*,
        {{ 'business_hours_due_at' if clock == 'business_hours' else 'wall_clock_due_at' }}
            as sla_due_at
    from measured

),

final as (

    select
        person_id as lead_handoff_id,
        person_id,
        owner_user_id,
        owner_name,
        mql_at,
        {{ to_reporting_date('mql_at') }} as mql_reported_on,
        '{{ clock }}' as sla_clock,
        owner_time_zone,
        sla_due_at,
        wall_clock_due_at,
        business_hours_due_at,
        sal_at as first_touch_at,
        -- hours rounded up to the next millionth (3.6 ms): a late touch never shows the window
        cast(ceil(response_ms * 1000 / 3600.0) / 1000000.0 as {{ dbt.type_numeric() }})
            as response_hours,
        cast(ceil(response_business_ms * 1000 / 3600.0) / 1000000.0 as {{ dbt.type_numeric() }})
            as response_business_hours,
        case
            when sal_at is not null then sal_at {{ in_time }} sla_due_at
            when as_of_at {{ overdue }} sla_due_at then false
        end as is_sla_met,
        case
            when sal_at is not null and sal_at {{ in_time }} sla_due_at then 'met'
            when sal_at is not null or as_of_at {{ overdue }} sla_due_at then 'breached'
            else 'pending'
        end as sla_status,
        case
            when sql_at is not null and sql_at >= mql_at then 'qualified'
            when rejected_at is not null then 'rejected'
            when sal_at is not null then 'accepted'
            else 'pending'
        end as outcome,
        rejection_reason
    from due

)

select * from final
