from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "owner",
        "kind",
        "status",
        "progress",
        "total",
        "attempts",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "kind"]
    raw_id_fields = ["owner"]
