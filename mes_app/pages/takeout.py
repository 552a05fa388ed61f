"""The take-out page (/takeout, issue 13 item 2): one zip of the profile shown, or of every
profile the account may export; its progress while it is built, then the download link."""

from __future__ import annotations

import reflex as rx

from mes_app.components.controls import back_link
from mes_app.components.file_link import file_link
from mes_app.components.layout import T, app_page, empty_state, page_title
from mes_app.state.takeout import TakeoutState as S

STATUS_COLORS = {"queued": "gray", "running": "blue", "ready": "teal", "failed": "red", "expired": "gray"}
BUTTON = {"min_height": "44px", "width": "100%", "white_space": "normal"}


def _status(job) -> rx.Component:  # noqa: ANN001 - a Var of TakeoutRow
    return rx.match(
        job.status,
        *[(s, rx.badge(T[f"takeout.status.{s}"], color_scheme=c, variant="soft", white_space="normal"))
          for s, c in STATUS_COLORS.items()],
        rx.fragment(),
    )


def _job_card(job) -> rx.Component:  # noqa: ANN001
    active = (job.status == "queued") | (job.status == "running")
    return rx.card(
        rx.vstack(
            rx.flex(_status(job), rx.text(job.size, size="1", color_scheme="gray"), gap="2", wrap="wrap",
                    align="center"),
            rx.text(job.profiles, weight="bold", size="2", style={"overflow_wrap": "anywhere"}),
            rx.text(job.asked, size="1", color_scheme="gray"),
            rx.cond(
                active,
                rx.hstack(
                    rx.progress(value=job.percent, max=100, width="100%", aria_label=T["takeout.status.running"]),
                    rx.text(job.percent.to_string() + " %", size="1", class_name="takeout-percent"),
                    width="100%",
                    align="center",
                ),
            ),
            rx.cond(
                job.href != "",
                rx.vstack(
                    file_link(rx.icon("download", size=18), T["takeout.download"], href=job.href, download=True,
                              class_name="takeout-download"),
                    rx.text(job.expires, size="1", color_scheme="gray"),
                    spacing="1",
                    width="100%",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="takeout-job",
    )


def takeout_page() -> rx.Component:
    return app_page(
        back_link("/record", "nav.record"),
        page_title("title.takeout"),
        rx.text(T["takeout.intro"], size="2"),
        rx.cond(
            S.all_count > 0,
            rx.vstack(
                rx.heading(T["takeout.what"], size="4", as_="h2"),
                rx.cond(
                    S.profile_label != "",
                    rx.button(rx.icon("archive", size=18), S.profile_label, on_click=S.start("profile"),
                              disabled=S.busy, style=BUTTON, id="takeout-profile"),
                ),
                rx.cond(
                    S.all_count > 1,
                    rx.button(rx.icon("archive", size=18), S.all_label, on_click=S.start("all"), variant="soft",
                              disabled=S.busy, style=BUTTON, id="takeout-all"),
                ),
                rx.cond(S.partial_in_all, rx.text(T["takeout.partial"], size="1", color_scheme="gray")),
                spacing="2",
                width="100%",
            ),
            empty_state("takeout.no_profile", "archive"),
        ),
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle-alert", color_scheme="red", role="alert")),
        rx.heading(T["takeout.jobs"], size="4", as_="h2"),
        rx.cond(
            S.jobs.length() > 0,
            rx.vstack(rx.foreach(S.jobs, _job_card), spacing="2", width="100%", id="takeout-jobs"),
            empty_state("takeout.none", "archive"),
        ),
    )
