from django.urls import path

from . import views, views_eligibility

app_name = "awards"

urlpatterns = [
    path("danh-muc/", views.award_type_list, name="award_type_list"),
    path("danh-muc/them/", views.award_type_create, name="award_type_create"),
    path("danh-muc/<int:pk>/sua/", views.award_type_update, name="award_type_update"),
    path("quy-dinh/", views.rule_set_list, name="rule_set_list"),
    path("quy-dinh/them/", views.rule_set_create, name="rule_set_create"),
    path("quy-dinh/<int:pk>/", views.rule_set_detail, name="rule_set_detail"),
    path("quy-dinh/<int:pk>/sua/", views.rule_set_update, name="rule_set_update"),
    path("quy-dinh/tham-so/<int:pk>/sua/", views.rule_parameter_update, name="rule_parameter_update"),
    path("so-khen-thuong/", views.registry_search, name="registry_search"),
    path("so-khen-thuong/xuat-excel/", views.registry_export, name="registry_export"),
    path("so-khen-thuong/ca-nhan/<int:pk>/", views.person_awards, name="person_awards"),
    path("so-khen-thuong/don-vi/<int:pk>/", views.organization_awards, name="organization_awards"),
]

urlpatterns += [
    path("xet-dieu-kien/", views_eligibility.eligibility, name="eligibility"),
]

# The facts the eligibility rules read (assessments, initiatives, discipline).
from . import views_facts  # noqa: E402

urlpatterns += [
    path("so-khen-thuong/ca-nhan/<int:pk>/du-lieu-xet/", views_facts.person_facts,
         name="person_facts"),
    path("so-khen-thuong/don-vi/<int:pk>/du-lieu-xet/", views_facts.organization_facts,
         name="organization_facts"),
    path("so-khen-thuong/ca-nhan/<int:pk>/du-lieu-xet/danh-gia/them/",
         views_facts.person_assessment_create, name="person_assessment_create"),
    path("so-khen-thuong/don-vi/<int:pk>/du-lieu-xet/danh-gia/them/",
         views_facts.organization_assessment_create, name="organization_assessment_create"),
    path("so-khen-thuong/danh-gia/<int:pk>/sua/", views_facts.assessment_update,
         name="assessment_update"),
    path("so-khen-thuong/danh-gia/<int:pk>/xoa/", views_facts.assessment_delete,
         name="assessment_delete"),
    path("so-khen-thuong/ca-nhan/<int:pk>/du-lieu-xet/sang-kien/them/",
         views_facts.initiative_create, name="initiative_create"),
    path("so-khen-thuong/sang-kien/<int:pk>/sua/", views_facts.initiative_update,
         name="initiative_update"),
    path("so-khen-thuong/sang-kien/<int:pk>/xoa/", views_facts.initiative_delete,
         name="initiative_delete"),
    path("so-khen-thuong/ca-nhan/<int:pk>/du-lieu-xet/ky-luat/them/",
         views_facts.discipline_create, name="discipline_create"),
    path("so-khen-thuong/ky-luat/<int:pk>/sua/", views_facts.discipline_update,
         name="discipline_update"),
    path("so-khen-thuong/ky-luat/<int:pk>/xoa/", views_facts.discipline_delete,
         name="discipline_delete"),
]

# Certificates of award records: full layout and variable text for pre-printed blanks.
from . import views_certificates  # noqa: E402

urlpatterns += [
    path("so-khen-thuong/<int:pk>/giay-chung-nhan/", views_certificates.certificate_download,
         name="certificate_download"),
    path("so-khen-thuong/<int:pk>/in-tren-phoi/", views_certificates.certificate_blank_download,
         name="certificate_blank_download"),
]

# Award cycles and the dossiers units build for them.
from . import views_dossiers  # noqa: E402

