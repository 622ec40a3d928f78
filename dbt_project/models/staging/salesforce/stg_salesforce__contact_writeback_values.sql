{#- The values of the Contact fields samepage writes back (vars.samepage_writeback), as last
    extracted: only rpt_writeback_plan reads them, never the definitions. -#}
with

source as (

    select * from {{ source('raw_salesforce', 'contact') }}

),

renamed as (

    select
        id as salesforce_contact_id,
        {%- for entry in writeback_fields('salesforce', 'Contact') %}
            {{ json_text('record', entry['field']) }} as {{ entry['field'] | lower }},
        {%- endfor %}
        is_deleted
    from source

)

select * from renamed
