{#- Salesforce's sales touches: logged Tasks, on the Lead or Contact they name (WhoId key prefix
    00Q / 003). A Task's touch time is its CreatedDate (when it was logged), not its ActivityDate
    (a due date) nor its completion. -#}
with

tasks as (

    select * from {{ ref('stg_salesforce__tasks') }}

),

final as (

    select
        salesforce_task_id as sales_touch_id,
        'salesforce_task' as source_system,
        case
            when who_id like '00Q%' then 'salesforce_lead'
            when who_id like '003%' then 'salesforce_contact'
        end as record_system,
        who_id as record_id,
        owner_user_id as owner_id,
        created_at as touched_at,
        'task' as touch_kind,
        subject,
        is_deleted,
        extracted_at
    from tasks
    where who_id is not null

)

select * from final
