{#- The values of the contact properties samepage writes back (vars.samepage_writeback), as last
    extracted: only rpt_writeback_plan reads them, never the definitions. -#}
with

source as (

    select * from {{ source('raw_hubspot', 'contacts') }}

),

renamed as (

    select
        id as hubspot_contact_id,
        {%- for entry in writeback_fields('hubspot', 'contacts') %}
            {{ json_text('record', 'properties', entry['field']) }} as {{ entry['field'] | lower }},
        {%- endfor %}
        is_deleted
    from source

)

select * from renamed
