"""Tests of the HTTP routes."""


def use_engine(monkeypatch, engine) -> None:  # noqa: ANN001
    """Point every route module at the test database (each imports ``get_engine`` itself)."""
    from mes_app.web import (
        account_routes,
        document_routes,
        export_routes,
        fhir_routes,
        measure_import,
        routes,
        share_routes,
    )

    for module in (routes, document_routes, share_routes, measure_import, account_routes, export_routes,
                   fhir_routes):
        monkeypatch.setattr(module, "get_engine", lambda: engine)
