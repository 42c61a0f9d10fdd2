"""An order's members as an officer types them on the page, one a line, as the order lists
them: ``@username or name | title | role | division code`` (title may be blank for an account,
role blank = กรรมการ, division blank = the steering committee). Errors name the line."""

from domain.errors import InvalidInput
from domain.pdca.orders import MemberIn
from models.pdca_orders import OrderMember, OrderRole

ROLE_WORDS = {
    "ประธาน": OrderRole.chair,
    "ประธานกรรมการ": OrderRole.chair,
    "หัวหน้าคณะกรรมการ": OrderRole.chair,
    "รองประธาน": OrderRole.vice_chair,
    "รองประธานกรรมการ": OrderRole.vice_chair,
    "กรรมการ": OrderRole.member,
    "คณะกรรมการ": OrderRole.member,
    "คณะทำงาน": OrderRole.member,
    "เลขานุการ": OrderRole.secretary,
    "กรรมการและเลขานุการ": OrderRole.secretary,
    "ผู้ช่วยเลขานุการ": OrderRole.assistant_secretary,
    "กรรมการและผู้ช่วยเลขานุการ": OrderRole.assistant_secretary,
} | {role.value: role for role in OrderRole}

MAX_LINES = 400


def parse_members(text: str) -> list[MemberIn]:
    members, problems = [], []
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise InvalidInput("กรุณาระบุรายชื่อกรรมการอย่างน้อย 1 คน", field="members")
    if len(lines) > MAX_LINES:
        raise InvalidInput(f"รายชื่อเกิน {MAX_LINES} บรรทัด", field="members")
    for no, line in enumerate(lines, start=1):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) > 4:
            problems.append(f"บรรทัดที่ {no}: แบ่งได้ไม่เกิน 4 ช่องด้วย | (ชื่อ | ตำแหน่ง | บทบาท | กอง)")
            continue
        who, title, role_word, division = (parts + ["", "", ""])[:4]
        role = ROLE_WORDS.get(role_word or "กรรมการ")
        if role is None:
            problems.append(
                f"บรรทัดที่ {no}: ไม่รู้จักบทบาท {role_word!r} "
                "(ประธาน รองประธาน กรรมการ เลขานุการ ผู้ช่วยเลขานุการ)"
            )
            continue
        if len(who) > 200 or len(title) > 300 or len(division) > 16:
            problems.append(f"บรรทัดที่ {no}: ข้อความยาวเกินไป")
            continue
        account = who.startswith("@")
        members.append(
            MemberIn(
                username=who[1:] if account else None,
                name="" if account else who,
                title=title,
                role=role,
                division_code=division or None,
            )
        )
    if problems:
        raise InvalidInput(" · ".join(problems), field="members", problems=problems)
    return members


def members_text(members: list[OrderMember], usernames: dict[int, str]) -> str:
    """An order's members in the same lines: the starting point of the order replacing it."""
    role_word = {
        OrderRole.chair: "ประธาน",
        OrderRole.vice_chair: "รองประธาน",
        OrderRole.member: "กรรมการ",
        OrderRole.secretary: "เลขานุการ",
        OrderRole.assistant_secretary: "ผู้ช่วยเลขานุการ",
    }
    lines = []
    for m in members:
        who = f"@{usernames[m.user_id]}" if m.user_id in usernames else m.name
        lines.append(
            f"{who} | {m.title} | {role_word[OrderRole(m.role)]} | {m.division_code or ''}".rstrip(
                " |"
            )
        )
    return "\n".join(lines)
