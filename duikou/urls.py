from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from duikou.api.api import api
from duikou.core import health, metrics
from duikou.reports import views as reports_views
from duikou.web import views as web_views

# Django's own 400 page re-reads a body that could not be read and fails with a 500.
handler400 = "duikou.core.views.bad_request"

admin.site.site_header = "对口 Duikou 管理"
admin.site.site_title = "对口 Duikou"
admin.site.index_title = "援疆台账"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("", web_views.home, name="home"),
    path("public/", reports_views.public_data, name="public"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("results/", include("duikou.results.urls")),
    path("ingest/", include("duikou.ingest.urls")),
    path("jobs/", include("duikou.jobs.urls")),
    path("reports/", include("duikou.reports.urls")),
    path("account/", include("duikou.accounts.urls")),
    path("audit/", include("duikou.audit.urls")),
    path("", include("duikou.web.urls")),
    path("orgs/", include("duikou.orgs.urls")),
    path("regions/", include("duikou.geo.urls")),
    path("projects/", include("duikou.projects.urls")),
    path("deals/", include("duikou.investment.urls")),
    path("people/", include("duikou.people.urls")),
    path("exchanges/", include("duikou.exchanges.urls")),
    path("transfer/", include("duikou.transfer.urls")),
    path("api/v1/", api.urls),
    path("api/tokens/", include("duikou.api.urls")),
    path("admin/", admin.site.urls),
]
