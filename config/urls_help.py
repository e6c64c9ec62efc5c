"""The user guide, mounted at /huong-dan/ by config/urls.py."""

from django.urls import path

from . import help

app_name = "help"

urlpatterns = [
    path("", help.index, name="index"),
    path("<slug:slug>/", help.page, name="page"),
]
