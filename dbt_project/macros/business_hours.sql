{#- Working hours and time zones for the handoff SLA in business hours (definitions
    business_hours, default_time_zone, sla_clock; rule_business_hours). Stored times are UTC
    timestamps without a zone; these macros convert them to and from an owner's local time. -#}

{#- A UTC timestamp as the wall-clock time in the IANA zone `zone` (an expression). -#}
{% macro to_local_timestamp(expression, zone) -%}
    {{ return(adapter.dispatch('to_local_timestamp', 'samepage')(expression, zone)) }}
{%- endmacro %}

{#- PostgreSQL, and DuckDB with its built-in ICU extension: `ts at time zone 'UTC'` makes the
    instant, `at time zone zone` its local time there. -#}
{% macro default__to_local_timestamp(expression, zone) -%}
    cast((({{ expression }}) at time zone 'UTC') at time zone ({{ zone }}) as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro spark__to_local_timestamp(expression, zone) -%}
    from_utc_timestamp({{ expression }}, {{ zone }})
{%- endmacro %}

{#- A wall-clock time in the IANA zone `zone` as the UTC timestamp of that instant. -#}
{% macro local_to_utc_timestamp(expression, zone) -%}
    {{ return(adapter.dispatch('local_to_utc_timestamp', 'samepage')(expression, zone)) }}
{%- endmacro %}

{% macro default__local_to_utc_timestamp(expression, zone) -%}
    cast((({{ expression }}) at time zone ({{ zone }})) at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro spark__local_to_utc_timestamp(expression, zone) -%}
    to_utc_timestamp({{ expression }}, {{ zone }})
{%- endmacro %}

{#- ISO day of the week of a date: 1 Monday .. 7 Sunday. -#}
{% macro iso_day_of_week(expression) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'samepage')(expression)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(expression) -%}
    cast(extract(isodow from {{ expression }}) as {{ dbt.type_int() }})
{%- endmacro %}

{% macro spark__iso_day_of_week(expression) -%}
    ((dayofweek({{ expression }}) + 5) % 7 + 1)
{%- endmacro %}

{#- The business_hours definition checked and as numbers: the ISO days worked (1 Monday .. 7
    Sunday) and the start and end of a working day in minutes after local midnight. -#}
{% macro business_hours_setting() -%}
    {%- set setting = definition('business_hours') -%}
    {%- set iso_days = {'mon': 1, 'tue': 2, 'wed': 3, 'thu': 4, 'fri': 5, 'sat': 6, 'sun': 7} -%}
    {%- set days = [] -%}
    {%- for day in setting.get('days', []) -%}
        {%- if day not in iso_days -%}
            {{ exceptions.raise_compiler_error("business_hours.days: '" ~ day ~ "' is not one of mon, tue, wed, thu, fri, sat, sun") }}
        {%- endif -%}
        {%- do days.append(iso_days[day]) -%}
    {%- endfor -%}
    {%- if not days -%}
        {{ exceptions.raise_compiler_error("business_hours.days names no working day") }}
    {%- endif -%}
    {%- set hours = setting.get('hours', []) -%}
    {%- if hours is string or hours | length != 2 -%}
        {{ exceptions.raise_compiler_error("business_hours.hours must be [start, end], such as ['09:00', '17:00']") }}
    {%- endif -%}
    {%- set minutes = {} -%}
    {%- for bound, text in [('start', hours[0] | string), ('end', hours[1] | string)] -%}
        {%- set parts = text.split(':') -%}
        {%- if parts | length != 2 or not parts[0].isdigit() or not parts[1].isdigit()
              or parts[0] | int > 24 or parts[1] | int > 59 -%}
            {{ exceptions.raise_compiler_error("business_hours.hours " ~ bound ~ ": '" ~ text ~ "' is not a time HH:MM") }}
        {%- endif -%}
        {%- do minutes.update({bound: parts[0] | int * 60 + parts[1] | int}) -%}
    {%- endfor -%}
    {%- if minutes['end'] <= minutes['start'] or minutes['end'] > 24 * 60 -%}
        {{ exceptions.raise_compiler_error("business_hours.hours: end " ~ hours[1] ~ " must come after start " ~ hours[0] ~ " on the same day") }}
    {%- endif -%}
    {{ return({'days': days | unique | sort | list, 'start_minute': minutes['start'],
               'end_minute': minutes['end']}) }}
{%- endmacro %}
