"""A throwaway PostgreSQL database per test on the machine's server (127.0.0.1:5432)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
import pytest

SERVER_DSN = os.environ.get("SAMEPAGE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def _admin() -> Iterator[object]:
    con = psycopg2.connect(SERVER_DSN, connect_timeout=3)
    con.autocommit = True
    try:
        yield con
    finally:
        con.close()


@contextmanager
def temporary_database() -> Iterator[str]:
    """Create a fresh database, yield its DSN, drop it afterwards."""
    try:
        with _admin():
            pass
    except psycopg2.OperationalError as exc:
        message = (f"PostgreSQL is not reachable at {SERVER_DSN} ({exc}); start it, or set "
                   "SAMEPAGE_TEST_POSTGRES to a server where the test may create databases")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    name = f"samepage_test_{uuid.uuid4().hex[:12]}"
    with _admin() as con:
        con.cursor().execute(f'create database "{name}"')
    try:
        yield SERVER_DSN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with _admin() as con:
            con.cursor().execute(f'drop database if exists "{name}" with (force)')
