{#- A web domain as the accounts rule compares it: lower case, trimmed, without scheme
    (https://), path, query or port, a leading www. or trailing dot; null unless something.tld
    remains. Patterns use [.] rather than \. so every adapter reads them alike. -#}
{% macro normalize_domain(expression) -%}
    case
        when {{ _stripped_domain(expression) }} like '%_._%'
            then {{ _stripped_domain(expression) }}
    end
{%- endmacro %}

{% macro _stripped_domain(expression) -%}
    regexp_replace(
        regexp_replace(
            regexp_replace(
                regexp_replace(lower(trim({{ expression }})), '^[a-z][a-z0-9+.-]*://', ''),
                '[/?#:].*$', ''
            ),
            '^www[.]', ''
        ),
        '[.]+$', ''
    )
{%- endmacro %}
