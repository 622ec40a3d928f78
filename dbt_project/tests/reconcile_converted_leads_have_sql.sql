{#- Reconciliation between Salesforce and the marts: every converted, live Lead belongs to a
    person with an SQL time (rule_sql counts the conversion). A failing row names the Lead. -#}
{#- It reads several models; Dagster shows it as a check of the one it reconciles. -#}
{{ config(meta={'dagster': {'ref': {'name': 'dim_people'}}}) }}

with

leads as (

    select * from {{ ref('stg_salesforce__leads') }}
    where is_converted and not is_deleted

),

identity as (

    select * from {{ ref('int_people__identity') }}
    where source_system = 'salesforce_lead'

),

people as (

    select * from {{ ref('dim_people') }}

),

unreconciled as (

    select
        leads.salesforce_lead_id,
        identity.person_id,
        {{ dbt.concat([
            "'converted Lead '", 'leads.salesforce_lead_id',
            "case when identity.person_id is null then ' belongs to no person'"
            ~ " else ' has a person without sql_at' end"
        ]) }} as failing_row
    from leads
    left join identity
        on leads.salesforce_lead_id = identity.source_record_id
    left join people
        on identity.person_id = people.person_id
    where people.sql_at is null

)

select * from unreconciled
