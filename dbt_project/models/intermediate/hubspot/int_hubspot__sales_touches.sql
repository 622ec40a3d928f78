{#- HubSpot's sales touches: the calls, e-mails, meetings and tasks reps log (CRM v3 activity
    objects), one row per activity and contact it is associated with, touched at its hs_timestamp
    (when it took place). Notes are no touch. An archived activity stays, flagged deleted, with
    its contact when a link is still landed (else none), so an incremental reader replaces the
    touch it had. -#}
{%- set activities = [
    ('call', 'calls', 'call_title'),
    ('email', 'emails', 'email_subject'),
    ('meeting', 'meetings', 'meeting_title'),
    ('task', 'tasks', 'task_subject'),
] %}
with

{% for kind, object_type, subject_column in activities %}
    {{ object_type }} as (

        select * from {{ ref('stg_hubspot__' ~ object_type) }}

    ),

{% endfor %}
activity_contacts as (

    select * from {{ ref('stg_hubspot__activity_contact_associations') }}
    where not is_deleted

),

activities as (

    {% for kind, object_type, subject_column in activities %}
        select
            hubspot_{{ kind }}_id as activity_id,
            '{{ object_type }}' as activity_type,
            'hubspot_{{ kind }}' as source_system,
            '{{ kind }}' as touch_kind,
            hubspot_owner_id,
            occurred_at,
            {{ subject_column }} as subject,
            is_deleted,
            extracted_at
        from {{ object_type }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        activities.activity_id as sales_touch_id,
        activities.source_system,
        'hubspot_contact' as record_system,
        activity_contacts.hubspot_contact_id as record_id,
        activities.hubspot_owner_id as owner_id,
        activities.occurred_at as touched_at,
        activities.touch_kind,
        activities.subject,
        activities.is_deleted,
        -- a link landed after its activity is news for the touch too
        case
            when activity_contacts.extracted_at > activities.extracted_at
                then activity_contacts.extracted_at
            else activities.extracted_at
        end as extracted_at
    from activities
    left join activity_contacts
        on
            activities.activity_type = activity_contacts.activity_type
            and activities.activity_id = activity_contacts.hubspot_activity_id

)

select * from final
