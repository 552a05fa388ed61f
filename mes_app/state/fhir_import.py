"""The FHIR file import page (/record/import, issue 12 item 3): the file goes to a checked
route (:mod:`mes_app.web.fhir_import_routes`), not through the websocket; this state only
shows the route's answer (preview, then summary) and asks for the second step."""

from __future__ import annotations

import reflex as rx

from mes_app.services.fhir_import import MAX_FILE_BYTES
from mes_app.state.base import AppState, Context
from mes_app.web.fhir_import_routes import PATH as IMPORT_PATH
from mes_app.web.upload_script import post_file_script

_TEXT_MAX = 300
MAX_LINES_SHOWN = 200
MAX_SKIPPED_SHOWN = 200


def _clip(value: object) -> str:
    return value[:_TEXT_MAX] if isinstance(value, str) else ""


def _rows(value: object, keys: tuple[str, ...], limit: int) -> list[dict[str, str]]:
    items = value if isinstance(value, list) else []
    return [{k: _clip(str(item.get(k, ""))) for k in keys} for item in items[:limit] if isinstance(item, dict)]


class FhirImportState(AppState):
    busy: bool = False
    message: str = ""
    ok: bool = False
    ready: bool = False  # checked, something to add: the import button shows
    checked: bool = False  # a preview is shown
    source: str = ""
    counts: list[dict[str, str]] = []
    lines: list[dict[str, str]] = []
    skipped: list[dict[str, str]] = []

    def _reset(self) -> None:
        self.busy, self.message, self.ok, self.ready, self.checked = False, "", False, False, False
        self.source, self.counts, self.lines, self.skipped = "", [], [], []

    @rx.event
    def load_import(self):
        self._reset()
        return self._run_as_user(self._active_profile, error_attr="message").event

    def _script(self, profile_id: int, mode: str) -> str:
        texts = {
            "no_file": self._text("fhir_import.no_file"),
            "too_large": self._text("error.fhir_import_too_large", max=MAX_FILE_BYTES // (1024 * 1024)),
            "generic": self._text("error.generic"),
        }
        return post_file_script("fhir-import-file", IMPORT_PATH, texts, MAX_FILE_BYTES,
                                fields={"profile": str(profile_id), "mode": mode})

    def _start(self, mode: str, callback):  # noqa: ANN001, ANN202
        def active(ctx: Context) -> int | None:
            return self._active_profile(ctx)

        ran = self._run_as_user(active)
        if ran.gone:
            return ran.event
        if ran.value is None:
            return None
        self.busy, self.message = True, ""
        return rx.call_script(self._script(ran.value, mode), callback=callback)

    @rx.event
    def check(self):
        self._reset()
        return self._start("preview", FhirImportState.preview_received)

    @rx.event
    def preview_received(self, result: dict):
        """The route's answer, relayed by the browser: display only (the route re-checks all)."""
        self.busy = False
        if not isinstance(result, dict):
            self.message = self._text("error.generic")
            return
        self.ok = result.get("ok") is True
        self.message = _clip(result.get("message"))
        if not self.ok:
            return
        total = result.get("total")
        if not isinstance(total, int) or isinstance(total, bool):
            self.ok = False
            return
        self.checked = True
        self.source = _clip(result.get("source"))
        self.counts = _rows(result.get("counts"), ("section", "count"), 20)
        self.lines = _rows(result.get("lines"), ("section", "summary", "day"), MAX_LINES_SHOWN)
        self.skipped = _rows(result.get("skipped"), ("entry", "type", "reason"), MAX_SKIPPED_SHOWN)
        self.ready = total > 0

    @rx.event
    def run(self):
        if not self.ready:
            return None
        return self._start("import", FhirImportState.import_finished)

    @rx.event
    def import_finished(self, result: dict):
        ok = isinstance(result, dict) and result.get("ok") is True
        message = _clip(result.get("message")) if isinstance(result, dict) else self._text("error.generic")
        self._reset()
        self.ok, self.message = ok, message
        return rx.toast.success(message, duration=3000) if ok else None
