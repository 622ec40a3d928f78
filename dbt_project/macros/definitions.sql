{#- The agreed definitions live in one place: `vars.samepage_definitions` in dbt_project.yml.
    definition('mql_score_threshold') is the value in force for this run: a `--vars` override of
    the same name wins over the file, so a test (or a what-if) can change one value. -#}
{% macro definition(name) -%}
    {%- set catalog = var('samepage_definitions') -%}
    {%- if name not in catalog -%}
        {{ exceptions.raise_compiler_error("unknown definition '" ~ name ~ "' (see vars.samepage_definitions)") }}
    {%- endif -%}
    {%- set agreed = catalog[name]['value'] -%}
    {%- set value = var(name, agreed) -%}
    {#- A plain `dbt --vars` override is not checked against definitions.schema.json (samepage
        what-if and the nightly are): at least refuse one of another kind than the file's value,
        here, naming it, rather than deep in a model as a cast error. -#}
    {%- if _definition_kind(value) != _definition_kind(agreed) -%}
        {{ exceptions.raise_compiler_error(
            "definition " ~ name ~ " = " ~ tojson(value) ~ " is " ~ _definition_kind(value)
            ~ ", not " ~ _definition_kind(agreed) ~ " like the agreed value " ~ tojson(agreed)
            ~ " (what is allowed: dbt_project/definitions.schema.json; `samepage what-if` checks it)") }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{% macro _definition_kind(value) -%}
    {%- if value is none -%}{{ return('null') }}
    {%- elif value is boolean -%}{{ return('true or false') }}
    {%- elif value is number -%}{{ return('a number') }}
    {%- elif value is string -%}{{ return('text') }}
    {%- elif value is mapping -%}{{ return('a mapping') }}
    {%- else -%}{{ return('a list') }}
    {%- endif -%}
{%- endmacro %}

{#- A definition as a SQL literal: numbers as numbers, text quoted, lists as `('a', 'b')` (quotes
    escaped the adapter's way: '' in PostgreSQL and DuckDB, \' in Spark). -#}
{% macro definition_sql(name) -%}
    {%- set value = definition(name) -%}
    {%- if value is string -%}
        '{{ dbt.escape_single_quotes(value) }}'
    {%- elif value is sequence -%}
        ({% for item in value %}'{{ dbt.escape_single_quotes(item) }}'{% if not loop.last %}, {% endif %}{% endfor %})
    {%- else -%}
        {{ value }}
    {%- endif -%}
{%- endmacro %}

{#- The value as readable text for dim_definitions (lists joined with ', '). -#}
{% macro definition_text(name) -%}
    {%- set value = definition(name) -%}
    {%- if value is none -%}
        {{ return(none) }}
    {%- elif value is string -%}
        {{ return(value) }}
    {%- elif value is sequence -%}
        {{ return(value | join(', ')) }}
    {%- else -%}
        {{ return(value | string) }}
    {%- endif -%}
{%- endmacro %}

{#- A timestamp's calendar date in the agreed reporting time zone (inputs are UTC). -#}
{% macro to_reporting_date(expression) -%}
    {{ return(adapter.dispatch('to_reporting_date', 'samepage')(expression)) }}
{%- endmacro %}

{% macro default__to_reporting_date(expression) -%}
    cast((({{ expression }}) at time zone 'UTC') at time zone {{ definition_sql('reporting_timezone') }} as date)
{%- endmacro %}

{#- Spark timestamps are instants (shown in the session time zone, UTC in the `spark` target). -#}
{% macro spark__to_reporting_date(expression) -%}
    cast(from_utc_timestamp({{ expression }}, {{ definition_sql('reporting_timezone') }}) as date)
{%- endmacro %}

{#- The "as of" moment, UTC: the var `as_of` (ISO text, for a what-if), else the environment's
    SAMEPAGE_AS_OF (a replayed night, or a sandbox world's clock), else now. The nightly passes an
    environment variable, not --vars: changed vars make dbt re-parse the whole project (~5 s).
    The variable is read only when executing: an env_var() read while parsing is recorded, and a
    new value each night would make dbt re-parse every model using this macro. -#}
{% macro as_of_timestamp() -%}
    {%- set as_of = var('as_of', none) or (env_var('SAMEPAGE_AS_OF', '') if execute else '') -%}
    {%- if as_of -%}
        {{ to_utc_timestamp("'" ~ as_of ~ "'") }}
    {%- else -%}
        {{ to_utc_timestamp(dbt.current_timestamp()) }}
    {%- endif -%}
{%- endmacro %}
