"""PostgreSQL as the warehouse: a BI role that reads the marts and nothing else."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest

from pipelines.streams import HUBSPOT_CONTACTS
from pipelines.warehouse import PostgresWarehouse
from tests.postgres import temporary_database


def as_role(dsn: str, role: str, sql: str):
    con = psycopg2.connect(dsn.replace("postgres@", f"{role}@", 1))
    try:
        cursor = con.cursor()
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        con.close()


def test_bi_role_reads_marts_even_after_rebuilds_and_nothing_else():
    role = f"samepage_bi_{uuid.uuid4().hex[:8]}"
    with temporary_database() as dsn:
        warehouse = PostgresWarehouse(dsn)
        warehouse.load(HUBSPOT_CONTACTS, [{"id": "1", "properties": {}, "archived": False,
                                           "updatedAt": "2025-01-01T00:00:00Z"},
                                          {"no": "id"}], run_id="r1")
        with warehouse.connect() as con:
            con.cursor().execute("create schema marts; "
                                 "create table marts.dim_people as select 1 as person_id")
            con.commit()
        result = subprocess.run(
            [str(Path(sys.executable).parent / "samepage"), "grant-bi", role],
            env={**os.environ, "SAMEPAGE_WAREHOUSE": dsn}, capture_output=True, text=True,
            timeout=60)
        try:
            assert result.returncode == 0, result.stderr
            assert as_role(dsn, role, "select person_id from marts.dim_people") == [(1,)]
            # dbt drops and re-creates mart tables on every build
            with warehouse.connect() as con:
                con.cursor().execute("drop table marts.dim_people; "
                                     "create table marts.dim_people as select 2 as person_id")
                con.commit()
            assert as_role(dsn, role, "select person_id from marts.dim_people") == [(2,)]
            for table in ("raw_hubspot.contacts", "raw_meta.quarantine", "raw_meta.sync_state"):
                with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                    as_role(dsn, role, f"select * from {table}")
        finally:
            with warehouse.connect() as con:
                con.cursor().execute(f"drop owned by {role}")
                con.commit()
    admin = psycopg2.connect(dsn.rsplit("/", 1)[0] + "/test")
    admin.autocommit = True
    admin.cursor().execute(f"drop role if exists {role}")
    admin.close()


def test_grant_bi_refuses_a_duckdb_warehouse(tmp_path):
    result = subprocess.run([str(Path(sys.executable).parent / "samepage"), "grant-bi", "bi"],
                            env={**os.environ, "SAMEPAGE_WAREHOUSE": str(tmp_path / "w.duckdb")},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "needs SAMEPAGE_WAREHOUSE=postgresql://" in result.stderr
