"""A local imitation of the HubSpot and Salesforce APIs over a generated company.

The sandbox is the harness of the demo, the tests and the benchmarks. It knows nothing of
the pipelines or the connectors that talk to it.
"""
