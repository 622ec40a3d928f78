{#- The long table of everything that can move a person through the funnel: the lifecycle
    evidence of every enabled source, one row per event on one source record, with its evidence.
    It knows nothing of the definitions (no threshold, no person): stages are chosen from it
    downstream, so a definition change needs no rebuild. A view: each source's evidence is an
    incremental table of its own (int_<source>__lifecycle_evidence). Its columns are the
    lifecycle_evidence contract's (hence AM04 off: sqlfluff cannot see through the union). -#}
{{ config(materialized='view') }}

with

events as (

    {{ conformed_union('lifecycle_evidence') }}

)

select * from events -- noqa: AM04
