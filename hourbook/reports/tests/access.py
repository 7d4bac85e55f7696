"""Access matrix of the unit report and its exports: HR admins of 物理研究所's tree and the academy admin;
another unit's HR gets 404 for 物理研究所; employees and programme managers get 403."""

from hourbook.testing.access import Access, register

NOT_HR = ("employee", "colleague", "outsider", "manager")


def _unit(cast, objects):
    return {"unit": cast.units["unit"].pk}


for name in ("reports:unit", "reports:unit_export", "reports:records_export"):
    register(
        name,
        Access(ok=("hr", "parent_hr", "academy"), not_found=("sibling_hr",), forbidden=NOT_HR, data=_unit),
    )
