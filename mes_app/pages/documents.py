"""Documents: list by date, category filter, title search, open/download, upload with a
progress bar, per-document sharing switches, delete with confirmation. And the access history.
"""

from __future__ import annotations

import reflex as rx

from mes_app.components.controls import back_link, secret_badge, secret_checkbox, secret_switch, switch_hit
from mes_app.components.dialogs import confirm_dialog
from mes_app.components.file_link import file_link
from mes_app.components.forms import SELECT_STYLE, field
from mes_app.components.layout import T, app_page, empty_state, page_title, section_gate
from mes_app.domain.documents import ACCEPT_ATTRIBUTE
from mes_app.state.access_history import AccessHistoryState
from mes_app.state.base import AppState
from mes_app.state.document_dialogs import DocumentDialogsState as Dialogs
from mes_app.state.documents import DocumentsState

# Posts the form to our own route (session cookie, streamed, size-capped) with a progress
# bar; resolves with {ok, code}, which Reflex hands to DocumentsState.upload_finished.
UPLOAD_SCRIPT = r"""
(async () => {
  const form = document.getElementById('document-upload-form');
  if (!form) return {ok: false, code: 'error.upload_failed'};
  const picker = document.getElementById('document-file');
  const camera = document.getElementById('document-camera');
  const files = [picker && picker.files[0], camera && camera.files[0]].filter(Boolean);
  files.sort((a, b) => b.lastModified - a.lastModified);
  if (!files.length) return {ok: false, code: 'error.document_no_file'};
  if (!form.reportValidity()) return {ok: false, code: ''};
  const data = new FormData();
  for (const name of ['profile_id', 'title', 'document_date', 'category']) {
    data.append(name, form.elements[name].value);
  }
  const secret = form.elements['hidden_from_guardians'];
  if (secret && secret.checked) data.append('hidden_from_guardians', 'on');
  data.append('file', files[0], files[0].name);
  const box = document.getElementById('upload-progress-box');
  const bar = document.getElementById('upload-progress');
  const label = document.getElementById('upload-progress-label');
  const button = document.getElementById('document-send');
  const show = (pct) => { bar.value = pct; label.textContent = pct + ' %'; };
  box.style.display = 'flex'; show(0);
  if (button) button.disabled = true;
  const result = await new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/documents');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) show(Math.round(100 * e.loaded / e.total)); };
    xhr.onload = () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
      if (xhr.status === 201) resolve({ok: true, code: ''});
      else if (xhr.status === 413) resolve({ok: false, code: 'error.document_too_large'});
      else resolve({ok: false, code: typeof body.code === 'string' ? body.code : 'error.upload_failed'});
    };
    xhr.onerror = () => resolve({ok: false, code: 'error.upload_failed'});
    xhr.onabort = () => resolve({ok: false, code: 'error.document_incomplete'});
    xhr.send(data);
  });
  box.style.display = 'none';
  if (button) button.disabled = false;
  return result;
})()
"""

