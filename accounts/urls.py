from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .forms import PasswordResetRequestForm

app_name = "accounts"

urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(
        success_url=reverse_lazy("accounts:password_change_done")), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("quen-mat-khau/", auth_views.PasswordResetView.as_view(
        form_class=PasswordResetRequestForm,
        success_url=reverse_lazy("accounts:password_reset_done"),
        email_template_name="registration/password_reset_email.txt",
        subject_template_name="registration/password_reset_subject.txt"),
        name="password_reset"),
    path("quen-mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("dat-lai-mat-khau/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        success_url=reverse_lazy("accounts:password_reset_complete")),
        name="password_reset_confirm"),
    path("dat-lai-mat-khau/xong/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("vai-tro/", views.role_switch, name="role_switch"),
    path("nguoi-dung/", views.user_list, name="user_list"),
    path("nguoi-dung/them/", views.user_create, name="user_create"),
    path("nguoi-dung/<int:pk>/", views.user_detail, name="user_detail"),
    path("nguoi-dung/<int:pk>/sua/", views.user_update, name="user_update"),
    path("vai-tro/<int:pk>/ket-thuc/", views.role_end, name="role_end"),
]

# Two-factor sign-in and the session timer (issue 9): accounts.views_twofactor, views_sessions.
from . import views_sessions, views_twofactor  # noqa: E402

urlpatterns += [
    path("xac-thuc-2-buoc/", views_twofactor.verify, name="twofactor_verify"),
    path("xac-thuc-2-buoc/dang-ky/", views_twofactor.enrol, name="twofactor_enrol"),
    path("xac-thuc-2-buoc/ma-du-phong/", views_twofactor.backup_codes, name="twofactor_backup_codes"),
    path("bao-mat/", views_twofactor.status, name="twofactor_status"),
    path("bao-mat/ma-du-phong-moi/", views_twofactor.regenerate, name="twofactor_regenerate"),
    path("nguoi-dung/<int:pk>/xac-thuc-2-buoc/dat-lai/", views_twofactor.reset,
         name="twofactor_reset"),
    path("phien/gia-han/", views_sessions.keepalive, name="session_keepalive"),
    path("phien/het-han/", views_sessions.expired, name="session_expired"),
]

# The audit trail (issue 9): accounts.views_audit.
from . import views_audit  # noqa: E402

urlpatterns += [path("nhat-ky/", views_audit.audit_trail, name="audit_trail")]
