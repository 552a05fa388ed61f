"""Secure messaging pages: /messages (threads, newest first) and /messages/thread?id=… (a chat).

Message bodies are always rendered as text (Reflex escapes it): HTML or script typed in a
message shows literally."""

from __future__ import annotations

import reflex as rx

from mes_app.components.controls import back_link
from mes_app.components.dialogs import form_dialog
from mes_app.components.file_link import FILE_TEXT_LINK_STYLE, file_link
from mes_app.components.forms import SELECT_STYLE, field
from mes_app.components.layout import T, app_page, empty_state, page_title
from mes_app.services.messaging import MAX_BODY_LEN, MAX_SUBJECT_LEN
from mes_app.state.messages import MessagesState as M
from mes_app.state.thread import ThreadState as S

WRAP = {"overflow_wrap": "anywhere", "white_space": "pre-wrap"}


def _error(text) -> rx.Component:  # noqa: ANN001
    return rx.callout(text, color_scheme="red", icon="triangle-alert", role="alert", width="100%")


# --------------------------------------------------------------------------- list


def _thread_card(thread) -> rx.Component:  # noqa: ANN001
    unread = thread.unread > 0
    return rx.link(
        rx.card(
            rx.hstack(
                rx.vstack(
                    rx.text(thread.subject, weight=rx.cond(unread, "bold", "medium"), style=WRAP),
                    rx.flex(
                        rx.badge(thread.profile_name, color_scheme="blue", variant="surface"),
                        rx.text(thread.professional_name, size="1", color_scheme="gray"),
                        gap="2",
                        wrap="wrap",
                        align="center",
                    ),
                    rx.text(thread.preview, size="2", color_scheme="gray",
                            style={"overflow_wrap": "anywhere"}),
                    rx.text(thread.last_message_at, size="1", color_scheme="gray"),
                    spacing="1",
                    align="start",
                    min_width="0",
                    flex="1",
                ),
                rx.cond(
                    unread,
                    rx.badge(thread.unread, color_scheme="red", variant="solid", radius="full",
                             aria_label=T["messages.unread"], class_name="thread-unread"),
                ),
                align="start",
                width="100%",
            ),
            width="100%",
        ),
        href="/messages/thread?id=" + thread.id.to_string(),
        underline="none",
        color="inherit",
        class_name="thread-link",
        style={"display": "block", "min_height": "44px"},
    )


def _attach_picker(state) -> rx.Component:  # noqa: ANN001
    return rx.cond(
        state.attach_options.length() > 0,
        field(
            T["messages.attachment"],
            rx.el.select(
                rx.el.option(T["messages.no_attachment"], value=""),
                rx.foreach(state.attach_options, lambda d: rx.el.option(d.title, value=d.id)),
                name="attachment",
                default_value="",
                style=SELECT_STYLE,
                id="message-attachment",
            ),
        ),
        rx.button(rx.icon("paperclip", size=18), T["messages.attach"], type="button", variant="soft",
                  color_scheme="gray", size="3", on_click=state.load_attachments, min_height="44px",
                  id="message-attach"),
    )


def _new_thread_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            field(
                T["messages.to_patient"],
                rx.el.select(
                    rx.foreach(M.targets, lambda p: rx.el.option(p.name, value=p.id.to_string())),
                    name="profile",
                    default_value=M.new_profile,
                    on_change=M.set_new_profile,
                    style=SELECT_STYLE,
                    id="message-profile",
                ),
            ),
            field(T["messages.subject"] + " *",
                  rx.input(name="subject", max_length=MAX_SUBJECT_LEN, required=True, size="3", width="100%",
                           id="message-subject")),
            field(T["messages.body"] + " *",
                  rx.text_area(name="body", max_length=MAX_BODY_LEN, rows="5", width="100%", id="message-body")),
            rx.text(T["messages.limit_hint"], size="1", color_scheme="gray"),
            _attach_picker(M),
            rx.cond(M.new_error != "", _error(M.new_error)),
            rx.hstack(
                rx.dialog.close(rx.button(T["record.cancel"], variant="soft", color_scheme="gray", type="button",
                                          size="3")),
                rx.button(rx.icon("send", size=18), T["messages.send"], type="submit", size="3", id="message-start"),
                justify="end",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=M.submit_new,
        reset_on_submit=False,
        key=M.new_key,
        width="100%",
    )


def _new_thread_dialog() -> rx.Component:
    return form_dialog(T["messages.new"], _new_thread_form(), open=M.new_open, on_open_change=M.set_new_open)


