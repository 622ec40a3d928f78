{#- One row per person per agreed stage reached, with the time and the evidence. -#}
with

stage_events as (

    select * from {{ ref('int_people__stage_events') }}

),

final as (

    select
        person_stage_id as lifecycle_event_id,
        person_id,
        lifecycle_stage,
        stage_order,
        reached_at,
        {{ to_reporting_date('reached_at') }} as reached_on,
        evidence_event_type,
        evidence_record_system,
        evidence_record_id,
        evidence,
        is_history_truncated,
        rejection_reason
    from stage_events

)

select * from final
