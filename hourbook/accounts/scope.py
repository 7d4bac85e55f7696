"""Who may see what: a user's scope as unit paths, turned into querysets' filters.

Employee: own rows. Unit HR and programme managers: their unit trees. Academy admin: everything.
Every `visible_to(user)` of the project is built from these functions.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from .choices import Role


@dataclass(frozen=True)
class Scope:
    employee_id: int | None
    academy_admin: bool = False
    hr_paths: tuple[str, ...] = field(default_factory=tuple)
    manager_paths: tuple[str, ...] = field(default_factory=tuple)
    hr_unit_ids: tuple[int, ...] = field(default_factory=tuple)
    manager_unit_ids: tuple[int, ...] = field(default_factory=tuple)

    @property
    def is_hr(self) -> bool:
        return self.academy_admin or bool(self.hr_paths)

    @property
    def is_manager(self) -> bool:
        return self.academy_admin or bool(self.hr_paths) or bool(self.manager_paths)


_CACHE_ATTR = "_hourbook_scope"


def scope_of(user) -> Scope:
    """The user's scope, read once per request (two small queries at most)."""
    if user is None or not user.is_authenticated:
        return Scope(employee_id=None)
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    hr, mgr, hr_ids, mgr_ids, admin = [], [], [], [], bool(user.is_superuser)
    for role, path, unit_id in user.roles.values_list("role", "unit__path", "unit_id"):
        if role == Role.ACADEMY_ADMIN:
            admin = True
        elif role == Role.UNIT_HR:
            hr.append(path)
            hr_ids.append(unit_id)
        elif role == Role.PROGRAMME_MANAGER:
            mgr.append(path)
            mgr_ids.append(unit_id)
    scope = Scope(
        employee_id=user.employee_id,
        academy_admin=admin,
        hr_paths=tuple(hr),
        manager_paths=tuple(mgr),
        hr_unit_ids=tuple(hr_ids),
        manager_unit_ids=tuple(mgr_ids),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def paths_q(paths, path_field: str) -> Q:
    """Rows whose unit path lies in any of the given subtrees."""
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{path_field}__startswith": path})
    return condition


def hr_units_q(user, unit_path_field: str = "unit__path") -> Q:
    """Rows in the units an HR admin (or the academy admin) administers."""
    scope = scope_of(user)
    if scope.academy_admin:
        return Q()
    return paths_q(scope.hr_paths, unit_path_field)


def manager_units_q(user, unit_path_field: str = "unit__path") -> Q:
    """Rows in the units whose programmes a user may manage (programme managers and HR)."""
    scope = scope_of(user)
    if scope.academy_admin:
        return Q()
    return paths_q(scope.hr_paths + scope.manager_paths, unit_path_field)


def employee_scope_q(user, employee_field: str = "pk", unit_path_field: str = "unit__path") -> Q:
    """Employee rows a user may see: own; the HR's and managers' unit trees; all for the academy admin."""
    scope = scope_of(user)
    if scope.academy_admin:
        return Q()
    condition = Q(pk__in=[])
    if scope.employee_id:
        condition |= Q(**{employee_field: scope.employee_id})
    return condition | paths_q(scope.hr_paths + scope.manager_paths, unit_path_field)


def owned_or_administered_q(
    user, employee_field: str = "employee_id", unit_path_field: str = "unit__path"
) -> Q:
    """Employee-owned rows (records, evidence): own rows, plus the HR's unit trees, plus all for the academy."""
    scope = scope_of(user)
    if scope.academy_admin:
        return Q()
    condition = Q(pk__in=[])
    if scope.employee_id:
        condition |= Q(**{employee_field: scope.employee_id})
    return condition | paths_q(scope.hr_paths, unit_path_field)
