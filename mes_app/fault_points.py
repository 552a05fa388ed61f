"""Pause points for the fault tests (``tests/e2e/test_faults_*.py``), inert in normal use.

A fault test must kill the server *between* two steps of one operation (a document's file
stored but not its row, a measures import's rows inserted but not committed, a FHIR transaction
Bundle written but not committed). :func:`pause` marks those places. It does nothing unless the
server process was started with ``MES_TEST_PAUSE_AT=<point>:<marker file>[:<seconds>]`` in its
environment: then, on reaching ``<point>``, it creates the marker file (the test's signal that the
operation is half done) and sleeps (:data:`PAUSE_SECONDS`, or ``<seconds>``), so that the test's
``kill -9``, or its stop of the database, lands there.

Only the environment of the server process can turn it on: it is not a setting, no request,
cookie or event can name a point, and nothing of the request is written to the marker.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

VARIABLE = "MES_TEST_PAUSE_AT"
PAUSE_SECONDS = 120
POINTS = frozenset({"document.stored", "measures.import", "fhir.transaction"})


def pause(point: str) -> None:
    """Sleep here when the fault tests asked to (see the module docstring); else return at once."""
    spec = os.environ.get(VARIABLE)
    if not spec:
        return
    wanted, _, rest = spec.partition(":")
    marker, _, seconds = rest.partition(":")
    if wanted != point or point not in POINTS or not marker:
        return
    Path(marker).write_text(point)
    time.sleep(float(seconds) if seconds.replace(".", "", 1).isdigit() else PAUSE_SECONDS)
