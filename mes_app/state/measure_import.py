"""The measures page's import dialog, CSV part (MeasureImportState): the file goes to a checked
route (``IMPORT_PATH``), not through the websocket; this state only shows the route's answer
and asks for the second step. The Apple Health choice is its substate
(:mod:`mes_app.state.apple_import`), loaded only by its own events.
"""

from __future__ import annotations

from typing import cast

import reflex as rx

from mes_app.services.measure_import import MAX_IMPORT_BYTES
from mes_app.state.base import AppState
from mes_app.state.measure_chart import MeasureChartState
from mes_app.state.measures import MeasuresState
from mes_app.web.measure_import import PATH as IMPORT_PATH
from mes_app.web.upload_script import post_file_script

MAX_IMPORT_ROWS_SHOWN = 10
MAX_IMPORT_ERRORS_SHOWN = 50
_TEXT_MAX = 300


def clip(value: object) -> str:
    """A text relayed by the browser, at most 300 characters (anything else: empty)."""
    return value[:_TEXT_MAX] if isinstance(value, str) else ""


def _rows(items: object, keys: tuple[str, ...], limit: int) -> list[dict[str, str]]:
    items = items if isinstance(items, list) else []
    return [{key: clip(str(item.get(key, ""))) for key in keys} for item in items[:limit] if isinstance(item, dict)]


class MeasureImportState(AppState):
    import_open: bool = False
    import_busy: bool = False
    import_message: str = ""
    import_ok: bool = False
    import_ready: bool = False  # checked, no error: the import button shows
    import_summary: str = ""
    import_rows: list[dict[str, str]] = []
    import_errors: list[dict[str, str]] = []
    apple_lines: list[str] = []  # the Apple Health import's summary at the end

    @rx.event
    def open_import(self):
        self._reset_import()
        self.import_open = True

    @rx.event
    def set_import_open(self, value: bool):
        self.import_open = value if isinstance(value, bool) else False
        if not self.import_open:
            self._reset_import()

    def _reset_import(self) -> None:
        self.import_busy, self.import_message, self.import_ok, self.import_ready = False, "", False, False
        self.import_summary, self.import_rows, self.import_errors = "", [], []
        self.apple_lines = []

    def _texts(self, too_large_key: str, **params: object) -> dict[str, str]:
        return {"no_file": self._text("measures.import_no_file"), "too_large": self._text(too_large_key, **params),
                "generic": self._text("error.generic")}

    def _start_import(self, mode: str, callback):  # noqa: ANN001, ANN202
        ran = self._run_as_user(self._active_profile)
        if ran.gone:
            return ran.event
        pid = ran.value
        if pid is None:
            return None
        self.import_busy = True
        self.import_message = ""
        texts = self._texts("error.import_too_large", max_mb=MAX_IMPORT_BYTES // (1024 * 1024))
        script = post_file_script("measures-import-file", IMPORT_PATH, texts, MAX_IMPORT_BYTES,
                                  fields={"profile": str(pid), "mode": mode})
        return rx.call_script(script, callback=callback)

    @rx.event
    def import_check(self):
        self._reset_import()
        return self._start_import("preview", MeasureImportState.import_checked)

    @rx.event
    def import_checked(self, result: dict):
        """The route's answer, relayed by the browser: display only (the route re-checks all)."""
        self.import_busy = False
        if not isinstance(result, dict):
            self.import_message = self._text("error.generic")
            return
        self.import_ok = result.get("ok") is True
        self.import_message = clip(result.get("message"))
        if not self.import_ok:
            return
        numbers = [result.get(k) for k in ("total", "valid", "error_count")]
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
            self.import_ok = False
            return
        total, valid, errors = cast("list[int]", numbers)  # ints, checked just above
        self.import_summary = self._text("measures.import_summary", count=valid, total=total)
        self.import_rows = _rows(result.get("rows"), ("line", "when", "kind", "value", "unit"), MAX_IMPORT_ROWS_SHOWN)
        self.import_errors = _rows(result.get("errors"), ("line", "message"), MAX_IMPORT_ERRORS_SHOWN)
        self.import_ready = errors == 0 and valid > 0

    @rx.event
    def import_run(self):
        if not self.import_ready:
            return None
        return self._start_import("import", MeasureImportState.import_finished)

    @rx.event
    def import_finished(self, result: dict):
        ok = isinstance(result, dict) and result.get("ok") is True
        message = clip(result.get("message")) if isinstance(result, dict) else self._text("error.generic")
        self._reset_import()
        self.import_ok, self.import_message = ok, message
        if not ok:
            return None
        self.import_open = False  # done: the toast says how many
        return [MeasuresState.refresh_cards, MeasureChartState.refresh, rx.toast.success(message, duration=3000)]
