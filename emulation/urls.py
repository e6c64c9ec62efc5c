from django.urls import path

from . import views

app_name = "emulation"

urlpatterns = [
    path("van-ban/", views.document_list, name="document_list"),
    path("van-ban/them/", views.document_create, name="document_create"),
    path("van-ban/<int:pk>/", views.document_detail, name="document_detail"),
    path("van-ban/<int:pk>/sua/", views.document_edit, name="document_edit"),
    path("phong-trao/", views.movement_list, name="movement_list"),
    path("phong-trao/them/", views.movement_create, name="movement_create"),
    path("phong-trao/<int:pk>/", views.movement_detail, name="movement_detail"),
    path("phong-trao/<int:pk>/sua/", views.movement_edit, name="movement_edit"),
    path("dot-dang-ky/", views.call_list, name="call_list"),
    path("dot-dang-ky/them/", views.call_create, name="call_create"),
    path("dot-dang-ky/<int:pk>/", views.call_detail, name="call_detail"),
    path("dot-dang-ky/<int:pk>/sua/", views.call_edit, name="call_edit"),
    path("dang-ky/", views.registration_list, name="registration_list"),
    path("dang-ky/bat-dau/", views.registration_create, name="registration_create"),
    path("dang-ky/<int:pk>/", views.registration_detail, name="registration_detail"),
    path("dang-ky/<int:pk>/ca-nhan/", views.registration_person_add,
         name="registration_person_add"),
    path("dang-ky/<int:pk>/tap-the/", views.registration_collective_add,
         name="registration_collective_add"),
    path("dang-ky/<int:pk>/dong/<int:entry_id>/xoa/", views.registration_entry_remove,
         name="registration_entry_remove"),
    path("dang-ky/<int:pk>/phong-trao/", views.registration_movements,
         name="registration_movements"),
    path("dang-ky/<int:pk>/gui/", views.registration_submit, name="registration_submit"),
    path("dang-ky/<int:pk>/tim-nguoi/", views.registration_people, name="registration_people"),
]

from . import views_fairness  # noqa: E402

urlpatterns += [
    path("cong-bang/", views_fairness.fairness_index, name="fairness_index"),
    path("cong-bang/cum-khoi/<int:pk>/", views_fairness.fairness_group, name="fairness_group"),
]

# A group's year (pledge, criteria table) and the groups outside the Alliance (issue 6 parts 4, 5, 8).
from . import views_groups  # noqa: E402

