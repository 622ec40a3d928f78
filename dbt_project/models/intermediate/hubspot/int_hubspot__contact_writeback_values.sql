{#- The contact properties samepage writes back (vars.samepage_writeback), as last extracted:
    HubSpot's part of what rpt_writeback_plan compares with the agreed answers. -#}
with

contact_values as (

    select * from {{ ref('stg_hubspot__contact_writeback_values') }}

),

final as (

    select
        hubspot_contact_id,
        {%- for entry in writeback_fields('hubspot', 'contacts') %}
            {{ entry['field'] | lower }},
        {%- endfor %}
        is_deleted
    from contact_values

)

select * from final
