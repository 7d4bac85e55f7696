from django.contrib import admin

from .models import Evidence, Record, RecordTransition, UploadBatch


class TransitionInline(admin.TabularInline):
    model = RecordTransition
    extra = 0
    can_delete = False
    readonly_fields = [
        "from_status",
        "to_status",
        "action",
        "actor",
        "reason",
        "record_version",
        "created_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "created_at"]
    exclude = ["file"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Record)
class RecordAdmin(admin.ModelAdmin):
    """Read-mostly: records change through the services (review, sources), so the admin never bypasses them."""

    list_display = [
        "name",
        "employee",
        "unit",
        "year",
        "category",
        "status",
        "seconds",
        "start_date",
        "end_date",
        "deleted_at",
    ]
    list_filter = ["status", "category", "source", "year"]
    search_fields = ["name", "employee__name", "employee__arp"]
    list_select_related = ["employee", "unit"]
    raw_id_fields = ["employee", "unit", "created_by"]
    inlines = [EvidenceInline, TransitionInline]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Record._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UploadBatch)
class UploadBatchAdmin(admin.ModelAdmin):
    list_display = ["filename", "owner", "category", "status", "created_count", "created_at"]
    list_filter = ["status", "category"]
    exclude = ["error_workbook", "rows"]
    raw_id_fields = ["owner", "employee"]
