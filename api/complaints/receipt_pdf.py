"""The complaint receipt as PDF, the same document as the printable HTML receipt
(``domain.complaints.public.render_receipt``): the citizen's copy, which carries the PIN, is
obtained by POSTing number and PIN (never in an address), from the receipt page the citizen
sees at intake or by the officer at the counter for a walk-in; the centre's copy by the
complaint centre, by the complaint's id."""

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request, Response
from sqlmodel import Session

from adapters.pdf import MAIL_LAYOUT_CSS, PdfDocument
from api.deps import CurrentUser, EngineDep, PathId, SessionDep
from api.pdf_documents import PDF_ANSWER, pdf_response
from api.security import client_of
from domain.complaints.pin import check_pin, normalise_pin
from domain.complaints.public import render_receipt
from domain.complaints.states import CASE_TYPE
from domain.complaints.visibility import can_see_contact
from domain.engine.visibility import can_view
from domain.errors import NotEntitled, NotFound
from models.complaint import Complaint

router = APIRouter(prefix="/api/complaints", tags=["complaints (public)"])

COPY_TITLES = {"citizen": "ฉบับผู้ร้อง", "centre": "ฉบับศูนย์รับเรื่อง"}


def receipt_pdf(
    session: Session, complaint: Complaint, *, copy: Literal["citizen", "centre"], pin: str | None
) -> Response:
    title = f"ใบรับเรื่องร้องเรียนเลขที่ {complaint.number} ({COPY_TITLES[copy]})"
    document = PdfDocument(
        html=render_receipt(session, complaint=complaint, copy=copy, pin=pin),
        title=title,
        print_css=MAIL_LAYOUT_CSS,
        keywords=[complaint.number],
    )
    return pdf_response(
        document,
        ascii_name=f"complaint-receipt-{complaint.number}.pdf",
        thai_name=f"ใบรับเรื่อง-{complaint.number}.pdf",
    )


@router.post("/public/receipt.pdf", response_class=Response, responses=PDF_ANSWER)
def citizen_receipt_pdf(
    request: Request,
    engine: EngineDep,
    session: SessionDep,
    number: Annotated[str, Form(max_length=32)] = "",
    pin: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """The citizen's copy as PDF: number and PIN posted as a form, like the HTML receipt; a
    wrong PIN gets the same answer as an unknown number, and repeated tries are slowed."""
    complaint = check_pin(engine, number=number, pin=pin, client=client_of(request))
    return receipt_pdf(session, complaint, copy="citizen", pin=normalise_pin(pin))


@router.get("/{complaint_id}/receipt.pdf", response_class=Response, responses=PDF_ANSWER)
def centre_receipt_pdf(complaint_id: PathId, user: CurrentUser, session: SessionDep) -> Response:
    """The centre's copy as PDF (contact details and the officer): the complaint centre only."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound("ไม่พบเรื่องร้องเรียน")
    if not can_view(session, user=user, case_type=CASE_TYPE, case_id=complaint_id):
        raise NotEntitled("ท่านไม่มีสิทธิ์ดูเรื่องร้องเรียนนี้")
    if not can_see_contact(session, user=user, complaint=complaint):
        raise NotEntitled("ฉบับศูนย์รับเรื่องเปิดได้เฉพาะศูนย์รับเรื่องร้องเรียน")
    return receipt_pdf(session, complaint, copy="centre", pin=None)
