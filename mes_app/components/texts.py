"""The interface texts on the page: ``T["key"]`` is the text of ``key`` in the user's language.

The table is not state. It is a static JavaScript module (``assets/texts.js``, generated from
:mod:`mes_app.i18n` when the app is built) that the pages import, so it reaches the browser
once, cached with the pages, instead of sitting in every client's pickled state. Only the
language (``AppState.lang``) is state, and switching it re-renders the texts.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import reflex as rx
from reflex.utils.imports import ImportVar
from reflex.vars.base import Var, VarData

from mes_app import i18n
from mes_app.state.base import AppState

ASSET_NAME = "texts.js"
_IMPORT = f"$/public/{ASSET_NAME}"


def write_asset(assets_dir: Path) -> Path:
    """Write ``texts.js`` into the app's assets folder (only when it changed, so a running
    dev server is not reloaded for nothing)."""
    target = assets_dir / ASSET_NAME
    source = i18n.js_module()
    if not target.exists() or target.read_text(encoding="utf-8") != source:
        assets_dir.mkdir(parents=True, exist_ok=True)
        target.write_text(source, encoding="utf-8")
    return target


def _texts_var() -> rx.vars.ObjectVar:
    lang = cast(Var, AppState.lang)  # a Var at class level (pyright sees the declared str)
    fallback = i18n.DEFAULT_LANG
    return Var(
        _js_expr=f"(MES_TEXTS[{lang!s}] ?? MES_TEXTS.{fallback})",
        _var_type=dict[str, str],
        _var_data=VarData.merge(
            lang._get_all_var_data(), VarData(imports={_IMPORT: [ImportVar(tag="MES_TEXTS", install=False)]})
        ),
    ).to(dict[str, str])


T = _texts_var()
