"""An account as the operator console's accounts page shows it, in the reader's language. Pure:
account fields only (no profile, no record)."""

from __future__ import annotations

import dataclasses
from typing import Any

from mes_app import formatting, i18n


@dataclasses.dataclass(frozen=True)
class AccountCard:
    email: str
    name: str
    role: str  # its label
    created: str
    status: str  # activated / waiting for activation, locked
    locked: bool
    second_factor: str
    sessions: str  # "2 open sessions"
    last_activity: str  # "" when never


def account_card(view: Any, lang: str) -> AccountCard:  # noqa: ANN401 - services.operator_accounts.AccountView
    status = "locked" if view.locked else "activated" if view.activated else "pending"
    return AccountCard(
        email=view.email, name=view.display_name, role=i18n.t(f"operator.role.{view.role}", lang),
        created=formatting.day(view.created_at, lang), status=i18n.t(f"operator.account.{status}", lang),
        locked=view.locked,
        second_factor=i18n.t("operator.account.2fa_on" if view.second_factor_on else "operator.account.2fa_off",
                             lang),
        sessions=i18n.t("operator.account.sessions", lang, count=view.active_sessions),
        last_activity=formatting.day_and_time(view.last_activity, lang) if view.last_activity else "",
    )
