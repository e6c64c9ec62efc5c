from django.urls import path
from . import views, views_import


app_name = "clusters"

urlpatterns = [
    path("don-vi/", views.organization_list, name="organization_list"),
    path("don-vi/them/", views.organization_create, name="organization_create"),
    path("don-vi/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("don-vi/<int:pk>/sua/", views.organization_update, name="organization_update"),
    path("don-vi/<int:pk>/doi-ten/", views.organization_rename, name="organization_rename"),
    path("don-vi/<int:pk>/hop-nhat/", views.organization_merge, name="organization_merge"),
    path("ca-nhan/", views.person_list, name="person_list"),
    path("ca-nhan/them/", views.person_create, name="person_create"),
    path("ca-nhan/<int:pk>/", views.person_detail, name="person_detail"),
    path("ca-nhan/<int:pk>/sua/", views.person_update, name="person_update"),
    path("ca-nhan/<int:pk>/chuyen-cong-tac/", views.person_move, name="person_move"),
    path("cum-khoi/", views.group_list, name="group_list"),
    path("cum-khoi/thiet-lap-nam-moi/", views.group_copy_year, name="group_copy_year"),
    path("cum-khoi/<int:pk>/", views.group_detail, name="group_detail"),
    path("cum-khoi/<int:pk>/nam/<int:year>/", views.group_year_edit, name="group_year_edit"),
    path("nhap-du-lieu/", views_import.import_start, name="import_start"),
    path("nhap-du-lieu/mau/<slug:kind>/", views_import.import_template, name="import_template"),
    path("nhap-du-lieu/<int:pk>/", views_import.import_preview, name="import_preview"),
    path("nhap-du-lieu/<int:pk>/nhap/", views_import.import_commit, name="import_commit"),
]
