from django.urls import path

from . import views

app_name = "deadlines"

urlpatterns = [
    path("ngay-nghi/", views.holiday_list, name="holiday_list"),
    path("ngay-nghi/<int:pk>/xoa/", views.holiday_delete, name="holiday_delete"),
    path("thong-bao/", views.notification_list, name="notification_list"),
    path("thong-bao/<int:pk>/", views.notification_open, name="notification_open"),
]

# Deadlines and reminders (issue 8): deadlines/views_reminders.py.
from . import views_reminders  # noqa: E402

urlpatterns += [
    path("han-cua-toi/", views_reminders.my_deadlines, name="my_deadlines"),
    path("han/", views_reminders.deadline_list, name="deadline_list"),
    path("han/<int:pk>/", views_reminders.deadline_detail, name="deadline_detail"),
    path("han/<int:pk>/thang-nhac/", views_reminders.deadline_ladder, name="deadline_ladder"),
    path("thang-nhac/", views_reminders.kind_ladder_list, name="kind_ladder_list"),
    path("thang-nhac/<str:kind>/", views_reminders.kind_ladder, name="kind_ladder"),
    path("da-gui/", views_reminders.delivery_list, name="delivery_list"),
    path("gui-ngay/", views_reminders.send_now, name="send_now"),
    path("thong-bao/da-doc-het/", views_reminders.notifications_mark_all,
         name="notifications_mark_all"),
    path("thong-bao/cach-nhan/", views_reminders.digest_preference, name="digest_preference"),
]

# Observability of the background work (quality target C9): deadlines/views_monitoring.py.
from . import views_monitoring  # noqa: E402

urlpatterns += [
    path("tinh-trang/", views_monitoring.background_status, name="background_status"),
    path("tinh-trang/metrics", views_monitoring.metrics, name="background_metrics"),
]
