from django.urls import path

from . import views

app_name = "api_tokens"
urlpatterns = [
    path("", views.tokens, name="list"),
    path("<int:pk>/revoke/", views.token_revoke, name="revoke"),
]
