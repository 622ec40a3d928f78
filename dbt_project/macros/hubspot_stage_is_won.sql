{#- The one rule for a won HubSpot deal stage (rule_customer): the pipeline's stage metadata says
    the stage is closed with probability 1.0. `stages` is a relation alias of
    stg_hubspot__pipeline_stages; false where no stage matched. -#}
{% macro hubspot_stage_is_won(stages) -%}
    coalesce({{ stages }}.is_closed and {{ stages }}.probability = 1, false)
{%- endmacro %}
