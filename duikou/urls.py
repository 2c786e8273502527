from django.contrib import admin
from django.urls import path

admin.site.site_header = "对口 Duikou 管理"
admin.site.site_title = "对口 Duikou"
admin.site.index_title = "援疆台账"

urlpatterns = [
    path("admin/", admin.site.urls),
]
