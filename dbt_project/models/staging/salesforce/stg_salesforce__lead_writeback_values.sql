{#- The values of the Lead fields samepage writes back (vars.samepage_writeback), as last
    extracted: only rpt_writeback_plan reads them, never the definitions. -#}
with

source as (

    select * from {{ source('raw_salesforce', 'lead') }}

),

renamed as (

    select
        id as salesforce_lead_id,
        cast({{ json_text('record', 'IsConverted') }} as boolean) as is_converted,
        {%- for entry in writeback_fields('salesforce', 'Lead') %}
            {{ json_text('record', entry['field']) }} as {{ entry['field'] | lower }},
        {%- endfor %}
        is_deleted
    from source

)

select * from renamed
