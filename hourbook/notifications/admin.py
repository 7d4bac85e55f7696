from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "title", "created_at", "read_at"]
    search_fields = ["title", "recipient__username"]
    raw_id_fields = ["recipient"]
