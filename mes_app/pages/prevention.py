"""The prevention calendar page (/prevention): vaccinations and child examinations, with why."""

from __future__ import annotations

import reflex as rx

from mes_app.components.layout import T, app_page, empty_state, page_title
from mes_app.services import prevention
from mes_app.state.prevention import PreventionState as S

STATUS_COLORS = {"overdue": "red", "to_check": "cyan", "due": "amber", "upcoming": "blue", "done": "teal",
                 "missed": "gray"}
ANSWERS = ("now", "later", "unknown")


def status_badge(status) -> rx.Component:  # noqa: ANN001 - a Var of str
    return rx.match(
        status,
        *[(s, rx.badge(T[f"prevention.status.{s}"], color_scheme=c, variant="soft", flex_shrink="0"))
          for s, c in STATUS_COLORS.items()],
        rx.fragment(),
    )


def _dates(item) -> rx.Component:  # noqa: ANN001
    return rx.text(
        rx.match(
            item.status,
            ("done", T["prevention.done_on"] + " " + item.date),
            ("overdue", T["prevention.recommended"] + " " + item.when + " · " + T["prevention.late_since"] + " "
             + item.date),
            ("to_check", T["prevention.recommended"] + " " + item.when + " · " + T["prevention.check_with_doctor"]),
            ("due", T["prevention.recommended"] + " " + item.when + " · " + T["prevention.before"] + " "
             + item.date),
            ("missed", T["prevention.recommended"] + " " + item.when + " · " + T["prevention.not_recorded"]),
            T["prevention.recommended"] + " " + item.when + " · " + T["prevention.from"] + " " + item.date,
        ),
        size="2",
        style={"overflow_wrap": "anywhere"},
    )


def prevention_row(item) -> rx.Component:  # noqa: ANN001
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.text(item.label, weight="bold", size="2", style={"overflow_wrap": "anywhere"}),
                    rx.cond(item.dose_label != "", rx.text(item.dose_label, size="1", color_scheme="gray")),
                    spacing="0",
                    align="start",
                    min_width="0",
                ),
                rx.spacer(),
                status_badge(item.status),
                align="start",
                width="100%",
            ),
            _dates(item),
            rx.text(
                item.reason,
                size="1",
                color_scheme="gray",
                style={"overflow_wrap": "anywhere"},
            ),
            spacing="1",
            width="100%",
        ),
        width="100%",
        size="1",
    )