ROW_STYLE = {"display": "flex", "gap": "0.75rem", "align_items": "center", "min_height": "44px", "width": "100%"}
def _upload_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(T["documents.add"], size="4", as_="h2"),
                rx.el.input(type="hidden", name="profile_id", value=AppState.active_value),
                field(T["documents.title_field"] + " *",
                      rx.input(name="title", required=True, max_length=200, size="3", width="100%",
                               id="document-title")),
                field(T["documents.date"] + " *",
                      rx.input(name="document_date", type="date", required=True, size="3", width="100%",
                               default_value=DocumentsState.today, max=DocumentsState.today, id="document-date")),
                field(T["documents.category"] + " *",
                      rx.el.select(
                          rx.el.option("—", value=""),
                          rx.foreach(DocumentsState.categories, lambda c: rx.el.option(c.label, value=c.code)),
                          name="category", required=True, default_value="", style=SELECT_STYLE,
                          id="document-category",
                      )),
                field(T["documents.file"] + " *",
                      rx.el.input(type="file", id="document-file", accept=ACCEPT_ATTRIBUTE,
                                  style={"min_height": "44px", "width": "100%", "font_size": "1rem"})),
                field(T["documents.take_photo"],
                      rx.el.input(type="file", id="document-camera", accept="image/*", capture="environment",
                                  style={"min_height": "44px", "width": "100%", "font_size": "1rem"})),
                rx.cond(AppState.can_hide_from_guardians, secret_checkbox()),  # teen: a minor's care team
                rx.text(T["documents.max_size"], " ", DocumentsState.max_size_label, size="1", color_scheme="gray"),
                rx.el.div(
                    rx.el.progress(id="upload-progress", max="100", style={"flex": "1", "height": "12px"}),
                    rx.el.span("0 %", id="upload-progress-label", style={"min_width": "3rem", "text_align": "right"}),
                    rx.el.span(T["documents.sending"], style={"font_size": "0.875rem"}),
                    id="upload-progress-box",
                    role="status",
                    style={"display": "none", "gap": "0.5rem", "align_items": "center", "width": "100%",
                           "flex_wrap": "wrap"},
                ),
                rx.cond(DocumentsState.upload_error != "",
                        rx.callout(DocumentsState.upload_error, color_scheme="red", icon="triangle-alert",
                                   role="alert", id="upload-error", width="100%")),
                rx.button(rx.icon("upload", size=18), T["documents.send"], type="submit", size="3", width="100%",
                          id="document-send"),
                spacing="3",
                width="100%",
            ),
            id="document-upload-form",
            on_submit=rx.call_script(UPLOAD_SCRIPT, callback=DocumentsState.upload_finished),
            reset_on_submit=False,
            key=DocumentsState.upload_form_key,
            width="100%",
        ),
        width="100%",
    )


def _filters() -> rx.Component:
    return rx.vstack(
        rx.input(
            placeholder=T["documents.search"],
            value=DocumentsState.query,
            on_change=DocumentsState.set_query.debounce(300),
            size="3", width="100%", type="search", id="document-search",
            aria_label=T["documents.search"],
        ),
        rx.el.select(
            rx.el.option(T["documents.filter_all"], value=""),
            rx.foreach(DocumentsState.categories, lambda c: rx.el.option(c.label, value=c.code)),
            value=DocumentsState.category_filter,
            on_change=DocumentsState.set_category,
            style=SELECT_STYLE,
            id="document-filter",
            aria_label=T["documents.category"],
        ),
        spacing="2",
        width="100%",
    )


def _kind_icon(kind) -> rx.Component:  # noqa: ANN001 - a Var of str
    """One static icon per kind. ``rx.icon`` with a name known only in the browser would pull
    the chunk that maps all of Lucide's icons (+60 KB gzipped) into the page."""
    style = {"size": 22, "color": rx.color("teal", 11), "flex_shrink": "0"}
    return rx.match(kind, ("pdf", rx.icon("file-text", **style)), ("image", rx.icon("image", **style)),
                    rx.icon("file", **style))


