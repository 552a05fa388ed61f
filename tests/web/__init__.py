"""Tests of the HTTP routes."""


def use_engine(monkeypatch, engine) -> None:  # noqa: ANN001
    """Point the routes at the test database: their sessions come from ``mes_app.web.db_work``;
    a few modules still import ``get_engine`` for work they hand to other threads (the reset
    mail, the Apple import job)."""
    from mes_app.web import db_work, measure_import, routes

    for module in (db_work, routes, measure_import):
        monkeypatch.setattr(module, "get_engine", lambda: engine)


def log_in(client, who, password: str) -> None:  # noqa: ANN001
    """Log ``who`` in through the routes: the password, then (professionals have two-step
    sign-in on, see tests/factories.py) a code computed from their known secret."""
    import pyotp

    from tests.factories import PROFESSIONAL_TOTP_SECRET

    response = client.post("/api/login", data={"email": who.email, "password": password})
    assert response.status_code == 303
    if response.headers["location"].startswith("/login/code"):
        code = pyotp.TOTP(PROFESSIONAL_TOTP_SECRET).now()
        response = client.post("/api/login/code", data={"code": code})
        landing = "/operator" if getattr(who, "user", who).role == "operator" else "/"  # an operator: the console
        assert response.status_code == 303 and response.headers["location"] == landing, response.headers


def client_for(app, who=None, origin: str = "http://localhost:3000"):  # noqa: ANN001
    """A test client of the app at the app's origin, signed in as ``who`` (through the routes)
    when given. ``origin`` is the Origin header its requests carry (a foreign one to test CSRF)."""
    from starlette.testclient import TestClient

    from tests.factories import PASSWORD

    client = TestClient(app, base_url="http://localhost:3000", follow_redirects=False, headers={"Origin": origin})
    if who is not None:
        log_in(client, who, PASSWORD)
    return client
