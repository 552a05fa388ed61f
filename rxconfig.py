"""Reflex configuration. Every value comes from :mod:`mes_app.settings`."""

import os

import reflex as rx
from reflex_base.constants import StateManagerMode
from reflex_base.plugins.sitemap import SitemapPlugin

from mes_app.settings import reflex_state_lease_env, settings
from mes_app.web.origin import allowed_origins

# Under Redis a worker keeps a client's state leased in memory between its events, until another
# worker asks for it (Settings.redis_state_lease_seconds); read when Reflex builds its state manager.
os.environ.update(reflex_state_lease_env(settings))

config = rx.Config(
    app_name="mes_app",
    db_url=settings.database_url,
    # Only our own origin may open the websocket (the default "*" lets any site in): the same
    # list as the same-origin check of every state-changing request (mes_app.web.origin).
    cors_allowed_origins=list(allowed_origins()),
    # The page CSP hashes the inline scripts of each HTML answer; mes_app.web.security_headers
    # can read gzip (stdlib), so that is the only pre-compressed format.
    frontend_compression_formats=["gzip"],
    telemetry_enabled=False,
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="teal", gray_color="slate", radius="large"))],
    show_built_with_reflex=False,
    # Scale-out: several workers share state through Redis (keep it private: Reflex unpickles it).
    redis_url=settings.redis_url or None,
    # Chosen, not left to Reflex's default (disk): see Settings.state_manager.
    state_manager_mode=StateManagerMode(settings.state_manager),
    disable_plugins=[SitemapPlugin],
    # Behind reverse proxies, the client is read from X-Forwarded-For (same rule as our routes).
    trusted_proxy_hops=settings.trusted_proxy_hops,
)
