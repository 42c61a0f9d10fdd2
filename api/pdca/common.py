"""What the plan's routes and pages share: reading an uploaded file within its limit, and the
plan's export as a download."""

from fastapi import UploadFile
from fastapi.responses import JSONResponse, Response

from domain.errors import InvalidInput
from domain.pdca import export
from domain.pdca.import_common import MAX_BYTES
from domain.pdca.summary import PlanView


async def read_upload(upload: UploadFile | None, what: str) -> bytes | None:
    """An uploaded file's bytes (None for no file); a file over the limit is refused."""
    if upload is None or not upload.filename:
        return None
    data = await upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"ไฟล์{what}ใหญ่เกิน 2 MB", field=what)
    return data


def export_response(view: PlanView, format: str) -> Response:
    if format == "json":
        return JSONResponse(
            export.plan_json(view),
            headers={
                "Content-Disposition": f'attachment; filename="{export.filename(view, "json")}"'
            },
        )
    return Response(
        content=export.plan_csv(view).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{export.filename(view, "csv")}"'},
    )
