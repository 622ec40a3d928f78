{#- The agreed identity key: lower(trim(email)); null when it is not a plausible address. -#}
{% macro normalize_email(expression) -%}
    case
        when lower(trim({{ expression }})) like '%_@_%._%'
            then lower(trim({{ expression }}))
    end
{%- endmacro %}
