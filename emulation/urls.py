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
