import pytest

from connectors.errors import PaginationLoopError
from connectors.hubspot import HubSpotPaginator
from connectors.salesforce import SalesforcePaginator


def test_hubspot_paginator_follows_after_until_absent():
    pages = {None: {"results": [1], "paging": {"next": {"after": "a"}}},
             "a": {"results": [2], "paging": {"next": {"after": "b"}}},
             "b": {"results": [3]}}
    seen = [page["results"][0] for page in HubSpotPaginator().pages(pages.__getitem__)]
    assert seen == [1, 2, 3]


def test_paginator_refuses_a_cursor_it_has_seen():
    pages = {None: {"paging": {"next": {"after": "a"}}},
             "a": {"paging": {"next": {"after": "a"}}}}
    with pytest.raises(PaginationLoopError, match="twice"):
        list(HubSpotPaginator().pages(pages.__getitem__))


def test_salesforce_paginator_stops_when_done():
    pages = {None: {"done": False, "nextRecordsUrl": "/q/1-2", "records": [1, 2]},
             "/q/1-2": {"done": True, "nextRecordsUrl": "/q/1-4", "records": [3]}}
    got = [r for page in SalesforcePaginator().pages(pages.__getitem__) for r in page["records"]]
    assert got == [1, 2, 3]