urlpatterns += [
    path("dot-xet/", views_dossiers.cycle_list, name="cycle_list"),
    path("dot-xet/them/", views_dossiers.cycle_create, name="cycle_create"),
    path("dot-xet/<int:pk>/", views_dossiers.cycle_detail, name="cycle_detail"),
    path("dot-xet/<int:pk>/sua/", views_dossiers.cycle_update, name="cycle_update"),
    path("dot-xet/<int:pk>/trang-thai/", views_dossiers.cycle_set_status,
         name="cycle_set_status"),
    path("dot-xet/<int:pk>/gia-han/", views_dossiers.cycle_extend, name="cycle_extend"),
    path("dot-xet/<int:pk>/lap-ho-so/", views_dossiers.dossier_create, name="dossier_create"),
    path("ho-so/", views_dossiers.dossier_list, name="dossier_list"),
    path("ho-so/<int:pk>/", views_dossiers.dossier_detail, name="dossier_detail"),
    path("ho-so/<int:pk>/gui/", views_dossiers.dossier_submit, name="dossier_submit"),
    path("ho-so/<int:pk>/tim-ung-vien/", views_dossiers.candidate_search,
         name="candidate_search"),
    path("ho-so/<int:pk>/de-nghi/them/", views_dossiers.nomination_create,
         name="nomination_create"),
    path("ho-so/de-nghi/<int:pk>/sua/", views_dossiers.nomination_update,
         name="nomination_update"),
    path("ho-so/de-nghi/<int:pk>/xoa/", views_dossiers.nomination_delete,
         name="nomination_delete"),
    path("ho-so/<int:pk>/tai-lieu/them/", views_dossiers.document_create,
         name="document_create"),
    path("ho-so/tai-lieu/<int:pk>/tai-ve/", views_dossiers.document_download,
         name="document_download"),
    path("ho-so/tai-lieu/<int:pk>/xoa/", views_dossiers.document_delete,
         name="document_delete"),
    path("ho-so/uy-quyen-gui/", views_dossiers.delegation_list, name="delegation_list"),
    path("ho-so/uy-quyen-gui/<int:pk>/xoa/", views_dossiers.delegation_revoke,
         name="delegation_revoke"),
]

# Decisions on awards, proposals to the competent body, revocations, the base salary.
from . import views_decisions  # noqa: E402

urlpatterns += [
    path("quyet-dinh/", views_decisions.decision_list, name="decision_list"),
    path("quyet-dinh/them/", views_decisions.decision_create, name="decision_create"),
    path("quyet-dinh/<int:pk>/", views_decisions.decision_detail, name="decision_detail"),
    path("quyet-dinh/<int:pk>/sua/", views_decisions.decision_update, name="decision_update"),
    path("quyet-dinh/<int:pk>/ban-hanh/", views_decisions.decision_issue, name="decision_issue"),
    path("quyet-dinh/<int:pk>/ban-du-thao.pdf", views_decisions.decision_pdf, name="decision_pdf"),
    path("quyet-dinh/<int:pk>/tai-ve/", views_decisions.decision_download,
         name="decision_download"),
    path("quyet-dinh/<int:pk>/ban-da-ky/", views_decisions.decision_scan, name="decision_scan"),
    path("quyet-dinh/<int:pk>/ghi-nhan-quyet-dinh/", views_decisions.external_decision_create,
         name="external_decision_create"),
    path("so-khen-thuong/<int:pk>/thu-hoi/", views_decisions.revocation_create,
         name="revocation_create"),
    path("muc-luong-co-so/", views_decisions.base_salary_list, name="base_salary_list"),
]

# Appraisal: the queues, the review of one dossier, public notice, importing nominations.
from . import views_appraisal  # noqa: E402

urlpatterns += [
    path("tham-dinh/", views_appraisal.appraisal_queue, name="appraisal_queue"),
    path("tham-dinh/don-vi-thanh-vien/", views_appraisal.member_dossier_queue,
         name="member_dossier_queue"),
    path("ho-so/<int:pk>/tham-dinh/", views_appraisal.dossier_appraisal, name="dossier_appraisal"),
    path("ho-so/de-nghi/<int:pk>/y-kien/", views_appraisal.nomination_appraise,
         name="nomination_appraise"),
    path("ho-so/<int:pk>/tra-lai/", views_appraisal.dossier_return, name="dossier_return"),
    path("ho-so/<int:pk>/tiep-nhan/", views_appraisal.dossier_accept, name="dossier_accept"),
    path("ho-so/<int:pk>/hoan-thanh-tham-dinh/", views_appraisal.dossier_mark_appraised,
         name="dossier_mark_appraised"),
    path("dot-xet/<int:pk>/cong-khai/", views_appraisal.public_notice, name="public_notice"),
    path("ho-so/<int:pk>/nhap-de-nghi/", views_appraisal.nomination_import,
         name="nomination_import"),
    path("ho-so/<int:pk>/nhap-de-nghi/<int:batch_pk>/", views_appraisal.nomination_import_preview,
         name="nomination_import_preview"),
    path("ho-so/nhap-de-nghi/mau-nhap.xlsx", views_appraisal.nomination_import_template,
         name="nomination_import_template"),
]

