"""samepage's Dagster code location: ingestion assets, the dbt project, jobs and schedules."""
