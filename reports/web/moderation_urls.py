from django.urls import path

from reports.web.views import moderator

app_name = "moderation"

urlpatterns = [
    path("", moderator.home, name="home"),
    path("queues/<slug:slug>/", moderator.queue, name="queue"),
    path("queues/<slug:slug>/next/", moderator.next_case, name="next"),
    path("queues/<slug:slug>/bulk/", moderator.bulk, name="bulk"),
    path("bulk/<int:bulk_id>/", moderator.bulk_progress, name="bulk-progress"),
    path("cases/<int:case_id>/", moderator.case_detail, name="case"),
    path("cases/<int:case_id>/decide/", moderator.decide_case, name="decide"),
    path("cases/<int:case_id>/statement/", moderator.statement_preview, name="statement"),
    path("cases/<int:case_id>/take/", moderator.take, name="take"),
    path("cases/<int:case_id>/release/", moderator.release, name="release"),
    path("cases/<int:case_id>/lease/", moderator.lease, name="lease"),
    path("cases/<int:case_id>/escalate/", moderator.escalate, name="escalate"),
    path("cases/<int:case_id>/notes/", moderator.note, name="note"),
    path("decisions/<int:decision_id>/undo/", moderator.undo, name="undo"),
    path("decisions/<int:decision_id>/confirm/", moderator.confirm, name="confirm-ban"),
    path("decisions/<int:decision_id>/reject/", moderator.reject, name="reject-ban"),
    path("members/<slug:public_id>/", moderator.member, name="member"),
    path("content/<int:content_id>/image/", moderator.content_media, name="content-image"),
    path("preferences/", moderator.preferences, name="preferences"),
]
