"""At-risk children's JSON routes (/api/children) and officers' pages (/pages/children):
screening a class, a child's case for the core person and the health staff. ``PAGES`` is a
dict by case type (the package has several workflows)."""

from fastapi import FastAPI

from api.children import (
    admin_pages,
    camp_pages,
    figures_pages,
    pages,
    referral_pages,
    referral_routes,
    routes,
)
from api.workflows import NavLink, WorkflowPages
from domain.children.menu_access import may_follow_referrals, may_use_care
from domain.children.referral_access import may_read_figures


def install(app: FastAPI) -> None:
    app.include_router(routes.router)
    app.include_router(admin_pages.pages)
    app.include_router(pages.pages)


def install_referrals(app: FastAPI) -> None:
    """Referrals, partner agencies, camps and the executives' figures."""
    app.include_router(referral_routes.router)
    app.include_router(referral_pages.pages)
    app.include_router(camp_pages.pages)
    app.include_router(figures_pages.pages)


PAGES: dict[str, WorkflowPages] = {
    "child-care": WorkflowPages(
        install=install,
        case_panel=pages.case_panel,
        nav=(NavLink("/pages/children", "ดูแลเด็กกลุ่มเสี่ยง", shown_to=may_use_care),),
    ),
    "child-referral": WorkflowPages(
        install=install_referrals,
        case_panel=referral_pages.case_panel,
        nav=(
            NavLink("/pages/children/referrals", "ส่งต่อเด็กและเยาวชน", shown_to=may_follow_referrals),
            NavLink("/pages/children/figures", "ตัวเลขสรุปเด็กและเยาวชน", shown_to=may_read_figures),
        ),
    ),
}
