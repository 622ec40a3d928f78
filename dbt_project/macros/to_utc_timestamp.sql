{#- An ISO-8601 text with an offset (HubSpot `...Z`, Salesforce `...+0000`) as a UTC timestamp
    without time zone: every `<event>_at` column in samepage is UTC. -#}
{% macro to_utc_timestamp(expression) -%}
    {{ return(adapter.dispatch('to_utc_timestamp', 'samepage')(expression)) }}
{%- endmacro %}

{% macro default__to_utc_timestamp(expression) -%}
    (cast({{ expression }} as timestamptz) at time zone 'UTC')
{%- endmacro %}
