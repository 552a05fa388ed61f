"""A plain HTML form that the browser submits itself (Reflex's forms always prevent that).

Used where a value must never travel through Reflex state: the password of the log-in form
goes straight to ``POST /api/login``; log-out posts to ``/api/logout``.
"""

from __future__ import annotations

from reflex_components_core.el.elements.forms import Form


class NativeForm(Form):
    @classmethod
    def create(cls, *children, **props):  # noqa: ANN003, ANN206
        component = super().create(*children, **props)
        component.event_triggers.pop("on_submit", None)
        return component


native_form = NativeForm.create
