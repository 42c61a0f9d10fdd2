"""Reading the PDF documents the tests download (pypdf): the pages are A4, Sarabun is embedded,
the text is there. The PDFs write ำ as its two marks (adapters.pdf.decompose_sara_am); the text
read back has ำ whole again, to compare with ordinary Thai."""

import io
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from pypdf import PdfReader

A4_POINTS = (595.28, 841.89)
"""210 × 297 mm in PDF points."""
DECOMPOSED_SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")


def recompose_sara_am(text: str) -> str:
    return DECOMPOSED_SARA_AM.sub("\\1\u0e33", text)


@dataclass(frozen=True)
class Pdf:
    reader: PdfReader
    data: bytes

    @property
    def pages(self) -> int:
        return len(self.reader.pages)

    @property
    def text(self) -> str:
        return "\n".join(self.page_text(i) for i in range(self.pages))

    def page_text(self, index: int) -> str:
        return recompose_sara_am(self.reader.pages[index].extract_text() or "")

    @property
    def fonts(self) -> set[str]:
        """Embedded fonts' names without the subset tag, e.g. ``Sarabun-PDF-Thai-Bold``."""
        names = set()
        for page in self.reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descriptor = (
                    font.get("/FontDescriptor")
                    or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                )
                descriptor = descriptor.get_object()
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                names.add(str(font["/BaseFont"]).split("+", 1)[-1])
        return names

    @property
    def title(self) -> str:
        return str((self.reader.metadata or {}).get("/Title", ""))

    @property
    def lang(self) -> str:
        return str(self.reader.trailer["/Root"].get("/Lang", ""))


def read_pdf(data: bytes) -> Pdf:
    assert data.startswith(b"%PDF-"), data[:200]
    return Pdf(PdfReader(io.BytesIO(data)), data)


def assert_a4_with_sarabun(pdf: Pdf) -> None:
    """Every page A4 (±1 pt), Sarabun's Thai subset embedded, the document in Thai."""
    for page in pdf.reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4_POINTS[0]) <= 1 and abs(height - A4_POINTS[1]) <= 1, (width, height)
    assert any(name.startswith("Sarabun") and "Thai" in name for name in pdf.fonts), pdf.fonts
    assert pdf.lang == "th"


def download_names(disposition: str) -> tuple[str, str]:
    """(the ASCII filename, the UTF-8 filename*) of a Content-Disposition header."""
    assert disposition.startswith("attachment;"), disposition
    ascii_name = disposition.split('filename="', 1)[1].split('"', 1)[0]
    thai_name = unquote(disposition.split("filename*=UTF-8''", 1)[1])
    return ascii_name, thai_name


def save_first_page_png(data: bytes, path: Path) -> bool:
    """Render the first page to PNG with Debian's pdftoppm where installed (for looking at the
    Thai shaping); False when it is not."""
    import shutil
    import subprocess
    import tempfile

    tool = shutil.which("pdftoppm")
    if tool is None:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "document.pdf"
        source.write_bytes(data)
        subprocess.run(
            [
                tool,
                "-png",
                "-r",
                "110",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(source),
                str(path.with_suffix("")),
            ],
            check=True,
            timeout=60,
        )
    return path.exists()
