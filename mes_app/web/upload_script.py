"""The browser's side of the file routes (measures CSV, Apple Health, FHIR import): one small
script that posts the chosen file with the session cookie and hands the route's JSON answer to
the state's callback. Pure: a state builds it with its texts and runs it with ``rx.call_script``.
"""

from __future__ import annotations

import json


def post_file_script(input_id: str, url: str, texts: dict[str, str], max_bytes: int,
                     fields: dict[str, str] | None = None) -> str:
    """Post the file of ``<input id=input_id>`` to ``url``: as a form with ``fields`` and
    ``file``, or (``fields`` None) as the raw request body. ``texts``: the messages for
    ``no_file``, ``too_large`` and ``generic``, already in the reader's language."""
    if fields is None:
        send = ("body: input.files[0], headers: {'Content-Type': 'application/octet-stream'}, "
                "credentials: 'same-origin'")
        body = ""
    else:
        send = "body, credentials: 'same-origin'"
        body = "const body = new FormData();" + "".join(
            f"body.append({json.dumps(k)}, {json.dumps(v)});" for k, v in fields.items()
        ) + "body.append('file', input.files[0]);"
    return (
        "(async () => {"
        f"const t = {json.dumps(texts)};"
        f"const input = document.getElementById({json.dumps(input_id)});"
        "if (!input || !input.files || !input.files[0]) return {ok: false, message: t.no_file};"
        f"if (input.files[0].size > {int(max_bytes)}) return {{ok: false, message: t.too_large}};"
        f"{body}"
        "try {"
        f"const r = await fetch({json.dumps(url)}, {{method: 'POST', {send}}});"
        "if ((r.headers.get('content-type') || '').includes('json')) return await r.json();"
        "return {ok: false, message: r.status === 413 ? t.too_large : t.generic};"
        "} catch (e) { return {ok: false, message: t.generic}; }"
        "})()"
    )
