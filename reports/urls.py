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

# The summary reports (báo cáo sơ kết / tổng kết), their finalized versions and their jobs.
from . import views_summary  # noqa: E402

urlpatterns += [
    path("tong-hop/", views_summary.summary_list, name="summary_list"),
    path("tong-hop/lap/", views_summary.summary_create, name="summary_create"),
    path("tong-hop/<int:pk>/", views_summary.summary_detail, name="summary_detail"),
    path("tong-hop/<int:pk>/phan-dau/", views_summary.summary_header, name="summary_header"),
    path("tong-hop/<int:pk>/noi-dung/", views_summary.summary_sections, name="summary_sections"),
    path("tong-hop/<int:pk>/noi-dung/<slug:key>/dat-lai/", views_summary.summary_reset,
         name="summary_reset"),
    path("tong-hop/<int:pk>/chay/<slug:kind>/", views_summary.summary_job, name="summary_job"),
    path("tong-hop/<int:pk>/hoan-tat/", views_summary.summary_finalize,
         name="summary_finalize"),
    path("tong-hop/<int:pk>/mo-lai/", views_summary.summary_reopen, name="summary_reopen"),
    path("tong-hop/phien-ban/<int:pk>/pdf/", views_summary.version_pdf, name="version_pdf"),
    path("tong-hop/phien-ban/<int:pk>/docx/", views_summary.version_docx, name="version_docx"),
    path("tong-hop/phien-ban/<int:pk>/ban-quet/", views_summary.version_scan,
         name="version_scan"),
    path("tong-hop/phien-ban/<int:pk>/ban-quet/tai/", views_summary.version_scan_download,
         name="version_scan_download"),
    path("cong-viec/<int:pk>/", views_summary.job_detail, name="job_detail"),
    path("cong-viec/<int:pk>/trang-thai/", views_summary.job_status, name="job_status"),
    path("cong-viec/<int:pk>/tai/", views_summary.job_download, name="job_download"),
]
