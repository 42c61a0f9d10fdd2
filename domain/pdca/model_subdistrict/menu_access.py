"""Who sees the model sub-districts in the officers' menu: the owner division registers them;
anyone else sees only those whose audience they are in (``rules.readable_subdistricts``)."""

from sqlmodel import Session

from domain.engine.people import division_by_code
from domain.errors import InvalidInput
from domain.pdca.model_subdistrict.config import default_config
from domain.pdca.model_subdistrict.rules import readable_subdistricts
from models.people import User


def has_business(session: Session, user: User) -> bool:
    """The owner division's officers (who register) and the readers of a sub-district."""
    if not user.active:
        return False
    try:
        owner = division_by_code(session, default_config().owner_division)
    except InvalidInput:  # no such division yet: nobody registers
        owner = None
    if owner is not None and user.division_id == owner.id:
        return True
    return bool(readable_subdistricts(session, user))
