{#- One row per person whose tool-native stage (HubSpot lifecyclestage, Salesforce Lead Status)
    disagrees with the agreed stage, with both values and why. What each tool would say if it
    followed the definitions is the definition tool_stages (HubSpot has no SAL or rejected stage:
    both stay marketingqualifiedlead; a Lead's Status follows the agreed SAL/SQL/rejected
    statuses). -#}
with

people as (

    select * from {{ ref('dim_people') }}

),

events as (

    select * from {{ ref('int_lifecycle_events') }}
    where
        not is_deleted
        and event_type = 'score_changed'

),

identity as (

    select * from {{ ref('int_people__identity') }}

),

max_scores as (

    select
        identity.person_id,
        max(events.event_number) as max_hubspot_score
    from events
    inner join identity
        on
            events.record_system = identity.source_system
            and events.record_id = identity.source_record_id
    group by identity.person_id

),

expected as (

    select
        people.person_id,
        people.email,
        people.hubspot_contact_id,
        people.salesforce_lead_id,
        people.current_stage as agreed_stage,
        people.hubspot_lifecycle_stage,
        people.salesforce_lead_status,
        people.is_free_email,
        people.mql_at,
        people.customer_at,
        max_scores.max_hubspot_score,
        {{ expected_tool_stage('hubspot_contact', 'people.current_stage') }}
            as expected_hubspot_stage,
        {{ expected_tool_stage('salesforce_lead', 'people.current_stage') }}
            as expected_lead_status
    from people
    left join max_scores
        on people.person_id = max_scores.person_id

),

compared as (

    select
        expected.*,
        expected.hubspot_lifecycle_stage is not null
        and not {{ tool_stage_agrees(
            'hubspot_contact', 'expected.hubspot_lifecycle_stage', 'expected.agreed_stage'
        ) }} as has_hubspot_drift,
        expected.salesforce_lead_status is not null
        and not {{ tool_stage_agrees(
            'salesforce_lead', 'expected.salesforce_lead_status', 'expected.agreed_stage'
        ) }} as has_salesforce_drift
    from expected

),

explained as (

    select
        compared.*,
        case
            when not compared.has_hubspot_drift then null
            when
                compared.mql_at is null
                and compared.hubspot_lifecycle_stage
                in {{ tool_stages_sql('hubspot_contact', 'mql') }}
                and compared.is_free_email
                then 'HubSpot says MQL, but free-mail addresses never become MQLs'
            when
                compared.mql_at is null
                and compared.hubspot_lifecycle_stage
                in {{ tool_stages_sql('hubspot_contact', 'mql') }}
                and compared.customer_at is not null
                then
                    'HubSpot says MQL, but the person was already a customer'
                    || ' when the score reached the threshold'
            when
                compared.mql_at is null
                and compared.hubspot_lifecycle_stage
                in {{ tool_stages_sql('hubspot_contact', 'mql') }}
                then
                    'HubSpot says MQL, but the score peaked at '
                    || coalesce(
                        cast(
                            cast(compared.max_hubspot_score as integer) as {{ dbt.type_string() }}
                        ),
                        'nothing'
                    )
                    || ', below the threshold of ' || '{{ definition("mql_score_threshold") }}'
            when
                compared.mql_at is not null
                and compared.hubspot_lifecycle_stage
                in {{ tool_stages_sql('hubspot_contact', 'lead') }}
                then 'The score reached the threshold, but HubSpot never set the contact to MQL'
            else
                'HubSpot says '
                || compared.hubspot_lifecycle_stage
                || ', the agreed stage is '
                || compared.agreed_stage
        end as hubspot_drift_reason,
        case
            when not compared.has_salesforce_drift then null
            when compared.mql_at is null and compared.agreed_stage = 'lead'
                then
                    'Salesforce works a Lead the definitions do not count as an MQL (Status '
                    || compared.salesforce_lead_status
                    || ')'
            else
                'Lead Status is '
                || compared.salesforce_lead_status
                || ', the agreed stage is '
                || compared.agreed_stage
        end as salesforce_drift_reason
    from compared

),

final as (

    select
        person_id,
        email,
        hubspot_contact_id,
        salesforce_lead_id,
        agreed_stage,
        hubspot_lifecycle_stage,
        expected_hubspot_stage,
        salesforce_lead_status,
        expected_lead_status,
        has_hubspot_drift,
        has_salesforce_drift,
        hubspot_drift_reason,
        salesforce_drift_reason,
        coalesce(hubspot_drift_reason, salesforce_drift_reason) as drift_reason
    from explained
    where has_hubspot_drift or has_salesforce_drift

)

select * from final
