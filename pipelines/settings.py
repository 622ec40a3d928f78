"""Every documented environment variable (README, "Configuration"), parsed and checked here.

Resources, schedules and the command line read their settings through this module, so a bad
value fails at once, when the code location loads or the command starts, with a message that
names the variable, instead of a run later failing deep inside a library. An empty variable counts
as unset. Secrets are not read here: resources take them as ``dg.EnvVar``.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The validator Dagster applies to every schedule: a cron accepted here is one Dagster runs.
from dagster._utils.schedules import is_valid_cron_string

from connectors.hubspot import (
    DEFAULT_API_BASE,
    DEFAULT_RATE_LIMIT,
    DEFAULT_SEARCH_LOOKBACK_SECONDS,
    SEARCH_RATE_LIMIT,
)
from connectors.salesforce import DEFAULT_API_VERSION, DEFAULT_BULK_THRESHOLD, DEFAULT_LOGIN_URL
from pipelines.paths import DEFAULT_WAREHOUSE, REPO_ROOT
from pipelines.publishing import default_published_path

DUCKDB_SUFFIX = ".duckdb"
POSTGRES_SCHEMES = ("postgresql", "postgres")
WAREHOUSE_FORMS = (f"a DuckDB file path ending in {DUCKDB_SUFFIX} (relative paths are taken from "
                   "the repository root) or postgresql://USER@HOST:PORT/DB")
DEFAULT_UI_URL = "http://127.0.0.1:3000"
DEFAULT_DIGEST_DIR = REPO_ROOT / "data" / "digest"
DEFAULT_NIGHTLY_CRON = "0 2 * * *"
# Monday 07:00, after Monday's nightly run (02:00) has built the week's last day
DEFAULT_DIGEST_CRON = "0 7 * * 1"
DUCKDB_POOL = "duckdb_warehouse"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class SettingsError(ValueError):
    """A documented variable holds a value samepage cannot use; the message starts with its name."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable} {problem}")
        self.variable = variable


