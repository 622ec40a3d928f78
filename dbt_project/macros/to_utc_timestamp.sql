{#- An ISO-8601 text with an offset (HubSpot `...Z`, Salesforce `...+0000`) as a UTC timestamp
    without time zone: every `<event>_at` column in samepage is UTC. -#}
{% macro to_utc_timestamp(expression) -%}
    {{ return(adapter.dispatch('to_utc_timestamp', 'samepage')(expression)) }}
{%- endmacro %}

{% macro default__to_utc_timestamp(expression) -%}
    (cast({{ expression }} as timestamptz) at time zone 'UTC')
{%- endmacro %}

{#- Spark (session time zone UTC in the `spark` target): the cast reads the offset, `Z` and
    `+0000` alike, and gives the instant. -#}
{% macro spark__to_utc_timestamp(expression) -%}
    cast({{ expression }} as timestamp)
{%- endmacro %}
