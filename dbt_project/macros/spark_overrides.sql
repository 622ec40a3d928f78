{#- Spark versions of two dbt cross-database macros whose dbt-spark versions would change results
    (the root project's `spark__` macros take precedence over the adapter's):
    - listagg: dbt-spark ignores `order by` (collect_list has no order) and gives '' instead of
      null for a group without values;
    - dateadd: dbt-spark goes through unix seconds, dropping the milliseconds of sub-day steps. -#}

{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- set keys = [] -%}
    {%- if order_by_clause -%}
        {%- set clause = order_by_clause | trim -%}
        {%- if clause[:8] | lower != 'order by' -%}
            {{ exceptions.raise_compiler_error("listagg: order_by_clause must start with 'order by': " ~ clause) }}
        {%- endif -%}
        {%- for key in clause[8:].split(',') -%}
            {%- set key = key | trim -%}
            {%- if key.split() | length > 1 and (key.split() | last | lower) == 'desc' -%}
                {{ exceptions.raise_compiler_error("listagg on Spark: descending order is not supported: " ~ key) }}
            {%- elif key.split() | length > 1 and (key.split() | last | lower) == 'asc' -%}
                {%- set key = key.split()[:-1] | join(' ') -%}
            {%- endif -%}
            {%- do keys.append(key) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set sorted -%}
        array_sort(collect_list(case when ({{ measure }}) is not null then named_struct(
            {%- for key in keys %}'k{{ loop.index }}', {{ key }}, {% endfor %}'v', {{ measure }}
        ) end))
    {%- endset -%}
    {%- set values -%}
        transform({{ sorted }}, item -> item.v)
    {%- endset -%}
    {%- if limit_num -%}
        {%- set values -%}slice({{ values }}, 1, {{ limit_num }}){%- endset -%}
    {%- endif -%}
    case when size({{ sorted }}) > 0 then array_join({{ values }}, {{ delimiter_text }}) end
{%- endmacro %}

{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart | upper }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}

{#- cast: the contracts' data types (varchar, integer, numeric(p,s), as PostgreSQL and DuckDB name
    them) in Spark's names, so a contract is checked on Spark too (names and types of the columns;
    Spark does not enforce constraints on Parquet tables). -#}
{% macro spark__cast(field, type) -%}
    {%- set spark_type = type | trim -%}
    {%- set lowered = spark_type | lower -%}
    {%- if lowered in ('varchar', 'text', 'character varying') -%}
        {%- set spark_type = 'string' -%}
    {%- elif lowered == 'integer' -%}
        {%- set spark_type = 'int' -%}
    {%- elif lowered.startswith('numeric') -%}
        {%- set spark_type = 'decimal' ~ spark_type[7:] -%}
    {%- endif -%}
    cast({{ field }} as {{ spark_type }})
{%- endmacro %}
