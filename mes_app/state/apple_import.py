"""The import dialog's Apple Health choice (issue 12, item 3): a substate of the dialog's state
(:class:`~mes_app.state.measure_import.MeasureImportState`, whose message and summary it fills).

The file goes to ``APPLE_IMPORT_PATH`` as the request body (streamed to disk by the route, which
checks the access and starts a background job); this state follows the job by its key, kept on
the server (``_apple_job``), re-checked against the session at each poll.
"""

from __future__ import annotations

import asyncio
import functools
from typing import cast

import reflex as rx

from mes_app.domain import measures as m
from mes_app.services import apple_import
from mes_app.state.measure_chart import MeasureChartState
from mes_app.state.measure_import import MeasureImportState, clip
from mes_app.state.measures import MeasuresState
from mes_app.web.measure_import import APPLE_PATH as APPLE_IMPORT_PATH
from mes_app.web.upload_script import post_file_script

APPLE_POLL_SECONDS = 0.5
APPLE_MAX_POLLS = 7200  # an hour: then the dialog stops following (the job goes on)
_EXTRA_LINES = (("measures.apple_duplicates", "duplicates"), ("measures.apple_bmi", "bmi_derived"),
                ("measures.apple_other", "other_types"), ("measures.apple_clinical_done", "clinical_imported"),
                ("measures.apple_clinical", "clinical_records"))


class AppleImportState(MeasureImportState):
    import_format: str = "csv"  # csv | apple
    apple_running: bool = False
    apple_percent: int = 0
    apple_progress_text: str = ""
    _apple_job: str = ""

    @rx.event
    def set_import_format(self, value: str):
        if value in ("csv", "apple") and not self.apple_running:
            self._reset_import()
            self.import_format = value

    @rx.event
    def apple_start(self):
        if self.apple_running:
            return None
        ran = self._run_as_user(self._active_profile)
        if ran.gone:
            return ran.event
        if ran.value is None:
            return None
        self._reset_import()
        self.import_busy = True
        script = post_file_script("measures-apple-file", f"{APPLE_IMPORT_PATH}?profile={ran.value}",
                                  self._texts("error.apple_too_large"), apple_import.MAX_UPLOAD_BYTES)
        return rx.call_script(script, callback=AppleImportState.apple_started)

    @rx.event
    def apple_started(self, result: dict):
        """The route's answer, relayed by the browser: the job's key is checked against the
        session's user before it is followed."""
        self.import_busy = False
        if not isinstance(result, dict) or result.get("ok") is not True:
            self.import_ok = False
            self.import_message = clip(result.get("message")) if isinstance(result, dict) else self._text(
                "error.generic")
            return None
        key = result.get("job")
        ran = self._run_as_user(lambda ctx: apple_import.job_view(ctx.actor, key), error_attr="import_message")
        if not ran.ok:
            return ran.event
        self._apple_job, self.apple_running, self.apple_percent = cast("str", key), True, 0
        self.apple_progress_text = self._text("measures.apple_progress", percent=0)
        self.import_message = ""
        return AppleImportState.apple_watch

    @rx.event(background=True)
    async def apple_watch(self):
        """While the job runs (and the dialog is open), its progress; at the end, its summary."""
        for _ in range(APPLE_MAX_POLLS):
            await asyncio.sleep(APPLE_POLL_SECONDS)
            async with self:
                if not self.apple_running:
                    return
                # Its database work (the session, the job board) in the db threads; the state stays locked.
                ran = await self._off_loop(functools.partial(
                    self._run_as_user, lambda ctx: apple_import.job_view(ctx.actor, self._apple_job), error_attr=None))
                gone = ran.event
                if gone is not None:
                    self.apple_running = False
                finished = gone is None and self._apple_progress(ran.value)
            if gone is not None:
                yield gone
                return
            if finished:
                yield [MeasuresState.refresh_cards, MeasureChartState.refresh]
                return

    def _apple_progress(self, view: apple_import.JobView | None) -> bool:
        """Show the job's state; True when it has ended."""
        if view is None:  # forgotten: the server restarted while it ran
            self.apple_running, self.import_ok = False, False
            self.import_message = self._text("measures.apple_interrupted")
            return True
        self.apple_percent = view.percent
        self.apple_progress_text = self._text("measures.apple_progress", percent=view.percent)
        if view.status in apple_import.ACTIVE:
            return False
        self.apple_running, self._apple_job = False, ""
        self.apple_lines = self._apple_summary(view.summary)
        self.import_ok = view.status == apple_import.DONE
        if self.import_ok:
            self.import_message = self._text("measures.apple_done")
        else:
            self.import_message = self._text("measures.apple_failed", reason=self._text(view.error_code))
        return True

    def _apple_summary(self, summary: apple_import.ImportSummary) -> list[str]:
        lines = [
            self._text("measures.apple_added", kind=self._text(f"measure.{kind}"), count=summary.added[kind])
            for kind in m.KINDS if summary.added.get(kind)
        ] or [self._text("measures.apple_added_none")]
        counts = [(key, getattr(summary, name)) for key, name in _EXTRA_LINES]
        counts.append(("measures.apple_errors", sum(summary.errors.values())))
        return lines + [self._text(key, count=count) for key, count in counts if count]
