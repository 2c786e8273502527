from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from duikou.core import views as core_views

admin.site.site_header = "对口 Duikou 管理"
admin.site.site_title = "对口 Duikou"
admin.site.index_title = "援疆台账"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("results/", include("duikou.results.urls")),
    path("ingest/", include("duikou.ingest.urls")),
    path("admin/", admin.site.urls),
]
