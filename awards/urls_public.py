"""The public verification of certificates (no login), mounted at the site root under
xac-minh/ (config/urls.py): `public:verify_form` and `public:verify`."""

from django.urls import path

from . import views_certificates

app_name = "public"

urlpatterns = [
    path("", views_certificates.verify_form, name="verify_form"),
    # Any text after xac-minh/ reaches the view, so that malformed input ("../", markup, very
    # long strings) gets the same "not found" answer as an unknown code.
    path("<path:code>/", views_certificates.verify, name="verify"),
]
