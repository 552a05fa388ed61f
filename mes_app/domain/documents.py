"""Documents: which files are accepted, safe file names, and who appears in a document's
sharing panel. Pure Python: no Reflex, no database, time passed in.

Types are decided by the file's first bytes (its "magic"), never by its extension or by what
the browser claims. Allowed: PDF, JPEG, PNG, and HEIC/HEIF photos (the iPhone camera's
format; recognised by their ISO-BMFF ``ftyp`` box).

Sharing (the DMP defaults):
- a professional of the care team sees a document unless it is hidden from all professionals
  or their own switch is off (no switch = on);
- a caregiver or a share link sees it only when their switch is explicitly on, and only if
  their scope includes the documents section.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from mes_app.domain.errors import ValidationError

MIME_PDF = "application/pdf"
MIME_JPEG = "image/jpeg"
MIME_PNG = "image/png"
MIME_HEIC = "image/heic"

ALLOWED_TYPES: dict[str, str] = {MIME_PDF: "pdf", MIME_JPEG: "jpg", MIME_PNG: "png", MIME_HEIC: "heic"}
# Browsers preview these inline (on a phone too); anything else is downloaded.
INLINE_TYPES = frozenset({MIME_PDF, MIME_JPEG, MIME_PNG})
# The accept attribute of the file picker (a hint only: the server sniffs every file).
ACCEPT_ATTRIBUTE = "application/pdf,image/jpeg,image/png,image/heic,image/heif,.pdf,.jpg,.jpeg,.png,.heic,.heif"

SNIFF_BYTES = 16  # how many leading bytes :func:`sniff_type` needs
MAX_FILENAME_LEN = 255
MAX_TITLE_LEN = 200

_HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def sniff_type(head: bytes) -> str | None:
    """The MIME type of a file from its first bytes, or None when it is not an allowed type.

    A ``.pdf`` that is really an executable (``MZ``, ``\\x7fELF``), an HTML page or a script
    gives None.
    """
    if not isinstance(head, (bytes, bytearray)):
        return None
    head = bytes(head[:SNIFF_BYTES])
    if head.startswith(b"%PDF-"):
        return MIME_PDF
    if head.startswith(b"\xff\xd8\xff"):
        return MIME_JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return MIME_PNG
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return MIME_HEIC
    return None


def is_inline(mime_type: str) -> bool:
    return mime_type in INLINE_TYPES


def file_kind(mime_type: str) -> str:
    """``pdf`` | ``image`` | ``other``: what the list shows as an icon."""
    if mime_type == MIME_PDF:
        return "pdf"
    if mime_type.startswith("image/"):
        return "image"
    return "other"


def check_filename(name: object) -> str:
    """The browser's file name, kept for display only (never used as a path).

    Refused with ``error.document_bad_filename``: not text, empty, a path (``/``, ``\\``,
    ``..``), control characters (NUL included) or invisible direction marks, or longer than
    255 characters. Nothing about the name decides the file's type or where it is stored.
    """
    if not isinstance(name, str):
        raise ValidationError("error.document_bad_filename")
    text = unicodedata.normalize("NFC", name).strip()
    if not text or len(text) > MAX_FILENAME_LEN or text in (".", ".."):
        raise ValidationError("error.document_bad_filename", max=MAX_FILENAME_LEN)
    if "/" in text or "\\" in text:
        raise ValidationError("error.document_bad_filename", max=MAX_FILENAME_LEN)
    for ch in text:
        if ch in _BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Cf", "Cs"):
            raise ValidationError("error.document_bad_filename", max=MAX_FILENAME_LEN)
    return text


def download_filename(title: str, mime_type: str) -> str:
    """A safe ASCII file name for ``Content-Disposition``: the title, and the extension of the
    *sniffed* type ("Ordonnance été.pdf" -> "Ordonnance ete.pdf")."""
    base = unicodedata.normalize("NFKD", title or "")
    base = "".join(ch for ch in base if ch.isascii() and (ch.isalnum() or ch in " -_()"))
    base = " ".join(base.split())[:80].strip() or "document"
    return f"{base}.{ALLOWED_TYPES.get(mime_type, 'bin')}"


def size_label(size_bytes: int, lang: str = "fr") -> str:
    """"532 Ko" / "1,4 Mo" in French, "532 KB" / "1.4 MB" in English."""
    kilo, mega = ("Ko", "Mo") if lang != "en" else ("KB", "MB")
    if size_bytes < 1024 * 1024:
        return f"{max(1, round(size_bytes / 1024))} {kilo}"
    text = f"{size_bytes / (1024 * 1024):.1f}".removesuffix(".0")
    return f"{text.replace('.', ',') if lang != 'en' else text} {mega}"


# --------------------------------------------------------------------------- sharing panel


@dataclass(frozen=True)
class Candidate:
    """Someone (or a link) who could see the profile's documents: a row of the sharing panel."""

    kind: str  # professional | caregiver | share_link
    grantee_id: int  # user id, or share link id
    label: str
    detail: str = ""  # a specialty, the link's expiry…


@dataclass(frozen=True)
class GranteeSwitch:
    kind: str
    grantee_id: int
    label: str
    detail: str
    on: bool  # the switch as the patient set it (or its default)
    sees: bool  # whether this grantee sees the document now (a hidden document: no professional)
    # The care team: its switch is locked while the document is hidden from professionals.
    care_team: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "care_team", self.kind == "professional")


def switch_default(kind: str) -> bool:
    """DMP: the care team sees new documents; caregivers and links only when switched on."""
    return kind == "professional"


def grantee_switches(
    candidates: Iterable[Candidate],
    switches: Mapping[tuple[str, int], bool],
    *,
    hidden_from_professionals: bool,
) -> list[GranteeSwitch]:
    """Every candidate with their switch, professionals first, then caregivers, then links."""
    order = {"professional": 0, "caregiver": 1, "share_link": 2}
    rows = []
    for c in candidates:
        stored = switches.get((c.kind, c.grantee_id))
        on = switch_default(c.kind) if stored is None else bool(stored)
        sees = on and not (c.kind == "professional" and hidden_from_professionals)
        rows.append(GranteeSwitch(c.kind, c.grantee_id, c.label, c.detail, on, sees))
    return sorted(rows, key=lambda r: (order.get(r.kind, 9), r.label.casefold(), r.grantee_id))


def scope_includes_documents(sections: Iterable[str]) -> bool:
    return "documents" in {str(s) for s in sections}


def link_is_usable(expires_at: datetime, revoked_at: datetime | None, now: datetime) -> bool:
    """A share link that could still be opened (not revoked, not expired)."""
    return revoked_at is None and now < expires_at


def matches_title(title: str, query: str, normalize) -> bool:  # noqa: ANN001 - normalize: str -> str
    """Accent- and case-insensitive "every word of the query is in the title"."""
    words = normalize(query).split()
    target = normalize(title)
    return all(word in target for word in words)
