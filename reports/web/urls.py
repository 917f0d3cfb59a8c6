from django.urls import path

from reports.web.views import files, inbox, member, member_appeals

app_name = "reports"

urlpatterns = [
    path("report/", member.report_form, name="report"),
    path("reports/mine/", member.my_reports, name="mine"),
    path("reports/<slug:reference>/", member.receipt, name="receipt"),
    path("reports/<slug:reference>/review/", member_appeals.ask_for_review, name="review"),
    path("decisions/", member_appeals.decisions_about_me, name="decisions"),
    path("decisions/<uuid:decision_uuid>/", member_appeals.decision, name="decision"),
    path("appeals/<slug:reference>/", member_appeals.appeal_receipt, name="appeal"),
    path("notifications/", inbox.inbox, name="inbox"),
    path("notifications/read/", inbox.mark_all_read, name="inbox-read-all"),
    path("notifications/<int:notification_id>/", inbox.message, name="inbox-message"),
    path("evidence/<int:evidence_id>/", files.evidence_image, name="evidence"),
    path(
        "evidence/<int:evidence_id>/thumbnail/",
        files.evidence_image,
        {"size": "thumb"},
        name="evidence-thumbnail",
    ),
    path("members/<slug:public_id>/avatar/", files.member_avatar, name="avatar"),
]
