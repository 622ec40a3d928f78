"""Plain-Python API clients for the sources samepage reads. No Dagster, no warehouse.

One client per API (``HubSpotClient``, ``SalesforceClient``); every read is a generator of records
exactly as the API returns them, page by page. Clients keep no state between runs: the caller
passes ``since`` in and commits the position a read returns (its generator value, captured by
``cursors.Checkpointed``) together with the records. Transport policy — timeouts, retries with
jittered back-off, rate limits, quota guards, redaction — lives in ``session.build_session``.
"""
