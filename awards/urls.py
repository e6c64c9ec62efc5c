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
