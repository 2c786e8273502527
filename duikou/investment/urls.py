from django.urls import path

from . import views

app_name = "investment"
urlpatterns = [
    path("", views.deal_list, name="list"),
    path("new/", views.deal_new, name="new"),
    path("<int:pk>/", views.deal_detail, name="detail"),
    path("<int:pk>/edit/", views.deal_edit, name="edit"),
    path("<int:pk>/stage/", views.deal_stage, name="stage"),
    path("<int:pk>/funds/", views.deal_funds, name="funds"),
    path("funds/<int:pk>/correct/", views.funds_correct, name="funds_correct"),
    path("funds/<int:pk>/void/", views.funds_void, name="funds_void"),
]
