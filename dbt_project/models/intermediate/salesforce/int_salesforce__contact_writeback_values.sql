{#- The Contact fields samepage writes back (vars.samepage_writeback), as last extracted:
    Salesforce's part of what rpt_writeback_plan compares with the agreed answers. -#}
with

contact_values as (

    select * from {{ ref('stg_salesforce__contact_writeback_values') }}

),

final as (

    select
        salesforce_contact_id,
        {%- for entry in writeback_fields('salesforce', 'Contact') %}
            {{ entry['field'] | lower }},
        {%- endfor %}
        is_deleted
    from contact_values

)

select * from final
