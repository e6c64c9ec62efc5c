from django.urls import path

from . import views

app_name = "deadlines"

urlpatterns = [
    path("ngay-nghi/", views.holiday_list, name="holiday_list"),
    path("ngay-nghi/<int:pk>/xoa/", views.holiday_delete, name="holiday_delete"),
    path("thong-bao/", views.notification_list, name="notification_list"),
    path("thong-bao/<int:pk>/", views.notification_open, name="notification_open"),
]
