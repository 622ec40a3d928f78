{#- Epoch milliseconds (HubSpot's legacy APIs) as a UTC timestamp without time zone. -#}
{% macro epoch_ms_to_timestamp(expression) -%}
    {{ return(adapter.dispatch('epoch_ms_to_timestamp', 'samepage')(expression)) }}
{%- endmacro %}

{% macro default__epoch_ms_to_timestamp(expression) -%}
    (to_timestamp(cast({{ expression }} as bigint) / 1000.0) at time zone 'UTC')
{%- endmacro %}

{% macro duckdb__epoch_ms_to_timestamp(expression) -%}
    epoch_ms(cast({{ expression }} as bigint))
{%- endmacro %}

{% macro spark__epoch_ms_to_timestamp(expression) -%}
    timestamp_millis(cast({{ expression }} as bigint))
{%- endmacro %}
