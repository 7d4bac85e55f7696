"""Access matrix of the training screens: managers and HR of the unit tree, the academy; 404 for another unit's
HR; 403 for employees without a role. 我的培训班 is every employee's own page.

The plan's create and edit pages are also forms: their POSTs are in the matrix too, each with the change it makes
(a programme of the posted name exists), asserted after every allowed POST and refused otherwise.
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from hourbook.common.dates import today
from hourbook.ledger.choices import Form, ProgrammeType
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


def managed(method="GET", ok_status=(200,), data=None, wrong_method="auto", effect=None, post=None):
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
        post=post,
    )


def _colleague_enrolled(cast, objects) -> bool:
    return Trainee.objects.filter(programme=objects["programme"], employee=cast.colleague.employee).exists()


NEW_NAME = "物理所科研诚信专题培训班"
EDITED_NAME = "物理所青年骨干培训班（第二期）"


def _plan(cast, name: str, sessions: dict) -> dict:
    """The plan form of 物理研究所 as a browser posts it: the programme's fields and the sessions formset."""
    return {
        "unit": cast.units["unit"].pk,
        "name": name,
        "content": "科研诚信与学术规范",
        "organiser": "物理研究所",
        "place": "M楼报告厅",
        "programme_type": ProgrammeType.CLASS,
        "form": Form.SPECIAL_COURSE,
        "off_job": "on",
        "assessed": "",
        **sessions,
    }


def _new_plan(cast, objects):
    """A new plan with one full-day session today."""
    return _plan(
        cast,
        NEW_NAME,
        {
            "sessions-TOTAL_FORMS": "1",
            "sessions-INITIAL_FORMS": "0",
            "sessions-0-date": today().isoformat(),
            "sessions-0-length": SessionLength.DAY,
        },
    )


def _renamed_plan(cast, objects):
    """The programme of `programme(cast)` renamed, its one session kept as it is."""
    session = objects["programme"].sessions.get()
    return _plan(
        cast,
        EDITED_NAME,
        {
            "sessions-TOTAL_FORMS": "1",
            "sessions-INITIAL_FORMS": "1",
            "sessions-0-id": session.pk,
            "sessions-0-date": session.date.isoformat(),
            "sessions-0-length": session.length,
        },
    )


register("training:programme_list", Access(ok=ALL_MANAGERS, forbidden=PLAIN))
register(
    "training:programme_create",
    Access(
        ok=ALL_MANAGERS,
        forbidden=PLAIN,
        wrong_method="PUT",
        # The POST names 物理研究所, which 化学研究所's HR cannot choose (a form error, not a refusal by status),
        # so sibling_hr is left out here; the unit field only offers manageable units (training/forms.py).
        post=Access(
            method="POST",
            ok=MANAGERS,
            ok_status=(302,),
            forbidden=PLAIN,
            data=_new_plan,
            effect=lambda cast, objects: Programme.objects.filter(
                name=NEW_NAME, unit=cast.units["unit"]
            ).exists(),
        ),
    ),
)
register("training:trainee_template", Access(ok=ALL_MANAGERS, forbidden=PLAIN))
register(
    "training:programme_edit",
    managed(
        wrong_method="PUT",
        post=managed(
            "POST",
            (302,),
            data=_renamed_plan,
            effect=lambda cast, objects: Programme.objects.filter(
                pk=objects["programme"].pk, name=EDITED_NAME
            ).exists(),
        ),
    ),
)
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