def _document_card(doc) -> rx.Component:  # noqa: ANN001 - a Var of DocumentView
    href = "/api/documents/" + doc.id.to_string()
    return rx.card(
        rx.vstack(
            rx.hstack(
                _kind_icon(doc.kind),
                rx.text(doc.title, weight="bold", style={"overflow_wrap": "anywhere"}, min_width="0"),
                rx.spacer(),
                rx.text(doc.date, size="1", color_scheme="gray", flex_shrink="0"),
                width="100%",
                align="start",
            ),
            rx.text(doc.category_label, " · ", doc.size_label, size="2", color_scheme="gray"),
            rx.flex(
                rx.cond(doc.by_professional,
                        rx.badge(T["documents.by"] + " " + doc.author_name, color_scheme="blue")),
                rx.cond(doc.via_software != "",  # FHIR API (issue 12 item 2)
                        rx.badge(T["record.via"] + " " + doc.via_software, color_scheme="blue", variant="soft",
                                 class_name="via-software")),
                rx.cond(doc.imported_from != "",  # FHIR file import (issue 12 item 3)
                        rx.badge(T["fhir_import.imported_from"] + " " + doc.imported_from, color_scheme="gray",
                                 variant="soft", class_name="imported-from", white_space="normal")),
                rx.cond(doc.by_professional & doc.manageable,
                        rx.badge(T["record.read_only"], color_scheme="gray", variant="soft")),
                rx.cond(doc.hidden_from_professionals,
                        rx.badge(T["documents.hidden_badge"], color_scheme="orange")),
                rx.cond(doc.hidden_from_guardians, secret_badge()),
                gap="2",
                wrap="wrap",
            ),
            rx.cond(doc.can_mark_hidden_from_guardians,
                    secret_switch(doc.hidden_from_guardians,
                                  lambda value: DocumentsState.toggle_secret(doc.id, value))),
            rx.flex(
                file_link(rx.icon("eye", size=16), T["documents.open"], href=href, new_tab=True,
                          class_name="document-open"),
                file_link(rx.icon("download", size=16), T["documents.download"], href=href + "?download=1",
                          download=True, class_name="document-download"),
                rx.cond(doc.lab_report_id > 0,  # lab results (issue 12): the structured report of this PDF
                        rx.link(rx.button(rx.icon("flask-conical", size=16), T["lab.structured_results"],
                                          variant="soft", size="2", min_height="44px"),
                                href="/lab-results/report?id=" + doc.lab_report_id.to_string(),
                                class_name="document-lab-report")),
                rx.cond(doc.manageable,
                        rx.button(rx.icon("users", size=16), T["documents.sharing"], variant="soft", size="2",
                                  min_height="44px", on_click=Dialogs.open_sharing(doc.id),
                                  class_name="document-sharing")),
                rx.cond(doc.deletable,
                        rx.button(rx.icon("trash-2", size=16), T["record.delete"], variant="soft",
                                  color_scheme="red", size="2", min_height="44px",
                                  on_click=Dialogs.ask_delete(doc.id))),
                gap="2",
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _grantee_row(g) -> rx.Component:  # noqa: ANN001 - a Var of GranteeSwitch
    return rx.el.label(
        switch_hit(rx.switch(
            checked=g.on,
            on_change=lambda value: Dialogs.toggle_grantee(g.kind, g.grantee_id, value),
            disabled=g.care_team & Dialogs.sharing_hidden,
            custom_attrs={"data-grantee": g.label},
        )),
        rx.vstack(
            rx.text(g.label, weight="medium", size="2", style={"overflow_wrap": "anywhere"}),
            rx.text(
                T["documents.grantee_" + g.kind],
                rx.cond(g.detail != "", rx.cond(g.care_team, " · ", " ") + g.detail, ""),
                size="1", color_scheme="gray",
            ),
            spacing="0",
            min_width="0",
        ),
        style=ROW_STYLE,
    )


def _sharing_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(T["documents.sharing_title"]),
            rx.dialog.description(Dialogs.sharing_title, size="2", color_scheme="gray",
                                  style={"overflow_wrap": "anywhere"}),
            rx.vstack(
                rx.el.label(
                    switch_hit(rx.switch(checked=Dialogs.sharing_hidden, on_change=Dialogs.toggle_hidden,
                                         color_scheme="orange", id="hide-all-pros")),
                    rx.text(T["documents.hide_all_pros"], weight="medium", size="2"),
                    style=ROW_STYLE,
                ),
                rx.cond(Dialogs.sharing_hidden,
                        rx.callout(T["documents.hidden_note"], icon="eye-off", color_scheme="orange", size="1")),
                rx.separator(),
                rx.cond(
                    Dialogs.sharing_grantees.length() > 0,
                    rx.vstack(rx.foreach(Dialogs.sharing_grantees, _grantee_row), spacing="1", width="100%",
                              id="sharing-grantees"),
                    rx.text(T["documents.no_grantees"], size="2", color_scheme="gray"),
                ),
                rx.dialog.close(rx.button(T["documents.close"], variant="soft", size="3", width="100%",
                                          id="sharing-close")),
                spacing="3",
                width="100%",
                margin_top="0.75rem",
            ),
            width="calc(100vw - 1rem)",
            max_width="30rem",
            max_height="90vh",
            overflow_y="auto",
            padding="1rem",
        ),
        open=Dialogs.sharing_open,
        on_open_change=Dialogs.set_sharing_open,
    )


def _confirm_dialog() -> rx.Component:
    return confirm_dialog(Dialogs, title=T["documents.confirm_delete_title"],
                          text=T["documents.confirm_delete_text"], confirm_label=T["record.delete"],
                          on_confirm=Dialogs.confirm_delete, confirm_id="confirm-delete")


def access_history_link() -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon("history", size=18), rx.text(T["documents.access_history"]), align="center"),
        href="/access-history",
        id="access-history-link",
        style={"min_height": "44px", "display": "flex", "align_items": "center"},
    )