def _value(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


def _url(environ: Mapping[str, str], name: str, default: str) -> str:
    value = _value(environ, name) or default
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(name, f"must be an http(s) URL such as {default}, not {value!r}")
    return value.rstrip("/")


def _positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    value = _value(environ, name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise SettingsError(name, f"must be a whole number of calls, 1 or more, not {value!r}")
    return number


def _seconds(environ: Mapping[str, str], name: str, default: int) -> int:
    value = _value(environ, name)
    if value is None:
        return default
    if not value.isdigit():
        raise SettingsError(name, f"must be a whole number of seconds, 0 or more, not {value!r}")
    return int(value)


def _cron(environ: Mapping[str, str], name: str, default: str) -> str:
    value = _value(environ, name) or default
    if not is_valid_cron_string(value):
        raise SettingsError(name, f"must be a five-field cron expression such as {default!r}, "
                                  f"not {value!r}")
    return value


def _duckdb_file(name: str, value: str, must_differ_from: Path | None = None) -> Path:
    """A DuckDB file samepage can create or write: no other form, no directory, no URL."""
    if _SCHEME.match(value):
        # `mysql://...`, `md:...` (MotherDuck), `s3://...`: DuckDB would read these as a path,
        # or go to the network for an extension.
        raise SettingsError(name, f"must be {WAREHOUSE_FORMS}; {_redacted(value)!r} is neither")
    path = Path(value).expanduser()
    path = path if path.is_absolute() else REPO_ROOT / path
    if path.is_dir():
        raise SettingsError(name, f"names a directory ({path}); it must be {WAREHOUSE_FORMS}")
    if path.suffix != DUCKDB_SUFFIX:
        raise SettingsError(name, f"must be {WAREHOUSE_FORMS}; {value!r} is neither")
    if must_differ_from is not None and path == must_differ_from:
        raise SettingsError(name, f"names the warehouse itself ({path}); the BI copy needs a "
                                  "file of its own")
    existing = next(folder for folder in path.parents if folder.exists())
    if not existing.is_dir():
        raise SettingsError(name, f"cannot be created: {existing} is a file, not a directory")
    if not _writable(path):
        raise SettingsError(name, f"is not writable by this user: {path}")
    return path


def _writable(path: Path) -> bool:
    """Try it (the permission bits do not stop root, a read-only or virtual file system does):
    open an existing file for update without changing it, or create and drop a file beside it."""
    try:
        if path.exists():
            with path.open("r+b"):
                return True
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path.parent):
            return True
    except OSError:
        return False


def _redacted(url: str) -> str:
    """A URL without the password it may carry."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)


def warehouse_location(environ: Mapping[str, str] = os.environ) -> str:
    """``SAMEPAGE_WAREHOUSE``: a PostgreSQL URL as it is, or a DuckDB file as an absolute path."""
    value = _value(environ, "SAMEPAGE_WAREHOUSE")
    if value is None:
        return str(DEFAULT_WAREHOUSE)
    scheme = value.split("://", 1)[0].lower() if "://" in value else None
    if scheme in POSTGRES_SCHEMES:
        parts = urlsplit(value)
        if not parts.hostname or not parts.path.strip("/"):
            raise SettingsError("SAMEPAGE_WAREHOUSE", "must name a host and a database: "
                                f"postgresql://USER@HOST:PORT/DB, not {_redacted(value)!r}")
        try:
            parts.port  # noqa: B018 - raises on a port that is not a number
        except ValueError:
            raise SettingsError("SAMEPAGE_WAREHOUSE", f"has an invalid port: {_redacted(value)!r}"
                                ) from None
        return value
    return str(_duckdb_file("SAMEPAGE_WAREHOUSE", value))


def is_postgres(location: str) -> bool:
    return location.split("://", 1)[0].lower() in POSTGRES_SCHEMES if "://" in location else False


def bi_warehouse_path(warehouse: str, environ: Mapping[str, str] = os.environ) -> Path:
    """``SAMEPAGE_BI_WAREHOUSE``, by default ``<warehouse>_bi.duckdb`` beside a DuckDB warehouse."""
    value = _value(environ, "SAMEPAGE_BI_WAREHOUSE")
    if value is None:
        return default_published_path(warehouse)
    return _duckdb_file("SAMEPAGE_BI_WAREHOUSE", value,
                        must_differ_from=None if is_postgres(warehouse) else Path(warehouse))


@dataclass(frozen=True)
class HubSpotSettings:
    api_base: str
    calls_per_10_seconds: int
    search_calls_per_second: int
    search_lookback_seconds: int


@dataclass(frozen=True)
class SalesforceSettings:
    login_url: str
    api_version: str
    username: str | None  # set: the JWT bearer flow (with a private key), else client credentials
    private_key_file: Path | None
    bulk_threshold: int  # first syncs of objects with at least this many rows use Bulk API 2.0


def hubspot(environ: Mapping[str, str] = os.environ) -> HubSpotSettings:
    return HubSpotSettings(
        api_base=_url(environ, "HUBSPOT_API_BASE", DEFAULT_API_BASE),
        calls_per_10_seconds=_positive_int(environ, "HUBSPOT_CALLS_PER_10_SECONDS",
                                           DEFAULT_RATE_LIMIT[0]),
        search_calls_per_second=_positive_int(environ, "HUBSPOT_SEARCH_CALLS_PER_SECOND",
                                              SEARCH_RATE_LIMIT[0]),
        search_lookback_seconds=_seconds(environ, "HUBSPOT_SEARCH_LOOKBACK_SECONDS",
                                         DEFAULT_SEARCH_LOOKBACK_SECONDS),
    )


def salesforce(environ: Mapping[str, str] = os.environ) -> SalesforceSettings:
    version = _value(environ, "SALESFORCE_API_VERSION") or DEFAULT_API_VERSION
    if not re.fullmatch(r"v\d{2,3}\.0", version):
        raise SettingsError("SALESFORCE_API_VERSION",
                            f"must look like {DEFAULT_API_VERSION}, not {version!r}")
    return SalesforceSettings(login_url=_url(environ, "SALESFORCE_LOGIN_URL", DEFAULT_LOGIN_URL),
                              api_version=version, **_salesforce_auth(environ),
                              bulk_threshold=_rows(environ, "SALESFORCE_BULK_THRESHOLD",
                                                   DEFAULT_BULK_THRESHOLD))


def _salesforce_auth(environ: Mapping[str, str]) -> dict[str, Any]:
    """Which OAuth flow the variables choose: a client secret, or a username with a private key
    (JWT bearer). Only the presence of secrets is checked here, never their values."""
    username = _value(environ, "SALESFORCE_USERNAME")
    has_key = _value(environ, "SALESFORCE_PRIVATE_KEY") is not None
    key_file = _value(environ, "SALESFORCE_PRIVATE_KEY_FILE")
    if has_key and key_file:
        raise SettingsError("SALESFORCE_PRIVATE_KEY_FILE", "and SALESFORCE_PRIVATE_KEY are both "
                                                           "set: set one of them")
    jwt = username is not None or has_key or key_file is not None
    if jwt and _value(environ, "SALESFORCE_CLIENT_SECRET") is not None:
        raise SettingsError("SALESFORCE_CLIENT_SECRET", "is set together with the JWT bearer "
                            "variables (SALESFORCE_USERNAME, SALESFORCE_PRIVATE_KEY[_FILE]): "
                            "unset one flow's variables")
    if jwt and username is None:
        raise SettingsError("SALESFORCE_USERNAME", "must name the integration user when a "
                                                   "private key is set (JWT bearer flow)")
    if jwt and not has_key and key_file is None:
        raise SettingsError("SALESFORCE_PRIVATE_KEY_FILE", "(or SALESFORCE_PRIVATE_KEY) must be "
                                                           "set when SALESFORCE_USERNAME is")
    path = None
    if key_file is not None:
        path = Path(key_file).expanduser()
        path = path if path.is_absolute() else REPO_ROOT / path
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SettingsError("SALESFORCE_PRIVATE_KEY_FILE",
                                f"cannot be read ({path}): {type(exc).__name__}") from None
        if "PRIVATE KEY-----" not in text:
            raise SettingsError("SALESFORCE_PRIVATE_KEY_FILE",
                                f"does not hold a PEM private key: {path}")
    return {"username": username, "private_key_file": path}


def _rows(environ: Mapping[str, str], name: str, default: int) -> int:
    value = _value(environ, name)
    if value is None:
        return default
    if not value.isdigit():
        raise SettingsError(name, f"must be a whole number of rows, 0 or more, not {value!r}")
    return int(value)


@dataclass(frozen=True)
class ScheduleSettings:
    timezone: str
    nightly_cron: str
    digest_cron: str


def schedules(environ: Mapping[str, str] = os.environ) -> ScheduleSettings:
    timezone = _value(environ, "SAMEPAGE_TIMEZONE") or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError("SAMEPAGE_TIMEZONE", f"must be an IANA timezone such as "
                                                 f"Europe/Berlin, not {timezone!r}") from None
    return ScheduleSettings(
        timezone=timezone,
        nightly_cron=_cron(environ, "SAMEPAGE_NIGHTLY_CRON", DEFAULT_NIGHTLY_CRON),
        digest_cron=_cron(environ, "SAMEPAGE_DIGEST_CRON", DEFAULT_DIGEST_CRON),
    )


def as_of(environ: Mapping[str, str] = os.environ) -> datetime | None:
    """``SAMEPAGE_AS_OF``: the instant time-dependent rules are evaluated at (dbt reads it)."""
    value = _value(environ, "SAMEPAGE_AS_OF")
    if value is None:
        return None
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise SettingsError("SAMEPAGE_AS_OF", "must be an ISO 8601 instant with its offset, "
                                              f"such as 2026-03-31T23:00:00Z, not {value!r}")
    return instant


WRITEBACK_MODES = ("off", "plan", "apply")
DEFAULT_WRITEBACK_MAX_SHARE = 0.2


@dataclass(frozen=True)
class WritebackSettings:
    mode: str  # off | plan (compute and show, write nothing) | apply
    max_share: float  # the largest share of a tool's records one run may overwrite unasked


def writeback(environ: Mapping[str, str] = os.environ) -> WritebackSettings:
    """``SAMEPAGE_WRITEBACK`` (off | plan | apply, default plan) and
    ``SAMEPAGE_WRITEBACK_MAX_SHARE`` (0 to 1, default 0.2): README "Writing the answers back"."""
    mode = (_value(environ, "SAMEPAGE_WRITEBACK") or "plan").lower()
    if mode not in WRITEBACK_MODES:
        raise SettingsError("SAMEPAGE_WRITEBACK", f"must be one of {', '.join(WRITEBACK_MODES)}, "
                                                  f"not {mode!r}")
    text = _value(environ, "SAMEPAGE_WRITEBACK_MAX_SHARE")
    try:
        share = DEFAULT_WRITEBACK_MAX_SHARE if text is None else float(text)
    except ValueError:
        share = -1.0
    if not 0 <= share <= 1:
        raise SettingsError("SAMEPAGE_WRITEBACK_MAX_SHARE",
                            f"must be a share between 0 and 1 such as 0.2, not {text!r}")
    return WritebackSettings(mode=mode, max_share=share)


def digest_directory(environ: Mapping[str, str] = os.environ) -> Path:
    """``SAMEPAGE_DIGEST_DIR``, a relative one taken from the repository root."""
    value = _value(environ, "SAMEPAGE_DIGEST_DIR")
    path = Path(value).expanduser() if value else DEFAULT_DIGEST_DIR
    path = path if path.is_absolute() else REPO_ROOT / path
    existing = next(folder for folder in (path, *path.parents) if folder.exists())
    if not existing.is_dir():
        raise SettingsError("SAMEPAGE_DIGEST_DIR", f"must be a directory; {existing} is a file")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise SettingsError("SAMEPAGE_DIGEST_DIR", f"is not writable by this user: {existing}")
    return path


def slack_webhook_configured(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether ``SLACK_WEBHOOK_URL`` is set (to an https URL; its value is never echoed)."""
    value = _value(environ, "SLACK_WEBHOOK_URL")
    if value is None:
        return False
    parts = urlsplit(value)
    # plain http only to this machine (a local relay, a test receiver): the URL is a secret
    local = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")
    if not parts.hostname or not (parts.scheme == "https" or local):
        raise SettingsError("SLACK_WEBHOOK_URL", "must be an https:// incoming-webhook URL "
                                                 "(its value is not shown: it is a secret)")
    return True


def dagster_ui_url(environ: Mapping[str, str] = os.environ) -> str:
    return _url(environ, "DAGSTER_UI_URL", DEFAULT_UI_URL)


# The tools samepage can read, in the order dbt's known_sources() (macros/sources.sql) lists them;
# docs/adding-a-source.md adds one to both.
KNOWN_SOURCES = ("hubspot", "salesforce")


def sources(environ: Mapping[str, str] = os.environ) -> tuple[str, ...]:
    """``SAMEPAGE_SOURCES``: the enabled sources, comma-separated (unset: all of them), in
    KNOWN_SOURCES order. dbt reads the same variable (macros/sources.sql, enabled_sources())."""
    value = _value(environ, "SAMEPAGE_SOURCES")
    if value is None:
        return KNOWN_SOURCES
    named = {part.strip().lower() for part in value.split(",") if part.strip()}
    unknown = sorted(named.difference(KNOWN_SOURCES))
    if unknown or not named:
        raise SettingsError("SAMEPAGE_SOURCES", f"names an unknown source {', '.join(unknown)!r} "
                                                f"(known: {', '.join(KNOWN_SOURCES)})"
                            if unknown else f"names no source, not {value!r}")
    return tuple(source for source in KNOWN_SOURCES if source in named)


def check_all(environ: Mapping[str, str] = os.environ) -> None:
    """Validate every documented variable; raises SettingsError for the first bad one."""
    sources(environ)
    warehouse = warehouse_location(environ)
    bi_warehouse_path(warehouse, environ)
    hubspot(environ)
    salesforce(environ)
    schedules(environ)
    as_of(environ)
    digest_directory(environ)
    writeback(environ)
    slack_webhook_configured(environ)
    dagster_ui_url(environ)


def warehouse_pool(environ: Mapping[str, str] = os.environ) -> str | None:
    """The Dagster concurrency pool of every step that opens the warehouse.

    A DuckDB file takes one writing process at a time (a second one fails on its lock), so those
    steps share the pool ``duckdb_warehouse``, whose limit of 1 is the instance's
    ``concurrency.pools.default_limit`` (deploy/dagster.yaml, deploy/local/dagster.yaml).
    PostgreSQL takes concurrent writers: no pool, the two sources land at once.
    """
    return None if is_postgres(warehouse_location(environ)) else DUCKDB_POOL
