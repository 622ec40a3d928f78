{#- Stage velocity (rule_stage_velocity): one row per pair of consecutive agreed stages x period
    (month or week of the earlier stage) x segment: people entering the earlier stage, those who
    had the chance to convert (their earlier stage at least velocity_censoring_days before the
    as-of moment), those who reached the later stage within that many days, and the days between
    (median, p75, p90, mean) over them. -#}
{%- set censoring_days = definition('velocity_censoring_days') -%}
{%- set stages = funnel_stages() -%}
{%- set grains = ['month', 'week'] -%}
with

people as (

    select * from {{ ref('dim_people') }}

),

as_of as (

    select {{ as_of_timestamp() }} as as_of_at

),

transitions as (

    -- one row per person and pair whose earlier stage they reached by the as-of moment
    {% for from_stage in stages[:-1] %}
        {%- set to_stage = stages[loop.index] %}
        select
            people.person_id,
            {{ loop.index }} as pair_order,
            '{{ from_stage }}' as from_stage,
            '{{ to_stage }}' as to_stage,
            coalesce(people.original_source, 'unknown') as lead_source,
            people.{{ from_stage }}_at as from_at,
            case
                when people.{{ to_stage }}_at between people.{{ from_stage }}_at and as_of.as_of_at
                    then {{ funnel_days_between(
                        'people.' ~ from_stage ~ '_at', 'people.' ~ to_stage ~ '_at'
                    ) }}
            end as days_to_convert,
            -- the earlier stage at least velocity_censoring_days before the as-of moment
            {{ dbt.dateadd('day', censoring_days, 'people.' ~ from_stage ~ '_at') }}
            <= as_of.as_of_at as had_the_chance
        from people
        cross join as_of
        where people.{{ from_stage }}_at <= as_of.as_of_at
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

periods as (

    select
        person_id,
        pair_order,
        from_stage,
        to_stage,
        lead_source,
        {%- for grain in grains %}
            cast({{ dbt.date_trunc(grain, to_reporting_date('from_at')) }} as date)
                as {{ grain }}_start,
        {%- endfor %}
        days_to_convert,
        had_the_chance,
        had_the_chance and days_to_convert <= {{ censoring_days }} as is_converted
    from transitions

),

source_counts as (

    {% for grain in grains %}
        select
            pair_order,
            from_stage,
            to_stage,
            '{{ grain }}' as period_grain,
            {{ grain }}_start as period_start,
            lead_source,
            count(*) as people_entered,
            sum(case when had_the_chance then 1 else 0 end) as people_with_chance,
            sum(case when is_converted then 1 else 0 end) as people_converted,
            count(days_to_convert) as people_converted_to_date,
            sum(case when is_converted then days_to_convert end) as converted_days_total
        from periods
        group by pair_order, from_stage, to_stage, {{ grain }}_start, lead_source
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

segment_counts as (

    select
        pair_order,
        from_stage,
        to_stage,
        period_grain,
        period_start,
        'all' as segment_type,
        'all' as segment,
        sum(people_entered) as people_entered,
        sum(people_with_chance) as people_with_chance,
        sum(people_converted) as people_converted,
        sum(people_converted_to_date) as people_converted_to_date,
        sum(converted_days_total) as converted_days_total
    from source_counts
    group by pair_order, from_stage, to_stage, period_grain, period_start

    union all

    select
        pair_order,
        from_stage,
        to_stage,
        period_grain,
        period_start,
        'lead_source' as segment_type,
        lead_source as segment,
        people_entered,
        people_with_chance,
        people_converted,
        people_converted_to_date,
        converted_days_total
    from source_counts

),

conversions as (

    select * from periods
    where is_converted

),

percentiles as (

    -- percentiles do not add up across segments: each segment from the conversions themselves
    {% for grain in grains %}
        {%- set grain_loop = loop %}
        {%- for segment_type, segment in [('all', "'all'"), ('lead_source', 'lead_source')] %}
            select
                from_stage,
                '{{ grain }}' as period_grain,
                {{ grain }}_start as period_start,
                '{{ segment_type }}' as segment_type,
                {{ segment }} as segment,
                {{ percentile_cont('days_to_convert', 0.5) }} as days_median,
                {{ percentile_cont('days_to_convert', 0.75) }} as days_p75,
                {{ percentile_cont('days_to_convert', 0.9) }} as days_p90
            from conversions
            group by from_stage, {{ grain }}_start{{ ', lead_source' if segment_type != 'all' }}
            {% if not (grain_loop.last and loop.last) %}union all{% endif %}
        {%- endfor %}
    {% endfor %}

),

final as (

    select
        {{ dbt.concat([
            'segment_counts.from_stage', "'>'", 'segment_counts.to_stage', "'|'",
            'segment_counts.period_grain', "'|'",
            dbt.cast('segment_counts.period_start', dbt.type_string()), "'|'",
            'segment_counts.segment_type', "'|'", 'segment_counts.segment'
        ]) }} as stage_velocity_id,
        segment_counts.pair_order,
        segment_counts.from_stage,
        segment_counts.to_stage,
        segment_counts.period_grain,
        segment_counts.period_start,
        segment_counts.segment_type,
        segment_counts.segment,
        {% for count in [
            'people_entered', 'people_with_chance', 'people_converted', 'people_converted_to_date'
        ] -%}
            cast(segment_counts.{{ count }} as {{ dbt.type_bigint() }}) as {{ count }},
        {% endfor -%}
        cast({{ safe_divide(
            'segment_counts.people_converted', 'segment_counts.people_with_chance'
        ) }} as {{ dbt.type_numeric() }}) as conversion_rate,
        cast(percentiles.days_median as {{ dbt.type_numeric() }}) as days_median,
        cast(percentiles.days_p75 as {{ dbt.type_numeric() }}) as days_p75,
        cast(percentiles.days_p90 as {{ dbt.type_numeric() }}) as days_p90,
        cast({{ safe_divide(
            'segment_counts.converted_days_total', 'segment_counts.people_converted'
        ) }} as {{ dbt.type_numeric() }}) as days_mean
    from segment_counts
    left join percentiles
        on
            segment_counts.from_stage = percentiles.from_stage
            and segment_counts.period_grain = percentiles.period_grain
            and segment_counts.period_start = percentiles.period_start
            and segment_counts.segment_type = percentiles.segment_type
            and segment_counts.segment = percentiles.segment

)

select * from final
