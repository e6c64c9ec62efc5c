from django.urls import path

from . import views

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
