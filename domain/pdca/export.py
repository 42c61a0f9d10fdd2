"""The file an officer enters into E-PlanNACC (the national anti-corruption commission's
system for local plans): one line per project in the columns the system asks for, as a CSV
that opens in Excel with the Thai intact (UTF-8 with BOM), or as JSON. Amounts are baht with
two decimals, written from integer satang: exact."""

import csv
import io
from typing import Any

from domain.engine.calendar import thai_date_text
from domain.pdca.money import baht_plain
from domain.pdca.summary import PlanView
from models.pdca import ProjectIndicator, TargetOperator


def _indicator_text(indicators: list[ProjectIndicator]) -> str:
    return "; ".join(
        f"{i.text} {TargetOperator(i.target_operator).thai} "
        f"{i.target_value.normalize():f} {i.target_unit}"
        for i in indicators
    )


def header(view: PlanView) -> list[str]:
    return [
        "ลำดับ",
        "มิติ",
        "ภารกิจตามมิติ",
        "รหัส",
        "โครงการ/กิจกรรม/มาตรการ",
        "หน่วยงานที่รับผิดชอบ",
        *(f"งบประมาณ ปี {y} (บาท)" for y in view.years),
        "รวมงบประมาณ (บาท)",
        "ตัวชี้วัด/ค่าเป้าหมาย",
        "หมายเหตุ",
    ]


def rows(view: PlanView) -> list[list[str]]:
    found = []
    for d in view.dimensions:
        for m in d.missions:
            for p in m.projects:
                found.append(
                    [
                        str(p.project.no),
                        f"{d.dimension.no}. {d.dimension.name}",
                        f"{m.mission.code} {m.mission.name}",
                        p.project.code,
                        p.project.name,
                        p.division_name,
                        *(baht_plain(p.budgets[y]) for y in view.years),
                        baht_plain(p.total),
                        _indicator_text(p.indicators),
                        "ไม่ใช้งบประมาณ" if not any(p.budgets.values()) else "",
                    ]
                )
    return found


def plan_csv(view: PlanView) -> str:
    """The plan as E-PlanNACC's import sheet, with totals per dimension and for the plan."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([view.plan.name, f"ฉบับที่ {view.plan.version}"])
    writer.writerow(
        [
            "ประกาศใช้",
            thai_date_text(view.plan.announced_on) if view.plan.announced_on else "ยังไม่ประกาศใช้",
        ]
    )
    writer.writerow(header(view))
    writer.writerows(rows(view))
    blanks = ["", "", "", ""]
    for d in view.dimensions:
        writer.writerow(
            [
                "",
                f"รวมมิติที่ {d.dimension.no}",
                f"{len(d.projects)} โครงการ",
                *blanks[:3],
                *(baht_plain(d.totals[y]) for y in view.years),
                baht_plain(d.total),
                "",
                "",
            ]
        )
    writer.writerow(
        [
            "",
            "รวมทั้งสิ้น",
            f"{len(view.projects)} โครงการ",
            *blanks[:3],
            *(baht_plain(view.totals[y]) for y in view.years),
            baht_plain(view.total),
            "",
            "",
        ]
    )
    return out.getvalue()


def plan_json(view: PlanView) -> dict[str, Any]:
    """The same content as data: amounts in satang (integers) and as baht text."""
    plan = view.plan
    return {
        "plan": {
            "name": plan.name,
            "version": plan.version,
            "fiscal_years": view.years,
            "announced_on": plan.announced_on.isoformat() if plan.announced_on else None,
            "approved_by": view.approved_by.full_name if view.approved_by else None,
            "division": view.division.name if view.division else None,
        },
        "dimensions": [
            {
                "no": d.dimension.no,
                "name": d.dimension.name,
                "projects": len(d.projects),
                "budget_satang": {str(y): d.totals[y] for y in view.years},
                "missions": [
                    {
                        "code": m.mission.code,
                        "name": m.mission.name,
                        "projects": [
                            {
                                "no": p.project.no,
                                "code": p.project.code,
                                "name": p.project.name,
                                "division_code": p.project.division_code,
                                "division": p.division_name,
                                "budget_satang": {str(y): p.budgets[y] for y in view.years},
                                "budget_baht": {
                                    str(y): baht_plain(p.budgets[y]) or None for y in view.years
                                },
                                "indicators": [
                                    {
                                        "text": i.text,
                                        "operator": str(i.target_operator),
                                        "value": f"{i.target_value:f}",
                                        "unit": i.target_unit,
                                    }
                                    for i in p.indicators
                                ],
                            }
                            for p in m.projects
                        ],
                    }
                    for m in d.missions
                ],
            }
            for d in view.dimensions
        ],
        "totals": {
            "budget_satang": {str(y): view.totals[y] for y in view.years},
            "budget_baht": {str(y): baht_plain(view.totals[y]) for y in view.years},
            "projects": len(view.projects),
        },
        "risks": [
            {
                "seq": r.item.seq,
                "process_step": r.item.process_step,
                "risk": r.item.risk,
                "level": str(r.item.level),
                "controls": [p.no for p in r.controls],
                "published": r.item.published,
            }
            for r in view.risks
        ],
    }


def filename(view: PlanView, ext: str) -> str:
    plan = view.plan
    return f"eplannacc-{plan.fiscal_year_from}-{plan.fiscal_year_to}-v{plan.version}.{ext}"
