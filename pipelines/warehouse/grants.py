"""A read-only role for BI tools on PostgreSQL: the marts and nothing else."""

from __future__ import annotations

import re

from pipelines.warehouse.postgres import PostgresWarehouse

BI_SCHEMA = "marts"
_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_bi_read(warehouse: PostgresWarehouse, role: str) -> None:
    """Let ``role`` read every table in ``marts``, now and after each rebuild, and nothing else.

    The default privileges cover tables dbt re-creates later, provided dbt connects as the same
    user that runs this. Other schemas are never granted; PUBLIC's default access to them is
    revoked so the role cannot inherit it.
    """
    if not _ROLE.match(role):
        raise ValueError(f"not a plain lower-case role name: {role!r}")
    with warehouse.connect() as con:
        cursor = con.cursor()
        cursor.execute("select 1 from pg_roles where rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(f"create role {role} login")
        cursor.execute(f"create schema if not exists {BI_SCHEMA}")
        cursor.execute(f"grant usage on schema {BI_SCHEMA} to {role}")
        cursor.execute(f"grant select on all tables in schema {BI_SCHEMA} to {role}")
        cursor.execute(f"alter default privileges in schema {BI_SCHEMA} "
                       f"grant select on tables to {role}")
        cursor.execute("select nspname from pg_namespace where nspname <> %s "
                       "and nspname not like 'pg\\_%%' and nspname <> 'information_schema'",
                       [BI_SCHEMA])
        for (schema,) in cursor.fetchall():
            cursor.execute(f'revoke all on schema "{schema}" from public')
            cursor.execute(f'revoke all on schema "{schema}" from {role}')
        con.commit()
