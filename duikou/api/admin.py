from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "prefix",
        "read_only",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["read_only"]
    # A token's term and scope are fixed when it is made; a different one is a new token.
    readonly_fields = [
        "token_hash",
        "prefix",
        "created_at",
        "expires_at",
        "read_only",
        "last_used_at",
    ]

    def has_add_permission(self, request):
        return False  # tokens are made on the token page or with `duikou api_token`
