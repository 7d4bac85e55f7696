"""Access matrix of the training screens: managers and HR of the unit tree, the academy; 404 for another unit's
HR; 403 for employees without a role. 我的培训班 is every employee's own page.
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from hourbook.testing.access import Access, register
from hourbook.training.choices import SessionLength
from hourbook.training.models import Programme, Trainee
from hourbook.training.tests.factories import enrol, make_programme, past_days

MANAGERS = ("hr", "parent_hr", "manager", "academy")
ALL_MANAGERS = (*MANAGERS, "sibling_hr")
PLAIN = ("employee", "colleague", "outsider")
EMPLOYEES = ("employee", "colleague", "outsider", "hr", "parent_hr", "sibling_hr", "manager")


def programme(cast):
    """A programme of 物理研究所 with one past session and 张三 on the list, present."""
    p = make_programme(cast.units["unit"], past_days(1, SessionLength.DAY), name="物理所青年骨干培训班")
    trainees = enrol(p, [cast.employee.employee])
    return {"programme": p, "trainee": trainees[0]}


def pk(cast, objects):
    return {"pk": objects["programme"].pk}


def arp_file(cast, objects):
    workbook = Workbook()
    workbook.active.append(["员工ARP编号"])
    workbook.active.append([cast.colleague.employee.arp])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return {"file": SimpleUploadedFile("名单.xlsx", buffer.getvalue())}


def managed(method="GET", ok_status=(200,), data=None, wrong_method="auto", effect=None):
    return Access(
        method=method,
        ok=MANAGERS,
        not_found=("sibling_hr",),
        forbidden=PLAIN,
        ok_status=ok_status,
        setup=programme,
        kwargs=pk,
        data=data,
        wrong_method=wrong_method,
        effect=effect,
    )


def _colleague_enrolled(cast, objects) -> bool:
    return Trainee.objects.filter(programme=objects["programme"], employee=cast.colleague.employee).exists()


register("training:programme_list", Access(ok=ALL_MANAGERS, forbidden=PLAIN))
register("training:programme_create", Access(ok=ALL_MANAGERS, forbidden=PLAIN, wrong_method="PUT"))
register("training:trainee_template", Access(ok=ALL_MANAGERS, forbidden=PLAIN))
register("training:programme_edit", managed(wrong_method="PUT"))
register(
    "training:programme_delete",
    managed(
        "POST",
        (302,),
        effect=lambda cast, objects: not Programme.objects.filter(pk=objects["programme"].pk).exists(),
    ),
)
register("training:programme_detail", managed())
register("training:employee_search", managed(data=lambda cast, objects: {"q": "李"}))
register(
    "training:trainee_add",
    managed(
        "POST",
        (302,),
        data=lambda cast, objects: {"employee": [cast.colleague.employee.pk]},
        effect=_colleague_enrolled,
    ),
)
register("training:trainee_import", managed("POST", (302,), data=arp_file, effect=_colleague_enrolled))
register(
    "training:trainee_remove",
    managed(
        "POST",
        (302,),
        data=lambda cast, objects: {"trainee": [objects["trainee"].pk]},
        effect=lambda cast, objects: not Trainee.objects.filter(pk=objects["trainee"].pk).exists(),
    ),
)
register("training:attendance", managed(wrong_method="PUT"))
register(
    "training:register",
    managed(
        "POST",
        (302,),
        effect=lambda cast, objects: Programme.objects.filter(
            pk=objects["programme"].pk, registered_at__isnull=False
        ).exists(),
    ),
)
register("training:export_attendance", managed())
register("training:export_hours", managed())
register("training:signin_sheet", managed())
register("training:my_programmes", Access(ok=EMPLOYEES, not_found=("academy",)))
