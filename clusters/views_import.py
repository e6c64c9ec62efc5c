"""Pages of the spreadsheet import: upload and check a file, read its report, import it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import reauth

from .imports import import_commit as commit_batch
from .imports import import_preview as check_file
from .imports import importer_for, importers
from .imports.forms import ImportUploadForm
from .imports.selectors import get_batch_for_user, recent_batches
from .permissions import can_import
from .views import apply_service_errors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_import(request) -> None:
    if not can_import(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request):
    _require_import(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None,
                            initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        try:
            batch = check_file(kind=form.cleaned_data["kind"],
                               uploaded_file=form.cleaned_data["file"], user=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect("clusters:import_preview", pk=batch.pk)
    return render(request, "clusters/import_start.html", {
        "form": form, "importers": list(importers().values()),
        "batches": recent_batches(request.user),
    })


@login_required
def import_template(request, kind):
    _require_import(request)
    importer = importer_for(kind)
    if importer is None:
        raise Http404
    response = HttpResponse(importer.template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{importer.template_name}"'
    return response


# Importing users gives them roles: like a role given by hand, it needs a recent sign-in (S6).
GIVES_ROLES = {"users"}


def _identity_check(request, batch, data=None):
    return reauth.IdentityCheck(request, data) if batch.kind in GIVES_ROLES else None


def _preview_page(request, batch, identity=None):
    return render(request, "clusters/import_preview.html", {
        "batch": batch, "report": batch.report, "importer": importer_for(batch.kind),
        "identity_form": identity.form if identity else None,
    })


@login_required
def import_preview(request, pk):
    # The batch first: someone else's is 404 whatever the method, like every object (§8).
    batch = get_batch_for_user(request.user, pk)
    _require_import(request)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return _preview_page(request, batch, _identity_check(request, batch))


@login_required
@reauth.signs_out_on_lockout
def import_commit(request, pk):
    batch = get_batch_for_user(request.user, pk)
    _require_import(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    identity = _identity_check(request, batch, request.POST)
    if identity and not identity.passes():
        return _preview_page(request, batch, identity)
    try:
        batch = commit_batch(batch=batch, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = "; ".join(f"{c['label']}: {c['count']}" for c in batch.report.get("result", []))
        messages.success(request, _("The file was imported (%(summary)s).") % {"summary": done})
    return redirect("clusters:import_preview", pk=batch.pk)
