from django.urls import path

from reports.web.views import appeals, cases, decisions, flaggers, preferences, queues, referrals
from reports.web.views.dashboard import dashboard
from reports.web.views.transparency import report as transparency_report

app_name = "moderation"

urlpatterns = [
    path("", queues.home, name="home"),
    path("emergencies/", queues.emergencies, name="emergencies"),
    path("emergencies/next/", queues.next_emergency, name="next-emergency"),
    path("queues/<slug:slug>/", queues.queue, name="queue"),
    path("queues/<slug:slug>/next/", queues.next_case, name="next"),
    path("queues/<slug:slug>/bulk/", queues.bulk, name="bulk"),
    path("bulk/<int:bulk_id>/", queues.bulk_progress, name="bulk-progress"),
    path("cases/<int:case_id>/", cases.case_detail, name="case"),
    path("cases/<int:case_id>/decide/", decisions.decide_case, name="decide"),
    path("cases/<int:case_id>/statement/", cases.statement_preview, name="statement"),
    path("cases/<int:case_id>/take/", cases.take, name="take"),
    path("cases/<int:case_id>/take-over/", cases.take_over, name="take-over"),
    path("cases/<int:case_id>/release/", cases.release, name="release"),
    path("cases/<int:case_id>/lease/", cases.lease, name="lease"),
    path("cases/<int:case_id>/escalate/", cases.escalate, name="escalate"),
    path("cases/<int:case_id>/notes/", cases.note, name="note"),
    path("cases/<int:case_id>/refer/", referrals.refer, name="refer"),
    path("referrals/<int:referral_id>/reference/", referrals.reference, name="referral-reference"),
    path("cases/<int:case_id>/holds/", referrals.hold, name="hold"),
    path("cases/<int:case_id>/holds/<int:hold_id>/lift/", referrals.lift, name="lift-hold"),
    path("cases/<int:case_id>/bundles/", referrals.bundle, name="bundle"),
    path("bundles/<int:bundle_id>/download/", referrals.download, name="bundle-download"),
    path("decisions/<int:decision_id>/undo/", decisions.undo, name="undo"),
    path("reports/<int:report_id>/imprecise/", flaggers.imprecise, name="imprecise"),
    path("flaggers/", flaggers.quality, name="flaggers"),
    path("flaggers/<int:organisation_id>/", flaggers.quality_detail, name="flagger"),
    path("dashboard/", dashboard, name="dashboard"),
    path("transparency/", transparency_report, name="transparency"),
    path("decisions/<int:decision_id>/confirm/", decisions.confirm, name="confirm-ban"),
    path("decisions/<int:decision_id>/reject/", decisions.reject, name="reject-ban"),
    path("members/<slug:public_id>/", cases.member, name="member"),
    path("content/<int:content_id>/image/", cases.content_media, name="content-image"),
    path("preferences/", preferences.preferences, name="preferences"),
    path("appeals/", appeals.overview, name="appeals"),
    path("appeals/<slug:slug>/", appeals.queue, name="appeal-queue"),
    path("appeals/<slug:slug>/next/", appeals.next_appeal, name="next-appeal"),
    path("appeal/<int:appeal_id>/", appeals.appeal_detail, name="appeal"),
    path("appeal/<int:appeal_id>/decide/", appeals.decide, name="decide-appeal"),
    path("appeal/<int:appeal_id>/take/", appeals.take, name="take-appeal"),
    path("appeal/<int:appeal_id>/release/", appeals.release, name="release-appeal"),
    path("appeal/<int:appeal_id>/lease/", appeals.lease, name="appeal-lease"),
    path("appeal-evidence/<int:evidence_id>/", appeals.evidence_image, name="appeal-evidence"),
    path(
        "appeal-evidence/<int:evidence_id>/thumbnail/",
        appeals.evidence_image,
        {"size": "thumb"},
        name="appeal-evidence-thumbnail",
    ),
]
