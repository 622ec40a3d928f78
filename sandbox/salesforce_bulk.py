"""Bulk API 2.0 query jobs: create, poll, read CSV results by locator, abort, delete.

The job runs the same SOQL engine as the REST query, over the world as it was when the job was
created. A job reports ``UploadComplete`` when created and moves on one state per status read
(``InProgress``, then ``JobComplete``), so a client has to poll as it must against a real org.
Results are CSV as Salesforce writes them: every value quoted, null as an empty value, booleans
``true``/``false``, numbers of double-typed fields with a decimal point, datetimes in UTC with
``Z``. See ``sandbox/README.md`` for the sources.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import itertools
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sandbox import soql
from sandbox.http import Request, Response

JOB_KEY_PREFIX = "750"
DEFAULT_MAX_RECORDS = 50_000  # "a default value based on the service": ours
MAX_JOBS_KEPT = 256  # jobs kept for reading results (least recently created evicted)
POLLS_TO_COMPLETE = 2  # status reads until JobComplete: InProgress, then JobComplete
DELIMITERS = {"COMMA": ",", "TAB": "\t", "PIPE": "|", "SEMICOLON": ";", "CARET": "^",
              "BACKQUOTE": "`"}
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}
_DOUBLE_TYPES = frozenset({"double", "currency", "percent"})


@dataclass(frozen=True)
class QueryResult:
    """What a SOQL query selected: ``rows[start:stop]`` with ``fields`` of the given types."""

    sobject: str
    fields: tuple[str, ...]
    types: tuple[str, ...]
    rows: Sequence[dict[str, Any]]
    start: int
    stop: int
    count_only: bool
    has_offset: bool


# Runs SOQL over the world (include_deleted for queryAll); raises soql.SoqlError.
RunQuery = Callable[[str, bool], QueryResult]
# The size of the result page starting at `offset` when `requested` records were asked for.
PageSize = Callable[[int, int], int]


@dataclass
class _Job:
    id: str
    operation: str
    version: str
    created_by: str
    created: str
    delimiter: str
    line_ending: str
    result: QueryResult
    state: str = "UploadComplete"
    polls: int = 0
    modified: str = ""

    def info(self, *, detailed: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id, "operation": self.operation, "object": self.result.sobject,
            "createdById": self.created_by, "createdDate": self.created,
            "systemModstamp": self.modified or self.created, "state": self.state,
            "concurrencyMode": "Parallel", "contentType": "CSV",
            "apiVersion": float(self.version),
            "lineEnding": next(k for k, v in LINE_ENDINGS.items() if v == self.line_ending),
            "columnDelimiter": next(k for k, v in DELIMITERS.items() if v == self.delimiter),
        }
        if detailed:
            done = self.state == "JobComplete"
            body.update({"jobType": "V2Query",
                         "numberRecordsProcessed": self.result.stop - self.result.start
                         if done else 0,
                         "retries": 0, "totalProcessingTime": 0 if not done else 42,
                         "isPkChunkingSupported": True})
        return body


def _errors(status: int, code: str, message: str) -> Response:
    return Response.json(status, [{"errorCode": code, "message": message}])


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def encode_locator(offset: int) -> str:
    # Real locators are opaque; the documented example "MTAwMDA" is base64 of "10000".
    return base64.b64encode(str(offset).encode()).decode().rstrip("=")


def decode_locator(locator: str) -> int | None:
    try:
        text = base64.b64decode(locator + "=" * (-len(locator) % 4), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def csv_value(value: Any, kind: str) -> str:
    """A field value as Bulk API 2.0 writes it in CSV results."""
    if value is None:
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if kind in _DOUBLE_TYPES:
        return repr(float(value))
    if kind == "int":
        return str(int(value))
    if kind == "datetime" and isinstance(value, str):
        moment = datetime.strptime(value.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z")
        stamp = moment.astimezone(UTC)
        return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"
    return str(value)


class BulkQueryJobs:
    """``/jobs/query[/{id}[/results]]`` of one API version tree."""

    def __init__(self, run_query: RunQuery, page_size: PageSize) -> None:
        self._run_query = run_query
        self._page_size = page_size
        self._jobs: OrderedDict[str, _Job] = OrderedDict()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def handle(self, request: Request, version: str, rest: str, user_id: str) -> Response:
        """``rest`` is the path after ``/jobs/query``: '', '/{id}' or '/{id}/results'."""
        parts = [p for p in rest.split("/") if p]
        if not parts:
            if request.method == "POST":
                return self._create(request, version, user_id)
            if request.method == "GET":
                with self._lock:
                    jobs = list(self._jobs.values())
                return Response.json(200, {"done": True, "records": [
                    j.info(detailed=True) for j in jobs], "nextRecordsUrl": None})
            return _method_not_allowed(request.method, "GET,POST")
        with self._lock:
            job = self._jobs.get(parts[0])
        if job is None or len(parts) > 2 or (len(parts) == 2 and parts[1] != "results"):
            return _errors(404, "NOT_FOUND", "The requested resource does not exist")
        if len(parts) == 2:
            if request.method != "GET":
                return _method_not_allowed(request.method, "GET")
            return self._results(request, version, job)
        if request.method == "GET":
            return Response.json(200, self._poll(job))
        if request.method == "PATCH":
            return self._abort(request, job)
        if request.method == "DELETE":
            with self._lock:
                self._jobs.pop(job.id, None)
            return Response(204)
        return _method_not_allowed(request.method, "GET,PATCH,DELETE")

    def _create(self, request: Request, version: str, user_id: str) -> Response:
        try:
            body = request.json()
        except ValueError:
            return _errors(400, "JSON_PARSER_ERROR", "The request body is not valid JSON")
        if not isinstance(body, dict) or body.get("operation") not in ("query", "queryAll"):
            return _errors(400, "INVALIDJOB",
                           "InvalidJob : operation must be 'query' or 'queryAll'")
        delimiter = DELIMITERS.get(body.get("columnDelimiter", "COMMA"))
        line_ending = LINE_ENDINGS.get(body.get("lineEnding", "LF"))
        if body.get("contentType", "CSV") != "CSV" or delimiter is None or line_ending is None:
            return _errors(400, "INVALIDJOB",
                           "InvalidJob : contentType, columnDelimiter or lineEnding not supported")
        try:
            result = self._run_query(str(body.get("query", "")), body["operation"] == "queryAll")
        except soql.SoqlError as exc:
            return _errors(400, exc.error_code, exc.message)
        if result.count_only or result.has_offset:
            # Bulk API 2.0 refuses aggregate functions and OFFSET (the wording is ours).
            return _errors(400, "API_ERROR", "Aggregate functions and OFFSET are not supported "
                                             "by Bulk API 2.0 query jobs")
        job = _Job(f"{JOB_KEY_PREFIX}{next(self._ids):012d}AAA", body["operation"], version,
                   user_id, _now(), delimiter, line_ending, result)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > MAX_JOBS_KEPT:
                self._jobs.popitem(last=False)
        return Response.json(200, job.info(detailed=False))

    def _poll(self, job: _Job) -> dict[str, Any]:
        with self._lock:
            if job.state in ("UploadComplete", "InProgress"):
                job.polls += 1
                job.state = "JobComplete" if job.polls >= POLLS_TO_COMPLETE else "InProgress"
                job.modified = _now()
            return job.info(detailed=True)

    def _abort(self, request: Request, job: _Job) -> Response:
        try:
            wanted = request.json()
        except ValueError:
            wanted = None
        if not isinstance(wanted, dict) or wanted.get("state") != "Aborted":
            return _errors(400, "INVALIDJOBSTATE", "InvalidJobState : state must be Aborted")
        with self._lock:
            if job.state in ("JobComplete", "Failed"):
                return _errors(400, "INVALIDJOBSTATE",
                               f"InvalidJobState : Job is already {job.state}")
            job.state, job.modified = "Aborted", _now()
            return Response.json(200, job.info(detailed=False))

    def _results(self, request: Request, version: str, job: _Job) -> Response:
        if version != job.version:
            # Documented: results must be read with the API version that created the job.
            return _errors(409, "INVALIDJOBSTATE", "InvalidJobState : results must be read "
                                                   f"with API version {job.version}")
        if job.state != "JobComplete":
            return _errors(400, "INVALIDJOBSTATE", f"InvalidJobState : Job is {job.state}")
        result = job.result
        total = result.stop - result.start
        locator = request.arg("locator")
        offset = 0 if not locator else decode_locator(locator)
        if offset is None or offset > total:
            return _errors(400, "INVALIDLOCATOR", "InvalidLocator : invalid locator")
        wanted = request.arg("maxRecords")
        if wanted is not None and (not wanted.isdigit() or int(wanted) < 1):
            return _errors(400, "INVALID_FIELD", "maxRecords must be a positive integer")
        requested = int(wanted) if wanted else DEFAULT_MAX_RECORDS
        count = min(total - offset, self._page_size(offset, requested))
        out = io.StringIO()
        writer = csv.writer(out, delimiter=job.delimiter, lineterminator=job.line_ending,
                            quoting=csv.QUOTE_ALL)
        writer.writerow(result.fields)
        for row in result.rows[result.start + offset: result.start + offset + count]:
            writer.writerow([csv_value(row.get(f), t) for f, t in zip(result.fields,
                                                                      result.types,
                                                                      strict=True)])
        after = offset + count
        return Response(200, out.getvalue().encode(), {
            "Content-Type": "text/csv",
            "Sforce-NumberOfRecords": str(count),
            "Sforce-Locator": encode_locator(after) if after < total else "null",
        })


def _method_not_allowed(method: str, allowed: str) -> Response:
    return Response(405, json.dumps([{"errorCode": "METHOD_NOT_ALLOWED", "message":
                    f"HTTP Method '{method}' not allowed. Allowed are {allowed}"}]).encode(),
                    {"Content-Type": "application/json;charset=utf-8"})
