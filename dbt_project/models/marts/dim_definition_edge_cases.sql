{#- The edge questions each agreed definition answers (`edge_cases` in the definitions file):
    the question, the answer (a phrase of the definition's description) and the dbt unit test
    that pins it, so a reader can find the proof of every answer. -#}
{%- set catalog = var('samepage_definitions') -%}
{%- set cases = [] -%}
{%- for name, entry in catalog.items() -%}
    {%- for case in entry.get('edge_cases', []) -%}
        {%- do cases.append((name, case)) -%}
    {%- endfor -%}
{%- endfor -%}
with

edge_cases as (

    {% for name, case in cases %}
        select
            '{{ name }}:{{ case["unit_test"] }}' as definition_edge_case_id,
            '{{ name }}' as definition_name,
            '{{ dbt.escape_single_quotes(case["question"] | trim) }}' as question,
            '{{ dbt.escape_single_quotes(case["answer"] | trim) }}' as answer,
            '{{ case["unit_test"] }}' as unit_test_name
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from edge_cases
