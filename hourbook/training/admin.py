from django.contrib import admin

from .models import Programme, Session, Trainee


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "programme_type", "start_date", "end_date", "state"]
    list_filter = ["programme_type", "state"]
    search_fields = ["name"]
    raw_id_fields = ["unit", "created_by", "registered_by"]
    readonly_fields = ["start_date", "end_date", "seconds", "registered_at"]
    inlines = [SessionInline]


@admin.register(Trainee)
class TraineeAdmin(admin.ModelAdmin):
    list_display = ["programme", "employee", "assessment"]
    raw_id_fields = ["programme", "employee"]
