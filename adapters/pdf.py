"""HTML to PDF with WeasyPrint: the printable documents the municipality files (the complaint
receipt, the screening letters, the PDCA consolidated report, the monthly complaint report) are
rendered from the same HTML their pages show.

Nothing is fetched from the network: the document's links resolve against a made-up origin and
the fetcher serves only files under the project's ``static/`` (the stylesheets and the Sarabun
fonts); any other address is refused. WeasyPrint needs Debian's pango (ops/
install_system_packages.sh); without it ``PdfUnavailable`` is raised and the HTML stays the way
to print. Rendering takes CPU for a moment: call ``html_to_pdf`` off the event loop (a sync
route runs in FastAPI's thread pool)."""

import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from core.settings import PROJECT_ROOT

STATIC_DIR = PROJECT_ROOT / "static"
BASE_URL = "https://documents.kkm.invalid/"
"""The documents' links (``/static/…``) resolve against this origin, which the fetcher maps to
``static/`` on disk; nothing is ever asked of it over the network."""
STATIC_PREFIX = "/static/"

FONT_FACES = "\n".join(
    f'@font-face {{ font-family: "Sarabun PDF {script}"; font-weight: {weight}; '
    f'src: url("/static/fonts/sarabun-{script.lower()}-{weight}-normal.woff2"); }}'
    for script in ("Latin", "Thai")
    for weight in (400, 700)
)
"""Sarabun's Latin and Thai subsets under a family name each. WeasyPrint tells fonts apart by
family, weight and style, so the two files of one family that fonts.css declares (split by
unicode-range) would be written as one PDF font and the Latin letters drawn with Thai glyphs."""

PAGE_CSS = f"""
{FONT_FACES}
@page {{ size: A4; margin: 18mm 15mm 18mm 20mm; }}
* {{ font-family: "Sarabun PDF Latin", "Sarabun PDF Thai", sans-serif !important; }}
"""
"""The page for documents without their own ``@page`` (a user stylesheet: a document's own
``@page``, the letters' full-bleed A4, wins) and Sarabun for every element."""
PAGE_NUMBERS_CSS = """
@page { @bottom-right { content: "หน้า " counter(page) " / " counter(pages);
  font-family: "Sarabun PDF Latin", "Sarabun PDF Thai"; font-size: 9pt; color: #555; } }
"""

MAIL_LAYOUT_CSS = """
body, body > table { background: #fff !important; padding: 0 !important; }
table[width="600"] { max-width: none !important; width: 100% !important; border: none !important; }
table[width="600"] > tbody > tr:last-child { display: none !important; }
.pdf-hidden { display: none !important; }
"""
"""Documents that are also mailed (the receipt, the monthly report) use the mail layout
(templates/mail/_layout.html): on paper without the grey frame and without the mail's footer
("this mail was sent automatically"); links to download the PDF (``pdf-hidden``) are dropped."""


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot run here (pango is not installed)."""


@dataclass(frozen=True)
class PdfDocument:
    """What to render: the page's HTML, its title (the PDF's metadata), and print rules that
    adapt a page made for another medium (the mail layout) to paper."""

    html: str
    title: str
    print_css: str = ""
    page_numbers: bool = True
    """"หน้า n / m" in the bottom margin; off for pages without margins (the letters)."""
    lang: str = "th"
    keywords: list[str] = field(default_factory=list)


def static_file(url: str) -> Path | None:
    """The file under ``static/`` that a document's address names, or None for anything else
    (another origin, a path outside ``static/``, a missing file)."""
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    path = unquote(parts.path)
    if not path.startswith(STATIC_PREFIX):
        return None
    root = STATIC_DIR.resolve()
    found = (root / path.removeprefix(STATIC_PREFIX)).resolve()
    if not found.is_relative_to(root) or not found.is_file():
        return None
    return found


def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: pango's shared libraries are missing
        raise PdfUnavailable(str(exc)) from exc
    return weasyprint


def _fetcher_class(weasyprint: Any) -> type:
    class StaticOnlyFetcher(weasyprint.URLFetcher):  # type: ignore[misc, name-defined]
        """Serves the project's static files; refuses every other address (no network)."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            found = static_file(url)
            if found is None:
                raise ValueError(f"not a static file of the project: {url}")
            kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            if found.suffix == ".woff2":
                kind = "font/woff2"
            return weasyprint.urls.URLFetcherResponse(
                url, found.read_bytes(), {"Content-Type": kind}
            )

    return StaticOnlyFetcher


SARA_AM = re.compile("([\u0e48-\u0e4b]?)\u0e33")
"""SARA AM (ำ) with the tone mark before it, if any."""


def decompose_sara_am(text: str) -> str:
    """ำ written as NIKHAHIT + SARA AA, the tone mark between, as the shaper (HarfBuzz) draws
    it anyway: WeasyPrint maps each glyph to the text of the first cluster it drew, so with ำ
    left whole, the SARA AA glyph it shares with า made the PDF's text read "ตำม" for "ตาม"
    (copy, search). Drawn the same; the text then holds the two marks instead of ำ."""
    return SARA_AM.sub("\u0e4d\\1\u0e32", text)


def html_to_pdf(document: PdfDocument) -> bytes:
    """The document as PDF bytes: A4, Sarabun embedded (subset), title and language set."""
    weasyprint = _weasyprint()
    fetcher = _fetcher_class(weasyprint)()
    fonts = weasyprint.text.fonts.FontConfiguration()
    user_css = weasyprint.CSS(
        string=PAGE_CSS + (PAGE_NUMBERS_CSS if document.page_numbers else "") + document.print_css,
        base_url=BASE_URL,
        url_fetcher=fetcher,
        font_config=fonts,
    )
    page = weasyprint.HTML(
        string=decompose_sara_am(document.html), base_url=BASE_URL, url_fetcher=fetcher
    )
    rendered = page.render(stylesheets=[user_css], font_config=fonts)
    rendered.metadata.title = document.title
    rendered.metadata.lang = document.lang
    rendered.metadata.authors = ["เทศบาลนครขอนแก่น"]
    rendered.metadata.keywords = document.keywords
    return bytes(rendered.write_pdf())
