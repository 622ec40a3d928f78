{#- The agreed identity key: lower(trim(email)); null when it is not a plausible address
    (one '@', something before it, a dot after it, no spaces inside). -#}
{% macro normalize_email(expression) -%}
    case
        when lower(trim({{ expression }})) like '%_@_%._%'
            and lower(trim({{ expression }})) not like '%@%@%'
            and lower(trim({{ expression }})) not like '% %'
            then lower(trim({{ expression }}))
    end
{%- endmacro %}

{#- The domain of a normalized e-mail (text after the '@'). -#}
{% macro email_domain(expression) -%}
    {{ dbt.split_part(expression, "'@'", 2) }}
{%- endmacro %}
