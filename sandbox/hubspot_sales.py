"""HubSpot as the sales CRM: the deal pipelines endpoints (CRM Pipelines v3).

The activity objects reps log (calls, e-mails, meetings, tasks, notes) are served by the CRM
object endpoints of ``sandbox/hubspot.py`` like contacts (list, search, batch read, archived,
v4 associations to contacts); this module adds what is not an object: pipelines and their stages.
Shapes and sources: sandbox/README.md "HubSpot as the sales CRM".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sandbox.generator.hubspot_crm import pipelines as generated_pipelines
from sandbox.http import Response
from sandbox.hubspot_errors import HubSpotError, invalid
from sandbox.world import World

PIPELINE_OBJECT_TYPES = {"deals": "deals", "deal": "deals", "0-3": "deals", "tickets": "tickets",
                         "ticket": "tickets", "0-5": "tickets"}


class HubSpotPipelines:
    """GET /crm/v3/pipelines/{objectType}[/{pipelineId}[/stages[/{stageId}]]]."""

    def __init__(self) -> None:
        self._pipelines: dict[str, list[dict[str, Any]]] = {}

    def load(self, world: World) -> None:
        """The world's pipelines; a world that names none has HubSpot's default Sales Pipeline
        (every portal has it, and the two-tool world's deals use its stages)."""
        declared = world.hubspot.get("pipelines") or {}
        start = (world.generator or {}).get("start") or world.clock
        self._pipelines = {"deals": declared.get("deals") or generated_pipelines(start)[:1],
                           "tickets": declared.get("tickets") or []}

    def routes(self) -> list[tuple[str, re.Pattern[str], Callable[..., Response]]]:
        base = r"/crm/v3/pipelines/([^/]+)"
        return [
            ("GET", re.compile(base + r"/?"), lambda _s, _r, g: self._list(g[0])),
            ("GET", re.compile(base + r"/([^/]+)/?"), lambda _s, _r, g: self._one(*g)),
            ("GET", re.compile(base + r"/([^/]+)/stages/?"),
             lambda _s, _r, g: Response.json(200, {"results": self._find(*g)["stages"]})),
            ("GET", re.compile(base + r"/([^/]+)/stages/([^/]+)/?"),
             lambda _s, _r, g: self._stage(*g)),
        ]

    def _of(self, object_type: str) -> list[dict[str, Any]]:
        canonical = PIPELINE_OBJECT_TYPES.get(object_type)
        if canonical is None:
            raise invalid(f"Unable to infer object type from: {object_type}")
        return self._pipelines[canonical]  # no paging, no archived flag: all of them at once

    def _list(self, object_type: str) -> Response:
        return Response.json(200, {"results": self._of(object_type)})

    def _find(self, object_type: str, pipeline_id: str) -> dict[str, Any]:
        for pipeline in self._of(object_type):
            if pipeline["id"] == pipeline_id:
                return pipeline
        raise HubSpotError(404, f"Unable to find pipeline {pipeline_id}", "OBJECT_NOT_FOUND")

    def _one(self, object_type: str, pipeline_id: str) -> Response:
        return Response.json(200, self._find(object_type, pipeline_id))

    def _stage(self, object_type: str, pipeline_id: str, stage_id: str) -> Response:
        for stage in self._find(object_type, pipeline_id)["stages"]:
            if stage["id"] == stage_id:
                return Response.json(200, stage)
        raise HubSpotError(404, f"Unable to find stage {stage_id} in pipeline {pipeline_id}",
                           "OBJECT_NOT_FOUND")
