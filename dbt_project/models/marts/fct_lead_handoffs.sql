{#- One row per MQL: the handoff from marketing to sales and whether sales kept the SLA.
    sla_boundary says on which side the deadline instant falls: inclusive (a touch at the
    deadline is in time, an untouched MQL at the deadline still pending) or exclusive (both late).
    response_hours is rounded up to the millionth of an hour, so a touch even 1 ms late shows above
    the window and never as exactly the window next to 'breached'. -#}
{%- set boundary = definition('sla_boundary') -%}
{%- if boundary not in ('inclusive', 'exclusive') -%}
    {{ exceptions.raise_compiler_error("sla_boundary must be inclusive or exclusive, not '" ~ boundary ~ "'") }}
{%- endif -%}
{%- set in_time = '<=' if boundary == 'inclusive' else '<' -%}
{%- set overdue = '>' if boundary == 'inclusive' else '>=' -%}
with

people as (

    select * from {{ ref('dim_people') }}

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

measured as (

    select
        mqls.*,
        {{ dbt.dateadd('hour', definition_sql('sla_first_touch_hours'), 'mqls.mql_at') }}
            as sla_due_at,
        {{ dbt.datediff('mqls.mql_at', 'mqls.sal_at', 'millisecond') }} as response_ms, -- noqa: LT05
        {{ as_of_timestamp() }} as as_of_at
    from mqls

),

final as (

    select
        person_id as lead_handoff_id,
        person_id,
        owner_user_id,
        owner_name,
        mql_at,
        {{ to_reporting_date('mql_at') }} as mql_reported_on,
        sla_due_at,
        sal_at as first_touch_at,
        -- hours rounded up to the next millionth (3.6 ms): a late touch never shows the window
        cast(ceil(response_ms * 1000 / 3600.0) / 1000000.0 as {{ dbt.type_numeric() }})
            as response_hours,
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
    from measured

)

select * from final