urlpatterns += [
    path("cum-khoi/<int:group_pk>/<int:year>/giao-uoc/", views_groups.group_pledge,
         name="group_pledge"),
    path("cum-khoi/<int:group_pk>/<int:year>/giao-uoc/tao/", views_groups.pledge_create,
         name="pledge_create"),
    path("giao-uoc/<int:pk>/", views_groups.pledge_detail, name="pledge_detail"),
    path("giao-uoc/<int:pk>/sua/", views_groups.pledge_edit, name="pledge_edit"),
    path("giao-uoc/<int:pk>/muc-tieu/them/", views_groups.target_add, name="target_add"),
    path("giao-uoc/<int:pk>/muc-tieu/<int:target_id>/sua/", views_groups.target_edit,
         name="target_edit"),
    path("giao-uoc/<int:pk>/muc-tieu/<int:target_id>/xoa/", views_groups.target_remove,
         name="target_remove"),
    path("giao-uoc/<int:pk>/muc-tieu/<int:target_id>/len/", views_groups.target_move,
         {"direction": "up"}, name="target_up"),
    path("giao-uoc/<int:pk>/muc-tieu/<int:target_id>/xuong/", views_groups.target_move,
         {"direction": "down"}, name="target_down"),
    path("giao-uoc/<int:pk>/ky/", views_groups.pledge_sign, name="pledge_sign"),
    path("giao-uoc/<int:pk>/van-ban/", views_groups.pledge_document, name="pledge_document"),
    path("giao-uoc/<int:pk>/thanh-tieu-chi/", views_groups.pledge_to_criteria,
         name="pledge_to_criteria"),
    path("cum-khoi/<int:group_pk>/<int:year>/tieu-chi/", views_groups.group_criteria,
         name="group_criteria"),
    path("cum-khoi/<int:group_pk>/<int:year>/tieu-chi/tao/", views_groups.criteria_table_create,
         name="criteria_table_create"),
    path("cum-khoi/<int:group_pk>/<int:year>/tieu-chi/sao-chep/",
         views_groups.criteria_table_copy, name="criteria_table_copy"),
    path("bang-tieu-chi/<int:pk>/", views_groups.criteria_table_detail,
         name="criteria_table_detail"),
    path("bang-tieu-chi/<int:pk>/sua/", views_groups.criteria_table_edit,
         name="criteria_table_edit"),
    path("bang-tieu-chi/<int:pk>/muc/them/", views_groups.section_add, name="section_add"),
    path("bang-tieu-chi/<int:pk>/muc/<int:section_id>/sua/", views_groups.section_edit,
         name="section_edit"),
    path("bang-tieu-chi/<int:pk>/muc/<int:section_id>/xoa/", views_groups.section_remove,
         name="section_remove"),
    path("bang-tieu-chi/<int:pk>/muc/<int:section_id>/len/", views_groups.section_move,
         {"direction": "up"}, name="section_up"),
    path("bang-tieu-chi/<int:pk>/muc/<int:section_id>/xuong/", views_groups.section_move,
         {"direction": "down"}, name="section_down"),
    path("bang-tieu-chi/<int:pk>/muc/<int:section_id>/tieu-chi/them/",
         views_groups.criterion_add, name="criterion_add"),
    path("bang-tieu-chi/<int:pk>/tieu-chi/<int:criterion_id>/sua/", views_groups.criterion_edit,
         name="criterion_edit"),
    path("bang-tieu-chi/<int:pk>/tieu-chi/<int:criterion_id>/xoa/",
         views_groups.criterion_remove, name="criterion_remove"),
    path("bang-tieu-chi/<int:pk>/tieu-chi/<int:criterion_id>/len/", views_groups.criterion_move,
         {"direction": "up"}, name="criterion_up"),
    path("bang-tieu-chi/<int:pk>/tieu-chi/<int:criterion_id>/xuong/",
         views_groups.criterion_move, {"direction": "down"}, name="criterion_down"),
    path("ngoai-lien-minh/", views_groups.external_group_list, name="external_group_list"),
    path("ngoai-lien-minh/them/", views_groups.external_group_create,
         name="external_group_create"),
    path("ngoai-lien-minh/<int:pk>/", views_groups.external_group_detail,
         name="external_group_detail"),
    path("ngoai-lien-minh/<int:pk>/sua/", views_groups.external_group_edit,
         name="external_group_edit"),
    path("ngoai-lien-minh/<int:pk>/nam/them/", views_groups.external_year_add,
         name="external_year_add"),
    path("ngoai-lien-minh/<int:pk>/nam/<int:year_id>/sua/", views_groups.external_year_edit,
         name="external_year_edit"),
    path("ngoai-lien-minh/<int:pk>/nam/<int:year_id>/van-ban/",
         views_groups.external_year_document, name="external_year_document"),
]

from . import views_scoring  # noqa: E402

urlpatterns += [
    path("cham-diem/", views_scoring.round_list, name="round_list"),
    path("cham-diem/tao/", views_scoring.round_create, name="round_create"),
    path("cham-diem/<int:pk>/", views_scoring.round_detail, name="round_detail"),
    path("cham-diem/<int:pk>/chuyen-buoc/", views_scoring.round_transition,
         name="round_transition"),
    path("cham-diem/phieu/<int:pk>/", views_scoring.sheet_detail, name="sheet_detail"),
    path("cham-diem/phieu/<int:pk>/gui/", views_scoring.sheet_submit, name="sheet_submit"),
    path("cham-diem/phieu/<int:pk>/minh-chung/<int:criterion_id>/",
         views_scoring.evidence_upload, name="evidence_upload"),
    path("cham-diem/minh-chung/<int:pk>/", views_scoring.evidence_download,
         name="evidence_download"),
    path("cham-diem/<int:pk>/xep-hang/", views_scoring.ranking, name="ranking"),
    path("cham-diem/<int:pk>/xep-hang/<int:organization_id>/", views_scoring.ranking_unit,
         name="ranking_unit"),
    path("cham-diem/<int:pk>/de-nghi/", views_scoring.proposal, name="proposal"),
]

# Removing a wrong evidence file from a self sheet in preparation.
urlpatterns += [
    path("cham-diem/minh-chung/<int:pk>/go/", views_scoring.evidence_remove,
         name="evidence_remove"),
]
