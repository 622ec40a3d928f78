{#- Values written back into the tools, as canonical text: the plan compares what samepage would
    write with what was last extracted, both in this form, so an unchanged value is no write.
    A time is ISO 8601 UTC with milliseconds (2026-01-02T03:04:05.678Z): HubSpot datetime
    properties and Salesforce DateTime fields both take it. -#}
{% macro writeback_time_text(expression) -%}
    {{ return(adapter.dispatch('writeback_time_text', 'samepage')(expression)) }}
{%- endmacro %}

{% macro default__writeback_time_text(expression) -%}
    to_char({{ expression }}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
{%- endmacro %}

{% macro duckdb__writeback_time_text(expression) -%}
    strftime({{ expression }}, '%Y-%m-%dT%H:%M:%S.%gZ')
{%- endmacro %}

{% macro spark__writeback_time_text(expression) -%}
    date_format({{ expression }}, "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
{%- endmacro %}

{#- A time as a tool returns it (HubSpot: ISO text or epoch milliseconds; Salesforce:
    2026-01-02T03:04:05.000+0000) in the canonical form; blank text is no value. -#}
{% macro writeback_extracted_time_text(expression) -%}
    case
        when nullif(trim({{ expression }}), '') is null then null
        when trim({{ expression }}) not like '%-%'
            then {{ writeback_time_text(epoch_ms_to_timestamp('trim(' ~ expression ~ ')')) }}
        else {{ writeback_time_text(to_utc_timestamp(expression)) }}
    end
{%- endmacro %}

{#- The agreed-answer columns samepage can write (the `column` of vars.samepage_writeback). -#}
{% macro writeback_columns() -%}
    {{ return(['agreed_stage', 'mql_at', 'sal_at', 'sql_at', 'sla_status', 'sla_due_at',
               'rejection_reason', 'rejected_at', 'person_id', 'definitions_version']) }}
{%- endmacro %}

{#- The entries of vars.samepage_writeback for one tool and object. -#}
{% macro writeback_fields(tool, object_type) -%}
    {%- set fields = [] -%}
    {%- for entry in var('samepage_writeback', []) -%}
        {%- if entry['column'] not in writeback_columns() -%}
            {{ exceptions.raise_compiler_error(
                "samepage_writeback: unknown column '" ~ entry['column'] ~ "' (known: "
                ~ writeback_columns() | join(', ') ~ ")") }}
        {%- endif -%}
        {%- if entry['tool'] == tool and entry['object'] == object_type -%}
            {%- do fields.append(entry) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(fields) }}
{%- endmacro %}
