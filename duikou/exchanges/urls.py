from django.urls import path

from . import views

app_name = "exchanges"
urlpatterns = [
    path("partnerships/", views.partnership_list, name="partnerships"),
    path("partnerships/new/", views.partnership_new, name="partnership_new"),
    path("partnerships/<int:pk>/", views.partnership_detail, name="partnership"),
    path("partnerships/<int:pk>/edit/", views.partnership_edit, name="partnership_edit"),
    path("partnerships/<int:pk>/end/", views.partnership_end_view, name="partnership_end"),
    path("events/", views.event_list, name="events"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("channels/", views.channel_list, name="channels"),
    path("channels/new/", views.channel_new, name="channel_new"),
    path("channels/<int:pk>/", views.channel_detail, name="channel"),
    path("channels/<int:pk>/edit/", views.channel_edit, name="channel_edit"),
    path("channels/<int:pk>/sales/", views.sales_record_new, name="sales_record_new"),
    path("sales/<int:pk>/correct/", views.sales_record_correct_view, name="sales_record_correct"),
    path("sales/<int:pk>/void/", views.sales_record_void_view, name="sales_record_void"),
]
