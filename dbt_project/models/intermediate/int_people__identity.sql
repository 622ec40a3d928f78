{#- Which person each live record is. Records with the same key (normalized e-mail, or system:id)
    are one person; a converted record and the record it became (a Lead and its
    ConvertedContactId Contact) join their two keys.
    Keys linked by conversions form a graph whose connected components are people, found by
    label propagation: every key takes the smallest label among its neighbours, a few rounds
    (each round follows one more conversion link; real chains are one link long). -#}
{%- set propagation_rounds = 4 -%}
with

source_records as (

    select * from {{ ref('int_people__source_records') }}

),

conversion_links as (

    select
        converted.record_key as converted_key,
        became.record_key as became_key
    from source_records as converted
    inner join source_records as became
        on converted.converted_to_record_key = became.source_record_key
    where converted.record_key <> became.record_key

),

edges as (

    select
        converted_key as from_key,
        became_key as to_key
    from conversion_links

    union

    select
        became_key as from_key,
        converted_key as to_key
    from conversion_links

),

labels_0 as (

    select distinct
        record_key as node_key,
        record_key as person_key
    from source_records

),

{% for round in range(1, propagation_rounds + 1) %}
    labels_{{ round }} as (

        select
            labels.node_key,
            least(labels.person_key, coalesce(min(neighbours.person_key), labels.person_key))
                as person_key
        from labels_{{ round - 1 }} as labels
        left join edges
            on labels.node_key = edges.from_key
        left join labels_{{ round - 1 }} as neighbours
            on edges.to_key = neighbours.node_key
        group by labels.node_key, labels.person_key

    ),

{% endfor %}
identity as (

    select
        source_records.source_record_key,
        source_records.source_system,
        source_records.source_record_id,
        labels.person_key,
        {{ dbt.hash('labels.person_key') }} as person_id
    from source_records
    inner join labels_{{ propagation_rounds }} as labels
        on source_records.record_key = labels.node_key

)

select * from identity
