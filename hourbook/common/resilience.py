"""When the database connection drops in the middle of a request (a failover, a killed backend), the
transaction is rolled back by the server: nothing was half-written. Tell the person so, in words they can
act on, instead of a bare 500."""

import functools
import logging

from django.db import DatabaseError, IntegrityError, connection
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)

MSG_INTERRUPTED = _("数据库连接中断，本次操作没有保存任何内容。请稍后重试；重复提交不会产生重复记录。")


def database_interruption_guard(view):
    """Answer 503 with MSG_INTERRUPTED when the database connection fails during the view."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except IntegrityError:
            raise
        except DatabaseError:
            log.warning("database interrupted during %s", request.path, exc_info=True)
            connection.close()  # the next query opens a fresh connection
            return render(request, "common/interrupted.html", {"message": MSG_INTERRUPTED}, status=503)

    return wrapper
