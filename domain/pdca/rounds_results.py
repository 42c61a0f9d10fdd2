"""A division's results in a round as its report lists them (in the plan's order) and the
rule that a report is submitted whole; how messages name a project."""

from sqlmodel import Session, col, select

from domain.errors import InvalidInput
from models.pdca import PlanProject, ProjectIndicator
from models.pdca_round import DivisionReport, IndicatorResult, ProjectResult, ProjectStatus


def project_label(project: PlanProject) -> str:
    """How errors name a project: its number and the start of its name."""
    name = project.name if len(project.name) <= 60 else project.name[:57] + "…"
    return f"โครงการลำดับที่ {project.no} ({name})"


def results_of(session: Session, report: DivisionReport) -> list[tuple[ProjectResult, PlanProject]]:
    """The report's results with their projects, in the plan's order."""
    return list(
        session.exec(
            select(ProjectResult, PlanProject)
            .join(PlanProject, col(PlanProject.id) == ProjectResult.project_id)
            .where(ProjectResult.division_report_id == report.id)
            .order_by(col(PlanProject.no))
        ).all()
    )


def check_complete(session: Session, report: DivisionReport) -> None:
    """A report is submitted whole: every project has a status, a project that could not be
    done says why, a completed one gives the value of each of its indicators."""
    reported = {
        (r.project_result_id, r.indicator_id)
        for r in session.exec(
            select(IndicatorResult)
            .join(ProjectResult, col(ProjectResult.id) == IndicatorResult.project_result_id)
            .where(ProjectResult.division_report_id == report.id)
        )
    }
    problems = []
    for result, project in results_of(session, report):
        label = project_label(project)
        if result.status == ProjectStatus.awaiting:
            problems.append(f"{label}: ยังไม่ได้ระบุสถานะการดำเนินงาน")
        elif result.status == ProjectStatus.not_done and not result.reason.strip():
            problems.append(f"{label}: กรุณาระบุเหตุผลที่ไม่สามารถดำเนินการได้")
        elif result.status == ProjectStatus.completed:
            missing = [
                i.seq
                for i in session.exec(
                    select(ProjectIndicator)
                    .where(ProjectIndicator.project_id == project.id)
                    .order_by(col(ProjectIndicator.seq))
                )
                if (result.id, i.id) not in reported
            ]
            if missing:
                numbers = ", ".join(str(n) for n in missing)
                problems.append(f"{label}: ดำเนินการแล้วเสร็จ กรุณากรอกผลตัวชี้วัดที่ {numbers}")
    if problems:
        raise InvalidInput(
            "ส่งรายงานไม่ได้ — "
            + "; ".join(problems[:5])
            + (f" และอีก {len(problems) - 5} รายการ" if len(problems) > 5 else ""),
            errors=[{"field": "results", "message": p} for p in problems],
        )
