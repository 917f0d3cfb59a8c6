from django.urls import include, path
from rest_framework.routers import DefaultRouter

from reports.api import appeals, members, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("reports", views.ReportViewSet, basename="report")
router.register("content", views.ContentViewSet, basename="content")
router.register("appeals", appeals.AppealViewSet, basename="appeal")
router.register("members", members.MemberSettingsViewSet, basename="member")

urlpatterns = [path("", include(router.urls))]