def messages_page() -> rx.Component:
    return app_page(
        # Wraps at 360–390 px: the button moves under the title rather than past the screen edge.
        rx.flex(
            rx.box(page_title("section.messages"), min_width="0", style={"overflow_wrap": "anywhere"}),
            rx.cond(
                M.can_start,
                rx.button(rx.icon("pencil", size=18), T["messages.new"], on_click=M.open_new, size="3",
                          min_height="44px", max_width="100%", id="message-new"),
            ),
            align="center",
            justify="between",
            wrap="wrap",
            gap="2",
            width="100%",
        ),
        rx.cond(
            ~M.follows_patients,
            rx.text(T["messages.only_professionals_start"], size="2", color_scheme="gray"),
        ),
        rx.cond(M.error != "", _error(M.error)),
        rx.cond(
            M.threads.length() > 0,
            rx.vstack(rx.foreach(M.threads, _thread_card), spacing="2", width="100%", id="thread-list"),
            empty_state("messages.empty", "mail"),
        ),
        _new_thread_dialog(),
    )


# --------------------------------------------------------------------------- thread


def _bubble(message) -> rx.Component:  # noqa: ANN001
    return rx.flex(
        rx.box(
            rx.text(rx.cond(message.author_name != "", message.author_name, T["closing.deleted_author"]),
                    size="1", weight="bold",
                    color=rx.cond(message.mine, rx.color("teal", 11), rx.color("gray", 11))),
            rx.text(message.body, size="3", style=WRAP, class_name="message-body"),
            rx.cond(
                message.attachment_id > 0,
                file_link(
                    rx.icon("paperclip", size=16), rx.text(message.attachment_title, style=WRAP),
                    href="/api/documents/" + message.attachment_id.to_string(),
                    new_tab=True,
                    class_name="message-attachment",
                    style={**FILE_TEXT_LINK_STYLE, "gap": "0.25rem"},
                ),
            ),
            rx.cond(
                message.attachment_hidden,
                rx.text(T["messages.attachment_unavailable"], size="1", color_scheme="gray"),
            ),
            rx.text(message.sent_at, size="1", color_scheme="gray", text_align="right"),
            style={
                "max_width": "85%",
                "min_width": "0",
                "padding": "0.5rem 0.75rem",
                "border_radius": "14px",
                "background": rx.cond(message.mine, rx.color("teal", 3), rx.color("gray", 3)),
            },
            class_name="message-bubble",
        ),
        justify=rx.cond(message.mine, "end", "start"),
        width="100%",
    )


def _composer() -> rx.Component:
    return rx.box(
        rx.form(
            rx.vstack(
                rx.cond(S.compose_error != "", _error(S.compose_error)),
                rx.hstack(
                    rx.text_area(name="body", max_length=MAX_BODY_LEN, rows="2", placeholder=T["messages.reply_hint"],
                                 aria_label=T["messages.body"], width="100%", id="reply-body",
                                 style={"min_height": "44px"}),
                    rx.button(rx.icon("send", size=20), type="submit", size="3", aria_label=T["messages.send"],
                              title=T["messages.send"], id="reply-send",
                              style={"min_width": "48px", "min_height": "48px"}),
                    align="end",
                    width="100%",
                    spacing="2",
                ),
                _attach_picker(S),
                spacing="2",
                width="100%",
            ),
            on_submit=S.send,
            reset_on_submit=False,
            key=S.compose_key,
            width="100%",
        ),
        style={
            "position": "sticky",
            "bottom": rx.breakpoints(initial="calc(4.25rem + env(safe-area-inset-bottom))", md="0.5rem"),
            "background": "var(--color-background)",
            "padding": "0.5rem 0",
            "border_top": "1px solid var(--gray-a5)",
            "z_index": "5",
        },
        width="100%",
        id="composer",
    )


def thread_page() -> rx.Component:
    return app_page(
        rx.hstack(
            back_link("/messages", "section.messages"),
            rx.vstack(
                rx.heading(rx.cond(S.subject != "", S.subject, T["section.messages"]), size="5", as_="h1",
                           style={"overflow_wrap": "anywhere"}, id="thread-subject"),
                rx.cond(
                    S.about != "",
                    rx.text(S.about, " · ", S.professional_name, size="2", color_scheme="gray"),
                ),
                spacing="0",
                min_width="0",
            ),
            align="center",
            width="100%",
        ),
        rx.cond(S.error != "", _error(S.error)),
        rx.vstack(rx.foreach(S.messages, _bubble), spacing="2", width="100%", id="message-list"),
        rx.cond(
            S.can_reply,
            _composer(),
            rx.cond(
                S.messages.length() > 0,
                rx.text(T["messages.read_only"], size="2", color_scheme="gray"),
            ),
        ),
    )