def _next_card(title_key: str, items, element_id: str) -> rx.Component:  # noqa: ANN001
    return rx.card(
        rx.vstack(
            rx.text(T[title_key], size="2", weight="medium", color_scheme="gray"),
            rx.foreach(
                items,
                lambda item: rx.vstack(
                    rx.hstack(
                        rx.text(item.label, weight="bold", style={"overflow_wrap": "anywhere"}, min_width="0"),
                        rx.spacer(),
                        status_badge(item.status),
                        width="100%",
                        align="start",
                    ),
                    rx.cond(item.dose_label != "", rx.text(item.dose_label, size="1", color_scheme="gray")),
                    _dates(item),
                    spacing="1",
                    width="100%",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id=element_id,
    )


def _section(title_key: str, items, element_id: str) -> rx.Component:  # noqa: ANN001
    return rx.cond(
        items.length() > 0,
        rx.vstack(
            rx.heading(T[title_key], size="4", as_="h2"),
            rx.vstack(rx.foreach(items, prevention_row), spacing="2", width="100%", id=element_id),
            spacing="2",
            width="100%",
        ),
    )


def _folded(title_key: str, items, element_id: str) -> rx.Component:  # noqa: ANN001
    return rx.cond(
        items.length() > 0,
        rx.el.details(
            rx.el.summary(
                rx.text(T[title_key], " (", items.length().to_string(), ")", as_="span", weight="medium"),
                style={"min_height": "44px", "display": "flex", "align_items": "center", "cursor": "pointer"},
            ),
            rx.vstack(rx.foreach(items, prevention_row), spacing="2", width="100%", id=element_id),
            style={"width": "100%"},
        ),
    )


def _missed_fold() -> rx.Component:
    """Like the other folds, but its lines are only fetched when it is opened (there can be
    dozens for an adult: every childhood examination)."""
    return rx.cond(
        S.missed_count > 0,
        rx.vstack(
            rx.button(
                rx.cond(S.missed_open, rx.icon("chevron-down", size=16), rx.icon("chevron-right", size=16)),
                rx.text(T["prevention.missed"], " (", S.missed_count.to_string(), ")", as_="span", weight="medium"),
                on_click=S.toggle_missed, variant="ghost", color_scheme="gray", size="3",
                aria_expanded=rx.cond(S.missed_open, "true", "false"), aria_controls="prevention-missed",
                style={"min_height": "44px", "padding_left": "0"}, id="prevention-missed-toggle",
            ),
            rx.cond(S.missed_open,
                    rx.vstack(rx.foreach(S.missed, prevention_row), spacing="2", width="100%", id="prevention-missed")),
            spacing="2",
            width="100%",
        ),
    )


def _history_question() -> rx.Component:
    """"Do you know your past vaccinations?", before anything is shown as late."""
    return rx.cond(
        S.can_answer & (S.history_question | S.asking_again),
        rx.card(
            rx.vstack(
                rx.heading(T["prevention.history.title"], size="4", as_="h2"),
                rx.text(T["prevention.history.text"], size="2"),
                *[rx.button(T[f"prevention.history.{a}"], on_click=S.answer_history(a), size="3", width="100%",
                            variant="solid" if a == "now" else "soft", id=f"history-{a}") for a in ANSWERS],
                rx.cond(S.asking_again, rx.button(T["prevention.history.keep"], on_click=S.keep_history_answer,
                                                  variant="ghost", size="2", min_height="44px", id="history-keep")),
                spacing="2",
                width="100%",
            ),
            width="100%",
            id="history-question",
        ),
    )


def _history_answer() -> rx.Component:
    """The answer given, and how to change it."""
    return rx.cond(
        S.can_answer & (S.history_answer != "") & ~S.asking_again,
        rx.hstack(
            rx.text(
                rx.match(S.history_answer, *[(a, T[f"prevention.history.answered.{a}"]) for a in ANSWERS], ""),
                size="2", color_scheme="gray", id="history-answer",
            ),
            rx.button(T["prevention.history.change"], on_click=S.change_history_answer, variant="ghost", size="2",
                      min_height="44px", id="history-change"),
            rx.link(T["prevention.history.add"], href="/record/vaccinations?add=1", size="2", id="history-add"),
            wrap="wrap",
            align="center",
            spacing="2",
            width="100%",
        ),
    )


def _to_check() -> rx.Component:
    return rx.cond(
        S.to_check.length() > 0,
        rx.vstack(
            rx.heading(T["prevention.to_check"], size="4", as_="h2"),
            rx.text(T["prevention.to_check_hint"], size="2", color_scheme="gray"),
            rx.vstack(rx.foreach(S.to_check, prevention_row), spacing="2", width="100%", id="prevention-to-check"),
            spacing="2",
            width="100%",
        ),
    )


def _sources(lang: str) -> rx.Component:
    """The calendar's sources are the same for every profile: rendered here, not sent as state."""
    return rx.fragment(*[rx.text("· ", s, size="1", color_scheme="gray") for s in prevention.schedule_sources(lang)])


def prevention_page() -> rx.Component:
    return app_page(
        page_title("section.prevention"),
        rx.text(S.active_name, color_scheme="gray", size="2"),
        rx.cond(S.error != "", rx.callout(S.error, color_scheme="red", icon="triangle-alert", role="alert")),
        _history_question(),
        _history_answer(),
        rx.cond(
            S.next_vaccines.length() > 0,
            _next_card("prevention.next_vaccine", S.next_vaccines, "next-vaccine"),
            rx.cond(S.error == "", empty_state("prevention.nothing_next", "shield-check")),
        ),
        rx.cond(S.next_exams.length() > 0, _next_card("prevention.next_exam", S.next_exams, "next-exam")),
        _section("prevention.todo", S.todo, "prevention-todo"),
        _to_check(),
        _section("prevention.upcoming", S.upcoming, "prevention-upcoming"),
        _folded("prevention.done", S.done, "prevention-done"),
        _missed_fold(),
        rx.cond(S.uncoded > 0, rx.callout(T["prevention.uncoded_hint"], icon="info", color_scheme="amber",
                                          size="1")),
        rx.cond(~S.has_exams & (S.error == ""), rx.text(T["prevention.no_exams"], size="1", color_scheme="gray")),
        rx.cond(
            S.version != "",
            rx.vstack(
                rx.text(T["prevention.sources"], " (", S.version, ")", size="1", weight="medium"),
                rx.cond(S.lang == "en", _sources("en"), _sources("fr")),
                rx.text(T["prevention.disclaimer"], size="1", color_scheme="gray"),
                spacing="1",
                width="100%",
            ),
        ),
    )