def documents_page() -> rx.Component:
    return app_page(
        rx.hstack(
            back_link("/record", "nav.record"),
            page_title("section.documents"),
            align="center",
        ),
        rx.text(AppState.active_name, color_scheme="gray", size="2"),
        rx.cond(AppState.can_manage_active, access_history_link()),
        section_gate("documents", rx.vstack(
        rx.cond(DocumentsState.error != "",
                rx.callout(DocumentsState.error, color_scheme="red", icon="triangle-alert", role="alert")),
        rx.cond(
            DocumentsState.can_upload,
            rx.button(rx.cond(DocumentsState.upload_open, rx.icon("chevron-up", size=18), rx.icon("plus", size=18)),
                      T["documents.add"], size="3", width="100%", variant=rx.cond(DocumentsState.upload_open,
                                                                                    "soft", "solid"),
                      on_click=DocumentsState.toggle_upload, id="add-document"),
        ),
        rx.cond(DocumentsState.can_upload & DocumentsState.upload_open, _upload_form()),
        _filters(),
        rx.cond(
            DocumentsState.documents.length() > 0,
            rx.vstack(rx.foreach(DocumentsState.documents, _document_card), spacing="2", width="100%",
                      id="document-list"),
            empty_state("documents.empty", "file-text"),
        ),
        rx.cond(
            DocumentsState.has_more,
            rx.button(T["documents.more"], on_click=DocumentsState.show_more, variant="soft", size="3",
                      width="100%", min_height="44px", id="documents-more"),
        ),
        _sharing_dialog(),
        _confirm_dialog(),
        spacing="4", width="100%", align="stretch")),
    )


def _access_row(row) -> rx.Component:  # noqa: ANN001 - a Var of AccessRow
    return rx.hstack(
        rx.cond(row.refused,
                rx.icon("shield-alert", size=18, color=rx.color("red", 10), flex_shrink="0"),
                rx.icon("eye", size=18, color=rx.color("teal", 11), flex_shrink="0")),
        rx.vstack(
            rx.text(rx.text.strong(row.who), " ", row.what, size="2", style={"overflow_wrap": "anywhere"}),
            rx.text(row.when, " · ", row.via, size="1", color_scheme="gray", style={"overflow_wrap": "anywhere"}),
            spacing="0",
            min_width="0",
        ),
        spacing="3",
        align="start",
        width="100%",
        padding_y="0.5rem",
        border_bottom="1px solid var(--gray-a4)",
    )


def access_history_page() -> rx.Component:
    return app_page(
        rx.hstack(
            back_link("/documents", "section.documents"),
            page_title("access.title"),
            align="center",
        ),
        rx.text(AppState.active_name, color_scheme="gray", size="2"),
        rx.text(T["access.intro"], size="2"),
        rx.cond(AccessHistoryState.error != "",
                rx.callout(AccessHistoryState.error, color_scheme="red", icon="triangle-alert")),
        rx.cond(
            AccessHistoryState.rows.length() > 0,
            rx.vstack(rx.foreach(AccessHistoryState.rows, _access_row), spacing="0", width="100%",
                      id="access-list"),
            empty_state("access.empty", "shield-check"),
        ),
        rx.cond(
            AccessHistoryState.has_more,
            rx.button(T["access.more"], on_click=AccessHistoryState.load_more, variant="soft", size="3",
                      width="100%"),
        ),
    )
