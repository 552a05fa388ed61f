"""The MES app: pages, the session-binding middleware, our HTTP routes and guards."""

from __future__ import annotations

import reflex as rx

from mes_app.pages.auth import login_page, register_page
from mes_app.pages.home import home_page
from mes_app.pages.profiles import profiles_page
from mes_app.state.profiles import ProfilesState
from mes_app.pages.records import history_page, record_group_page, record_index_page
from mes_app.domain.record_kinds import RECORD_GROUPS
from mes_app.state.records import HistoryState, RecordState
from mes_app.state.auth import LoginState, RegisterState
from mes_app.state.base import AppState
from mes_app.state.binding import SessionBindingMiddleware
from mes_app.state.home import HomeState
from mes_app.web import log_redaction
from mes_app.web.routes import build_api, guard

log_redaction.install()

app = rx.App(
    html_lang="fr",
    api_transformer=[build_api(), guard],
    head_components=[
        rx.el.meta(name="theme-color", content="#0d9488"),
        rx.el.link(rel="apple-touch-icon", href="/icon-192.png"),
    ],
)
app.add_middleware(SessionBindingMiddleware(), index=0)

app.add_page(login_page, route="/login", title="MES · Connexion", on_load=LoginState.load_login)
app.add_page(register_page, route="/register", title="MES · Créer un compte", on_load=RegisterState.load_register)
app.add_page(home_page, route="/", title="MES", on_load=HomeState.load_home)
app.add_page(history_page, route="/history", title="MES · Histoire de santé", on_load=HistoryState.load_history)
app.add_page(record_index_page, route="/record", title="MES · Dossier", on_load=AppState.load_shell)
for _group in RECORD_GROUPS:
    app.add_page(record_group_page(_group), route=f"/record/{_group}", title="MES · Dossier", on_load=RecordState.load_group)
app.add_page(profiles_page, route="/profiles", title="MES · Profils", on_load=ProfilesState.load_profiles)
# --- measures (issue 3) ---
# --- documents (issue 4) ---
# --- appointments, prevention, emergency card (issue 6) ---
