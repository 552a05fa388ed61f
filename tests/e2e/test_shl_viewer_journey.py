"""A SMART Health Links viewer on another origin reads an MES share link (production build).

The demo parent shares Hugo's allergies with a passcode; then
- an independent SHL client (urllib + ``cryptography``'s AES-GCM, written from the spec, none
  of the server's helpers) sends the CORS preflight of a browser on another origin, then the
  manifest request, and decrypts the JWE;
- a tiny static viewer page served from another port (another origin) reads the link from its
  own URL fragment, POSTs to the manifest from the browser (a preflighted cross-origin request),
  decrypts with WebCrypto, once embedded and once through a one-time ``location`` URL
  (``embeddedLengthMax``); the same page cannot call any other route of the app;
- the parent downloads the IPS Bundle from ``/summary``, and MES's own page opens the link
  from its ``#shlink:/`` fragment.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fhir.resources.R4B.bundle import Bundle
from playwright.sync_api import Page, expect

from tests.e2e.test_documents_journey import PARENT
from tests.e2e.test_journeys import log_in, switch_to

pytestmark = pytest.mark.e2e

PASSCODE = "soleil-2026"

VIEWER_HTML = b"""<!doctype html>
<html><head><meta charset="utf-8"><title>Another SHL viewer</title></head>
<body><pre id="out">loading</pre>
<script>
const b64 = (s) => { s = s.replace(/-/g, "+").replace(/_/g, "/"); while (s.length % 4) s += "=";
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0)); };
async function run() {
  const params = new URLSearchParams(location.search);
  const shlink = location.hash.slice(1);
  const payload = JSON.parse(new TextDecoder().decode(b64(shlink.slice("shlink:/".length))));
  const body = { recipient: "Viewer on another origin", passcode: params.get("passcode") };
  if (params.get("max")) body.embeddedLengthMax = Number(params.get("max"));
  const answer = await fetch(payload.url, { method: "POST", headers: { "content-type": "application/json" },
                                            body: JSON.stringify(body) });
  const manifest = await answer.json();
  const file = manifest.files[0];
  let jwe = file.embedded, how = "embedded";
  if (!jwe) {
    jwe = await (await fetch(file.location)).text();
    how = "location, then " + (await fetch(file.location)).status;
  }
  const [header, , iv, ciphertext, tag] = jwe.split(".");
  const key = await crypto.subtle.importKey("raw", b64(payload.key), "AES-GCM", false, ["decrypt"]);
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: b64(iv), additionalData: new TextEncoder().encode(header) }, key,
    new Uint8Array([...b64(ciphertext), ...b64(tag)]));
  const bundle = JSON.parse(new TextDecoder().decode(plain));
  const allergies = bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === "AllergyIntolerance")
    .map((r) => r.code.text);
  let other = "allowed";
  try {
    await fetch(new URL("/api/documents", payload.url).href,
                { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  } catch (error) { other = "refused"; }
  document.getElementById("out").textContent = JSON.stringify({ how, allergies, language: bundle.language, other });
}
run().catch((error) => { document.getElementById("out").textContent = "error: " + error; });
</script></body></html>
"""


@pytest.fixture(scope="module")
def viewer_origin() -> Iterator[str]:
    """A static page on another port of 127.0.0.1: another origin than the app's localhost."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(VIEWER_HTML)))
            self.end_headers()
            self.wfile.write(VIEWER_HTML)

        def log_message(self, *args) -> None:  # noqa: ANN002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _request(url: str, *, method: str, headers: dict[str, str], body: bytes | None = None):  # noqa: ANN202
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as answer:  # noqa: S310 - a local test server
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def _share_hugos_allergies(page: Page, live_server: str) -> str:
    log_in(page, live_server, *PARENT)
    switch_to(page, "Hugo")
    page.goto(live_server + "/share")
    expect(page.locator("#share-create")).to_be_visible()
    for section in ("conditions", "treatments", "vaccinations"):
        page.locator(f"#share-sec-{section}").uncheck()
    page.locator("#share-passcode").fill(PASSCODE)
    page.locator("#share-label").fill(f"Viewer {uuid.uuid4().hex[:6]}")
    page.locator("#share-create").click()
    expect(page.locator("#share-qr svg")).to_be_visible(timeout=15_000)
    return page.locator("#share-url").input_value()


def test_a_viewer_on_another_origin_reads_a_share_link(live_server: str, viewer_origin: str,
                                                       browser_page: Page) -> None:
    url = _share_hugos_allergies(browser_page, live_server)
    shlink = url.split("#", 1)[1]
    assert shlink.startswith("shlink:/") and "?" not in url.split("#", 1)[0]
    payload = json.loads(_b64(shlink[len("shlink:/"):]))
    assert payload["flag"] == "P" and payload["url"].startswith(live_server + "/api/shl/")

    # --- an independent client, as a browser on another origin would send it
    cors = {"Origin": viewer_origin}
    status, headers, _ = _request(payload["url"], method="OPTIONS", headers={
        **cors, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert 200 <= status < 300
    assert headers["access-control-allow-origin"] == "*"
    assert "POST" in headers["access-control-allow-methods"]
    assert "content-type" in headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in headers
    body = json.dumps({"recipient": "Independent client", "passcode": PASSCODE}).encode()
    status, headers, raw = _request(payload["url"], method="POST", body=body,
                                    headers={**cors, "Content-Type": "application/json"})
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in headers and "set-cookie" not in headers
    [file] = json.loads(raw)["files"]
    protected, _, iv, ciphertext, tag = file["embedded"].split(".")
    assert json.loads(_b64(protected)) == {"alg": "dir", "enc": "A256GCM", "cty": "application/fhir+json"}
    plain = AESGCM(_b64(payload["key"])).decrypt(_b64(iv), _b64(ciphertext) + _b64(tag), protected.encode("ascii"))
    bundle = json.loads(plain)
    Bundle.model_validate(bundle)
    composition = bundle["entry"][0]["resource"]
    codes = {c["code"] for s in composition["section"] for c in s["code"]["coding"]}
    assert {"11450-4", "48765-2", "10160-0"} <= codes
    assert any(r["resource"]["resourceType"] == "AllergyIntolerance" for r in bundle["entry"])
    # a wrong passcode from that origin: 401, readable by the viewer
    status, headers, raw = _request(payload["url"], method="POST", headers={**cors, "Content-Type": "application/json"},
                                    body=json.dumps({"recipient": "x", "passcode": "nope"}).encode())
    assert status == 401 and headers["access-control-allow-origin"] == "*" and "remainingAttempts" in json.loads(raw)

    # --- every other route keeps refusing other origins
    status, headers, _ = _request(live_server + "/api/documents", method="OPTIONS", headers={
        **cors, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert headers.get("access-control-allow-origin") not in ("*", viewer_origin)
    status, _, _ = _request(live_server + "/api/logout", method="POST", headers=cors, body=b"")
    assert status == 403

    # --- a viewer page in the browser, on another origin, reading the link from its fragment
    context = browser_page.context.browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        viewer = context.new_page()
        viewer.goto(f"{viewer_origin}/viewer.html?passcode={PASSCODE}#{shlink}")
        expect(viewer.locator("#out")).to_contain_text("Arachide", timeout=15_000)
        seen = json.loads(viewer.locator("#out").inner_text())
        assert seen["how"] == "embedded" and seen["language"] == "fr-FR"
        assert seen["other"] == "refused"  # a preflighted request to /api/documents
        # a viewer that takes at most 100 characters embedded: a one-time location URL
        viewer.goto(f"{viewer_origin}/viewer.html?passcode={PASSCODE}&max=100#{shlink}")
        expect(viewer.locator("#out")).to_contain_text("Arachide", timeout=15_000)
        assert json.loads(viewer.locator("#out").inner_text())["how"] == "location, then 404"
    finally:
        context.close()

    # --- the parent takes the IPS home from /summary (a download through the checked route)
    page = browser_page
    page.goto(live_server + "/summary")
    expect(page.locator("#summary-download")).to_be_visible(timeout=15_000)
    expect(page.locator("#summary-print-button")).to_be_visible()
    with page.expect_download() as info:
        page.locator("#summary-download").click()
    download = info.value
    assert download.suggested_filename.endswith(".json")
    with open(download.path(), encoding="utf-8") as handle:
        taken = json.load(handle)
    Bundle.model_validate(taken)
    assert taken["type"] == "document" and taken["language"] == "fr-FR"
    patient = next(e["resource"] for e in taken["entry"] if e["resource"]["resourceType"] == "Patient")
    assert patient["name"][0]["given"] == ["Hugo"]

    # --- MES's own page for the link (the fragment form) still opens it
    visitor_context = browser_page.context.browser.new_context(viewport={"width": 390, "height": 844})
    try:
        visitor = visitor_context.new_page()
        visitor.goto(url)
        expect(visitor.locator("#link-passcode")).to_be_visible(timeout=15_000)
        visitor.locator("#link-passcode").fill(PASSCODE)
        visitor.locator("#link-open").click()
        expect(visitor.locator("#summary-allergies")).to_contain_text("Arachide", timeout=15_000)
    finally:
        visitor_context.close()
