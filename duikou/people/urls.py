from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("batches/", views.batch_list, name="batches"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("members/", views.member_list, name="members"),
]