# Deleting a draft decision or proposal (issue 4, remaining part 2).
urlpatterns += [
    path("quyet-dinh/<int:pk>/xoa/", views_decisions.decision_delete, name="decision_delete"),
]

# The council: councils, terms and members; meetings, agenda, attendance, the vote's opening and
# close, written opinions, results and the receipt check (issue 5).
from . import views_council  # noqa: E402

urlpatterns += [
    path("hoi-dong/", views_council.council_list, name="council_list"),
    path("hoi-dong/them/", views_council.council_create, name="council_create"),
    path("hoi-dong/<int:pk>/", views_council.council_detail, name="council_detail"),
    path("hoi-dong/<int:pk>/sua/", views_council.council_edit, name="council_edit"),
    path("hoi-dong/<int:pk>/nhiem-ky/them/", views_council.term_create, name="term_create"),
    path("hoi-dong/nhiem-ky/<int:pk>/sua/", views_council.term_edit, name="term_edit"),
    path("hoi-dong/nhiem-ky/<int:pk>/thanh-vien/them/", views_council.member_create,
         name="member_create"),
    path("hoi-dong/thanh-vien/<int:pk>/sua/", views_council.member_edit, name="member_edit"),
    path("hoi-dong/phien-hop/", views_council.meeting_list, name="meeting_list"),
    path("hoi-dong/<int:pk>/phien-hop/them/", views_council.meeting_create,
         name="meeting_create"),
    path("hoi-dong/phien-hop/<int:pk>/", views_council.meeting_detail, name="meeting_detail"),
    path("hoi-dong/phien-hop/<int:pk>/sua/", views_council.meeting_edit, name="meeting_edit"),
    path("hoi-dong/phien-hop/<int:pk>/chuong-trinh/", views_council.meeting_agenda,
         name="meeting_agenda"),
    path("hoi-dong/muc/<int:pk>/xoa/", views_council.agenda_item_remove,
         name="agenda_item_remove"),
    path("hoi-dong/phien-hop/<int:pk>/diem-danh/", views_council.meeting_attendance,
         name="meeting_attendance"),
    path("hoi-dong/phien-hop/<int:pk>/mo-bieu-quyet/", views_council.meeting_open,
         name="meeting_open"),
    path("hoi-dong/phien-hop/<int:pk>/ket-thuc-bieu-quyet/", views_council.meeting_close,
         name="meeting_close"),
    path("hoi-dong/phien-hop/<int:pk>/y-kien-van-ban/<int:member_pk>/",
         views_council.written_opinion, name="written_opinion"),
    path("hoi-dong/phien-hop/<int:pk>/ket-qua/", views_council.meeting_results,
         name="meeting_results"),
    path("hoi-dong/phien-hop/<int:pk>/kiem-tra-phieu/", views_council.receipt_check,
         name="receipt_check"),
]

# The minutes and the counting record of a closed council meeting, as PDFs (issue 5, part 6).
from . import views_council_pdf  # noqa: E402

urlpatterns += [
    path("hoi-dong/phien-hop/<int:pk>/bien-ban.pdf", views_council_pdf.meeting_minutes_pdf,
         name="meeting_minutes_pdf"),
    path("hoi-dong/phien-hop/<int:pk>/bien-ban-kiem-phieu.pdf",
         views_council_pdf.meeting_count_pdf, name="meeting_count_pdf"),
]

# Council voting: the ballot page, its draft, one agenda item and its documents, recusals.
from . import views_ballot  # noqa: E402

urlpatterns += [
    path("hoi-dong/phien-hop/<int:pk>/phieu-bau/", views_ballot.meeting_ballot,
         name="meeting_ballot"),
    path("hoi-dong/phien-hop/<int:pk>/phieu-nhap/", views_ballot.ballot_draft,
         name="ballot_draft"),
    path("hoi-dong/muc/<int:pk>/", views_ballot.agenda_item_detail, name="agenda_item_detail"),
    path("hoi-dong/muc/<int:pk>/khong-tham-gia/", views_ballot.recusal_declare,
         name="recusal_declare"),
    path("hoi-dong/muc/<int:pk>/tai-lieu/<int:doc_pk>/", views_ballot.agenda_document,
         name="agenda_document"),
]
