from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("ky/", views.period_list, name="period_list"),
    path("ky/them/", views.period_create, name="period_create"),
    path("ky/<int:pk>/", views.period_detail, name="period_detail"),
    path("ky/<int:pk>/dong/", views.period_close, name="period_close"),
    path("ky/<int:pk>/mo-lai/", views.period_reopen, name="period_reopen"),
    path("ky/<int:pk>/lap-bao-cao/", views.report_start, name="report_start"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/soan/", views.report_edit, name="report_edit"),
    path("<int:pk>/gui/", views.report_submit, name="report_submit"),
    path("<int:pk>/tra-lai/", views.report_return, name="report_return"),
]

# The records behind a summary figure (helper R2).
from . import views_figures  # noqa: E402

urlpatterns += [
    path("so-lieu/ban-ghi/", views_figures.figure_records, name="figure_records"),
]
