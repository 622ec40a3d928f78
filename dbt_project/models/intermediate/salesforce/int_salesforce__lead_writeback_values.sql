{#- The Lead fields samepage writes back (vars.samepage_writeback), as last extracted:
    Salesforce's part of what rpt_writeback_plan compares with the agreed answers. -#}
with

lead_values as (

    select * from {{ ref('stg_salesforce__lead_writeback_values') }}

),

final as (

    select
        salesforce_lead_id,
        is_converted,
        {%- for entry in writeback_fields('salesforce', 'Lead') %}
            {{ entry['field'] | lower }},
        {%- endfor %}
        is_deleted
    from lead_values

)

select * from final
