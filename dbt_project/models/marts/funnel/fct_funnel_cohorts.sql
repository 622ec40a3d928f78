{#- The cohort waterfall (rule_funnel_cohorts): one row per cohort (people who became a lead, or
    an MQL, in a reporting month) x segment x window (cohort_windows_days, then ever): how many of
    the cohort reached each later stage within the window of their own entry, as of the run. A
    window the cohort has not fully lived through yet is null, not a low count. -#}
{%- set windows = definition('cohort_windows_days') -%}
{#- every stage after the lead, rejected last (the side exit after the MQL) -#}
{%- set all_later = funnel_stages()[1:] + ['rejected'] -%}
with

people as (

    select * from {{ ref('dim_people') }}

),

as_of as (

    select
        {{ as_of_timestamp() }} as as_of_at,
        {{ to_reporting_date(as_of_timestamp()) }} as as_of_date

),

entries as (

    select
        person_id,
        'lead' as cohort_type,
        lead_at as entered_at,
        original_source,
        mql_at,
        sal_at,
        sql_at,
        opportunity_at,
        customer_at,
        rejected_at
    from people
    where lead_at is not null

    union all

    select
        person_id,
        'mql' as cohort_type,
        mql_at as entered_at,
        original_source,
        -- the MQL is this cohort's entry, not a later stage
        cast(null as {{ dbt.type_timestamp() }}) as mql_at,
        sal_at,
        sql_at,
        opportunity_at,
        customer_at,
        rejected_at
    from people
    where mql_at is not null

),

members as (

    -- days from the entry to each later stage; null when not reached at or after the entry by
    -- the as-of moment (a stage reached before the entry is not progress of this cohort)
    select
        entries.person_id,
        entries.cohort_type,
        cast({{ dbt.date_trunc('month', to_reporting_date('entries.entered_at')) }} as date)
            as cohort_month,
        coalesce(entries.original_source, 'unknown') as lead_source,
        {% for stage in all_later -%}
            case
                when entries.{{ stage }}_at between entries.entered_at and as_of.as_of_at
                    then {{ funnel_days_between('entries.entered_at', 'entries.' ~ stage ~ '_at') }}
            end as days_to_{{ stage }},
        {% endfor -%}
        entries.entered_at
    from entries
    cross join as_of
    where entries.entered_at <= as_of.as_of_at

),

source_counts as (

    select
        cohort_type,
        cohort_month,
        lead_source,
        {% for stage in all_later -%}
            {% for window in windows -%}
                sum(case when days_to_{{ stage }} <= {{ window }} then 1 else 0 end)
                    as {{ stage }}_within_{{ window }},
            {% endfor -%}
            count(days_to_{{ stage }}) as {{ stage }}_ever,
        {% endfor -%}
        count(*) as cohort_size
    from members
    group by cohort_type, cohort_month, lead_source

),

segment_counts as (

    select
        cohort_type,
        cohort_month,
        'all' as segment_type,
        'all' as segment,
        {% for stage in all_later -%}
            {% for window in windows -%}
                sum({{ stage }}_within_{{ window }}) as {{ stage }}_within_{{ window }},
            {% endfor -%}
            sum({{ stage }}_ever) as {{ stage }}_ever,
        {% endfor -%}
        sum(cohort_size) as cohort_size
    from source_counts
    group by cohort_type, cohort_month

    union all

    select
        cohort_type,
        cohort_month,
        'lead_source' as segment_type,
        lead_source as segment,
        {% for stage in all_later -%}
            {% for window in windows -%}
                {{ stage }}_within_{{ window }},
            {% endfor -%}
            {{ stage }}_ever,
        {% endfor -%}
        cohort_size
    from source_counts

),

waterfall as (

    -- one row per window (cohort_windows_days, then ever), the stages side by side
    {% for window in windows + [none] %}
        select
            cohort_type,
            cohort_month,
            segment_type,
            segment,
            '{{ "ever" if window is none else "within_" ~ window ~ "_days" }}' as window_name,
            {{ 'cast(null as integer)' if window is none else window }} as window_days,
            {% for stage in all_later -%}
                {{ stage }}_{{ 'ever' if window is none else 'within_' ~ window }}
                    as {{ stage }}_count,
            {% endfor -%}
            cohort_size
        from segment_counts
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

windows_closing as (

    -- a window is lived through when the cohort month's last day plus the window is before the
    -- as-of date (ever never is: it can still grow)
    select
        waterfall.*,
        as_of.as_of_date,
        {{ dbt.dateadd(
            'day', 'waterfall.window_days', dbt.dateadd('month', 1, 'waterfall.cohort_month')
        ) }} <= as_of.as_of_date as is_window_lived_through
    from waterfall
    cross join as_of

),

final as (

    select
        {{ dbt.concat([
            'cohort_type', "'|'", dbt.cast('cohort_month', dbt.type_string()), "'|'",
            'segment_type', "'|'", 'segment', "'|'", 'window_name'
        ]) }} as funnel_cohort_id,
        cohort_type,
        cohort_month,
        segment_type,
        segment,
        window_name,
        window_days,
        cast(cohort_size as {{ dbt.type_bigint() }}) as cohort_size,
        {{ dbt.datediff('cohort_month', 'as_of_date', 'day') }} as cohort_age_days, -- noqa: LT05
        {% for stage in all_later -%}
            case
                {%- if stage == 'mql' %}
                    -- the MQL is the mql cohort's entry, not a later stage
                    when cohort_type = 'mql' then null
                {%- endif %}
                when window_days is null or is_window_lived_through
                    then cast({{ stage }}_count as {{ dbt.type_bigint() }})
            end as reached_{{ stage }},
        {% endfor -%}
        coalesce(is_window_lived_through, false) as is_window_complete
    from windows_closing

)

select * from final
