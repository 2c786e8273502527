from django.urls import path

from . import views

app_name = "exchanges"
urlpatterns = [
    path("partnerships/", views.partnership_list, name="partnerships"),
    path("events/", views.event_list, name="events"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("channels/", views.channel_list, name="channels"),
]
