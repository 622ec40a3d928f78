{#- HubSpot's campaign touches: none read yet beyond the original campaign a contact names
    (hs_analytics_source_data_1), which its person record carries (original_campaign_name) and
    int_campaign_touches reads from there. -#}
with

final as (

    select
        cast(null as {{ dbt.type_string() }}) as source_record_key,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_string() }}) as campaign_name,
        cast(null as {{ dbt.type_timestamp() }}) as touched_at,
        cast(null as {{ dbt.type_string() }}) as touch_kind,
        cast(null as boolean) as is_deleted
    where false

)

select * from final
