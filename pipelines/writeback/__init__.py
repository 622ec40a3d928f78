"""Writing the agreed answers back into HubSpot and Salesforce (issue 14).

dbt computes what to write (``marts.rpt_writeback_plan``); this package checks the fields exist,
applies the plan through the connector clients, logs every write in ``raw_meta.writeback_log``
and reverts a run from that log. No Dagster here: ``pipelines/defs/writeback.py`` wraps it.
"""
