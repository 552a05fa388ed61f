"""The MES app: pages, the session-binding middleware, our HTTP routes and guards."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import reflex as rx
from reflex.vars import StringVar

from mes_app.components.texts import T
from mes_app.components.texts import write_asset as write_texts_asset
from mes_app.domain.record_kinds import RECORD_GROUPS
from mes_app.pages.auth import activate_page, forgot_password_page, login_page, register_page, reset_password_page
from mes_app.pages.home import home_page
from mes_app.pages.profiles import profiles_page
from mes_app.pages.records import history_page, record_group_page, record_index_page
from mes_app.settings import settings
from mes_app.state import binding
from mes_app.state.auth import ForgotPasswordState, LoginState, RegisterState, ResetPasswordState
from mes_app.state.base import AppState
from mes_app.state.binding import SessionBindingMiddleware
from mes_app.state.history import HistoryState
from mes_app.state.home import HomeState
from mes_app.state.profiles import ProfilesState
from mes_app.state.records import RecordState
from mes_app.storage.permissions import private_by_default, restrict_folder, restrict_sqlite_files
from mes_app.web import log_redaction, pwa, unavailable
from mes_app.web.routes import build_api, guard, with_public_routes
from mes_app.web.visitor_cookie import visitor_cookie

log_redaction.install()
# The interface texts, as the static module the pages import (mes_app/components/texts.py).
write_texts_asset(Path(__file__).resolve().parent.parent / "assets")
private_by_default()
restrict_sqlite_files(settings.database_url)
restrict_folder(settings.documents_dir)
if settings.state_manager == "disk":
    from reflex.utils.prerequisites import get_states_dir

    restrict_folder(get_states_dir())


def page_title_text(key: str):  # noqa: ANN201 - a string Var
    """The browser tab's title in the user's language: "MES · <page>"."""
    return "MES · " + cast(StringVar, T[key])  # T is typed as a plain Var; its items are strings


class MesApp(rx.App):
    """Reflex's app, whose ASGI entry point gets the public SMART Health Links routes in front
    of Reflex's CORS middleware (that middleware refuses every other origin; those routes must
    answer any viewer: :func:`mes_app.web.routes.with_public_routes`)."""

    def __call__(self):  # noqa: ANN204 - an ASGI app
        return with_public_routes(super().__call__())


app = MesApp(
    html_lang="fr",
    # contrast, visually-hidden text, 44 px switches, the header's rows (assets/a11y.css)
    stylesheets=["/a11y.css"],
    api_transformer=[build_api(), visitor_cookie, guard],
    # The database away in the middle of a handler: one clear, translated message (issue 14 item 4).
    backend_exception_handler=unavailable.backend_exception_handler,
    # On a phone the toasts sit above the bottom navigation (Material's snackbar rule), centred,
    # instead of on top of it: the navigation stays usable while "saved" is shown.
    toaster=rx.toast.provider(
        position="bottom-center",
        custom_attrs={"mobileOffset": {"bottom": "calc(64px + env(safe-area-inset-bottom))"}},
    ),
    head_components=[
        rx.el.script(src="/lang.js"),  # <html lang> follows the chosen language (assets/lang.js)
        # --- installable on a phone (issue 11): manifest, service worker (mes_app/web/pwa.py) ---
        rx.el.meta(name="theme-color", content=pwa.THEME_COLOR),
        rx.el.link(rel="manifest", href=pwa.MANIFEST_PATH),
        rx.el.link(rel="apple-touch-icon", href="/icon-192.png"),
        rx.el.script(src=pwa.REGISTER_PATH, defer=True),
    ],
)
app.add_middleware(SessionBindingMiddleware(), index=0)
binding.attach(app)

app.add_page(login_page, route="/login", title=page_title_text("title.login"), on_load=LoginState.load_login)
app.add_page(
    register_page, route="/register", title=page_title_text("title.register"), on_load=RegisterState.load_register
)
# --- forgotten password (issue 11) ---
app.add_page(
    forgot_password_page,
    route="/forgot-password",
    title=page_title_text("title.forgot"),
    on_load=ForgotPasswordState.load_forgot,
)
app.add_page(activate_page, route="/activate", title=page_title_text("title.activate"))
app.add_page(
    reset_password_page,
    route="/reset-password",
    title=page_title_text("title.reset"),
    on_load=ResetPasswordState.load_reset,
)
app.add_page(home_page, route="/", title="MES", on_load=HomeState.load_home)
app.add_page(history_page, route="/history", title=page_title_text("title.history"), on_load=HistoryState.load_history)
app.add_page(record_index_page, route="/record", title=page_title_text("title.record"), on_load=AppState.load_shell)
for _group in RECORD_GROUPS:
    app.add_page(
        record_group_page(_group),
        route=f"/record/{_group}",
        title=page_title_text("title.record"),
        on_load=RecordState.load_group,
    )
app.add_page(
    profiles_page, route="/profiles", title=page_title_text("title.profiles"), on_load=ProfilesState.load_profiles
)
# --- measures (issue 3) ---
from mes_app.pages.measures import measures_page  # noqa: E402
from mes_app.state.measures import MeasuresState  # noqa: E402

app.add_page(
    measures_page, route="/measures", title=page_title_text("title.measures"), on_load=MeasuresState.load_measures
)
# --- lab results (issue 12) ---
from mes_app.pages.lab_results import lab_report_page, lab_results_page, lab_trend_page  # noqa: E402
from mes_app.state.lab_report import LabReportState, LabTrendState  # noqa: E402
from mes_app.state.lab_results import LabResultsState  # noqa: E402

app.add_page(lab_results_page, route="/lab-results", title=page_title_text("title.lab_results"),
             on_load=LabResultsState.load_lab_results)
app.add_page(lab_report_page, route="/lab-results/report", title=page_title_text("title.lab_results"),
             on_load=LabReportState.load_report)
app.add_page(lab_trend_page, route="/lab-results/test", title=page_title_text("title.lab_results"),
             on_load=LabTrendState.load_trend)
# --- documents (issue 4) ---
from mes_app.pages.documents import access_history_page, documents_page  # noqa: E402
from mes_app.state.access_history import AccessHistoryState  # noqa: E402
from mes_app.state.documents import DocumentsState  # noqa: E402

app.add_page(
    documents_page, route="/documents", title=page_title_text("title.documents"), on_load=DocumentsState.load_documents
)
app.add_page(
    access_history_page,
    route="/access-history",
    title=page_title_text("title.access_history"),
    on_load=AccessHistoryState.load_access_history,
)
# --- appointments, prevention, emergency card (issue 6) ---
from mes_app.pages.appointments import appointments_page  # noqa: E402
from mes_app.state.appointments import AppointmentsState  # noqa: E402

app.add_page(
    appointments_page,
    route="/appointments",
    title=page_title_text("title.appointments"),
    on_load=AppointmentsState.load_appointments,
)
from mes_app.pages.prevention import prevention_page  # noqa: E402
from mes_app.state.prevention import PreventionState  # noqa: E402

app.add_page(
    prevention_page,
    route="/prevention",
    title=page_title_text("title.prevention"),
    on_load=PreventionState.load_prevention,
)
# --- care team, caregivers, summary (issue 5a) ---
from mes_app.pages.care_circle import care_team_page, caregivers_page, patients_page, who_can_see_page  # noqa: E402
from mes_app.state.care_team import CareTeamState, PatientsState  # noqa: E402
from mes_app.state.caregivers import CaregiversState  # noqa: E402
from mes_app.state.who_can_see import WhoCanSeeState  # noqa: E402

app.add_page(
    care_team_page, route="/care-team", title=page_title_text("title.care_team"), on_load=CareTeamState.load_care_team
)
app.add_page(
    caregivers_page,
    route="/caregivers",
    title=page_title_text("title.caregivers"),
    on_load=CaregiversState.load_caregivers,
)
app.add_page(
    who_can_see_page,
    route="/who-can-see",
    title=page_title_text("title.who_can_see"),
    on_load=WhoCanSeeState.load_who_can_see,
)
app.add_page(
    patients_page, route="/patients", title=page_title_text("title.patients"), on_load=PatientsState.load_patients
)
# --- share links, emergency card (issue 5b / 6) ---
from mes_app.pages.share import share_page  # noqa: E402
from mes_app.pages.summary import link_page, summary_page  # noqa: E402
from mes_app.state.link_visit import LinkVisitState  # noqa: E402
from mes_app.state.share import ShareState  # noqa: E402
from mes_app.state.summary import SummaryState  # noqa: E402

app.add_page(summary_page, route="/summary", title=page_title_text("title.summary"), on_load=SummaryState.load_summary)
app.add_page(share_page, route="/share", title=page_title_text("title.share"), on_load=ShareState.load_share)
app.add_page(link_page, route="/s", title=page_title_text("title.shared_summary"), on_load=LinkVisitState.load_link)
from mes_app.pages.emergency import emergency_page, urgence_page  # noqa: E402
from mes_app.state.emergency import EmergencyState  # noqa: E402
from mes_app.state.emergency_visit import EmergencyVisitState  # noqa: E402

app.add_page(
    emergency_page,
    route="/emergency-card",
    title=page_title_text("title.emergency"),
    on_load=EmergencyState.load_emergency,
)
app.add_page(
    urgence_page, route="/urgence", title=page_title_text("title.emergency"), on_load=EmergencyVisitState.load_card
)
# --- messages (issue 5c) ---
from mes_app.pages.messages import messages_page, thread_page  # noqa: E402
from mes_app.state.messages import MessagesState, UnreadState  # noqa: E402
from mes_app.state.thread import ThreadState  # noqa: E402

app.add_page(
    messages_page,
    route="/messages",
    title=page_title_text("title.messages"),
    on_load=[MessagesState.load_messages, UnreadState.refresh_unread],
)
app.add_page(
    thread_page,
    route="/messages/thread",
    title=page_title_text("title.messages"),
    on_load=[ThreadState.load_thread, UnreadState.refresh_unread],
)
# --- take-out archive (issue 13, item 2) ---
from mes_app.pages.takeout import takeout_page  # noqa: E402
from mes_app.state.takeout import TakeoutState  # noqa: E402

app.add_page(takeout_page, route="/takeout", title=page_title_text("title.takeout"), on_load=TakeoutState.load_takeout)

# --- closing and deleting (issue 13, item 3) ---
from mes_app.pages.closing import account_deleted_page, closing_page  # noqa: E402
from mes_app.state.closing import ClosingState  # noqa: E402

app.add_page(closing_page, route="/profiles/close", title=page_title_text("title.closing"),
             on_load=ClosingState.load_close_profile)
app.add_page(closing_page, route="/account/delete", title=page_title_text("title.account_delete"),
             on_load=ClosingState.load_delete_account)
app.add_page(account_deleted_page, route="/account/deleted", title=page_title_text("title.account_deleted"))

# --- connected software of a professional: the FHIR API (issue 12 item 2) ---
from mes_app.pages.connected_software import PATH as SOFTWARE_PATH  # noqa: E402
from mes_app.pages.connected_software import connected_software_page  # noqa: E402
from mes_app.state.connected_software import ConnectedSoftwareState  # noqa: E402

app.add_page(
    connected_software_page,
    route=SOFTWARE_PATH,
    title=page_title_text("title.connected_software"),
    on_load=ConnectedSoftwareState.load_software,
)

# --- teen (issue 13 item 4): the hand-over of a profile at 18 ---
from mes_app.pages.majority import majority_page  # noqa: E402
from mes_app.state.majority import MajorityState  # noqa: E402

app.add_page(majority_page, route="/majority", title=page_title_text("title.majority"),
             on_load=MajorityState.load_majority)

# --- FHIR file import by the patient (issue 12 item 3) ---
from mes_app.pages.fhir_import import PATH as FHIR_IMPORT_PATH  # noqa: E402
from mes_app.pages.fhir_import import fhir_import_page  # noqa: E402
from mes_app.state.fhir_import import FhirImportState  # noqa: E402

app.add_page(fhir_import_page, route=FHIR_IMPORT_PATH, title=page_title_text("fhir_import.title"),
             on_load=FhirImportState.load_import)

# --- account security (issue 15, item 3) ---
from mes_app.pages.security import login_code_page, security_page  # noqa: E402
from mes_app.state.security import SecurityState  # noqa: E402
from mes_app.state.security_login import LoginCodeState  # noqa: E402

app.add_page(security_page, route="/account/security", title=page_title_text("title.security"),
             on_load=SecurityState.load_security)
app.add_page(login_code_page, route="/login/code", title=page_title_text("title.login_code"),
             on_load=LoginCodeState.load_code)


# --- operator console and professionals who join (issue 15 item 1) ---
from mes_app.pages.professionals import APPLY_PATH, CONSOLE_PATH, apply_page, console_page  # noqa: E402
from mes_app.state.operator_professionals import OperatorProfessionalsState  # noqa: E402
from mes_app.state.professionals import ProfessionalApplyState  # noqa: E402

app.add_page(apply_page, route=APPLY_PATH, title=page_title_text("title.professional_apply"),
             on_load=ProfessionalApplyState.load_apply)
app.add_page(console_page, route=CONSOLE_PATH, title=page_title_text("title.operator_professionals"),
             on_load=OperatorProfessionalsState.load_console)

from mes_app.pages.operator_console import ACCOUNTS_PATH, HOME_PATH, accounts_page, console_home_page  # noqa: E402
from mes_app.state.operator_accounts import OperatorAccountsState  # noqa: E402
from mes_app.state.operator_console import OperatorHomeState  # noqa: E402

app.add_page(console_home_page, route=HOME_PATH, title=page_title_text("title.operator"),
             on_load=OperatorHomeState.load_home)
app.add_page(accounts_page, route=ACCOUNTS_PATH, title=page_title_text("title.operator_accounts"),
             on_load=OperatorAccountsState.load_accounts)


# --- statistics (issue 15 item 1) ---
# (page /operator/stats goes here)
from mes_app.pages.operator_stats import operator_stats_page  # noqa: E402
from mes_app.state.operator_stats import ROUTE as OPERATOR_STATS_PATH  # noqa: E402
from mes_app.state.operator_stats import OperatorStatsState  # noqa: E402

app.add_page(operator_stats_page, route=OPERATOR_STATS_PATH, title=page_title_text("title.operator_stats"),
             on_load=OperatorStatsState.load_stats)


# --- notifications (issue 15 item 2) ---
# (page /account/notifications goes here)
from mes_app.pages.notifications import notifications_page  # noqa: E402
from mes_app.services.notifications import start_worker  # noqa: E402
from mes_app.state.notifications import NotificationsState  # noqa: E402

app.add_page(notifications_page, route="/account/notifications", title=page_title_text("title.notifications"),
             on_load=NotificationsState.load_notifications)


def _notification_worker() -> None:
    """At start-up: the thread that sends the notification e-mails (MES_NOTIFICATIONS_WORKER)."""
    if settings.notifications_worker:
        start_worker()


app.register_lifespan_task(_notification_worker)


# --- faults survived (issue 14 item 4) ---
def _sweep_document_store() -> None:
    """At start-up: erase what a killed server left in the document store (half-written files,
    files whose row was never committed); files another live worker is writing are kept."""
    import logging

    from mes_app.db.engine import get_engine
    from mes_app.services.documents import sweep_orphans
    from mes_app.storage import default_storage

    try:
        partial, stored = sweep_orphans(get_engine(), default_storage())
    except Exception as exc:  # noqa: BLE001 - the service starts anyway; the next start sweeps again
        logging.getLogger(__name__).warning("document store sweep failed (%s)", type(exc).__name__)
        return
    if partial or stored:
        logging.getLogger(__name__).warning(
            "document store sweep: %d half-written file(s) and %d file(s) without a document erased", partial, stored)


app.register_lifespan_task(_sweep_document_store)
