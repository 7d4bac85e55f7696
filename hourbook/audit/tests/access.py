"""The audit log is the academy admin's alone (第四条: 检查监督); everyone else gets 403."""

from hourbook.testing.access import Access, register

register(
    "audit:list",
    Access(
        ok=("academy",),
        forbidden=("employee", "colleague", "outsider", "hr", "parent_hr", "sibling_hr", "manager"),
    ),
)
