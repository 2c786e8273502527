from django.urls import path

from . import views

app_name = "exchanges"
urlpatterns = [
    path("partnerships/", views.partnership_list, name="partnerships"),
    path("partnerships/new/", views.partnership_new, name="partnership_new"),
    path("events/", views.event_list, name="events"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("channels/", views.channel_list, name="channels"),
    path("channels/new/", views.channel_new, name="channel_new"),
]
