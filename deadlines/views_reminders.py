"""Pages of deadlines and reminders: a user's own deadlines, the administrators' deadline list
and detail, the deliveries log, the ladder editors, "send due reminders now", and the user's
notification settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import can_administer, is_central_admin
from clusters.views import apply_service_errors, paginate

from . import selectors_reminders as selectors
from . import services_ladder as services
from .forms_reminders import (DeadlineFilterForm, DeliveryFilterForm, DigestPreferenceForm,
                              LadderStepForm, LadderStepRemoveForm)
from .models import DeadlineKind, ReminderPreference

PAGE_SIZE = 50


def _require_admin(request):
    if not can_administer(request.user):
        raise PermissionDenied


def _deadline_or_404(request, pk):
    # Not an administrator, or another province's deadline: it does not exist for them.
    return get_object_or_404(selectors.admin_deadlines(request.user), pk=pk)


@login_required
def my_deadlines(request):
    return render(request, "deadlines/my_deadlines.html",
                  {"rows": selectors.upcoming_for(request.user)})


@login_required
def deadline_list(request):
    _require_admin(request)
    form = DeadlineFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.deadline_list(request.user, kind=filters.get("kind", ""),
                                   state=filters.get("state", ""))
    page = paginate(request, rows, PAGE_SIZE)
    page.object_list = selectors.with_countdowns(page.object_list)
    return render(request, "deadlines/deadline_list.html", {
        "form": form, "page": page, "can_edit_kinds": is_central_admin(request.user)})


@login_required
def deadline_detail(request, pk):
    deadline = _deadline_or_404(request, pk)
    steps, own = selectors.ladder_of(deadline)
    (_deadline, countdown), = selectors.with_countdowns([deadline])
    return render(request, "deadlines/deadline_detail.html", {
        "deadline": deadline, "countdown": countdown, "owing": selectors.owing_of(deadline),
        "steps": steps, "own_ladder": own, "reminders": selectors.reminders_of(deadline),
        "page": paginate(request, selectors.deliveries(request.user, deadline=deadline),
                         PAGE_SIZE),
    })


@login_required
def delivery_list(request):
    _require_admin(request)
    form = DeliveryFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    page = paginate(request, selectors.deliveries(request.user, status=status), PAGE_SIZE)
    return render(request, "deadlines/delivery_list.html", {"form": form, "page": page})


def _ladder_post(request, *, add, remove, offsets):
    """Apply the add or remove form of a ladder page; returns the forms to show again, or None
    when the change was made."""
    add_form, remove_form = LadderStepForm(), LadderStepRemoveForm(offsets=offsets)
    if request.POST.get("action") == "remove":
        remove_form = LadderStepRemoveForm(request.POST, offsets=offsets)
        if remove_form.is_valid():
            try:
                remove(remove_form.cleaned_data["offset"])
            except ValidationError as error:
                apply_service_errors(remove_form, error)
            else:
                messages.success(request, _("The step was removed from the ladder."))
                return None
        for error in remove_form.errors.get("offset", []) + remove_form.non_field_errors():
            messages.error(request, error)
    else:
        add_form = LadderStepForm(request.POST)
        if add_form.is_valid():
            try:
                add(add_form.cleaned_data["offset"], add_form.cleaned_data["escalate"])
            except ValidationError as error:
                apply_service_errors(add_form, error)
            else:
                messages.success(request, _("The step was added to the ladder."))
                return None
    return add_form


@login_required
@require_http_methods(["GET", "POST"])
def deadline_ladder(request, pk):
    deadline = _deadline_or_404(request, pk)
    steps, own = selectors.ladder_of(deadline)
    form = LadderStepForm()
    if request.method == "POST":
        if request.POST.get("action") == "reset":
            removed = services.deadline_ladder_reset(deadline=deadline, by=request.user)
            if removed:
                messages.success(request, _("The deadline follows its kind's ladder again."))
            return redirect("deadlines:deadline_ladder", pk=deadline.pk)
        form = _ladder_post(
            request, offsets=[s.offset for s in steps],
            add=lambda offset, escalate: services.deadline_step_add(
                deadline=deadline, offset=offset, escalate=escalate, by=request.user),
            remove=lambda offset: services.deadline_step_remove(
                deadline=deadline, offset=offset, by=request.user))
        if form is None or not form.errors:
            return redirect("deadlines:deadline_ladder", pk=deadline.pk)
    return render(request, "deadlines/ladder_edit.html", {
        "deadline": deadline, "steps": steps, "own_ladder": own, "form": form,
        "kind_label": deadline.get_kind_display(),
    }, status=400 if form.errors else 200)


@login_required
def kind_ladder_list(request):
    _require_admin(request)
    return render(request, "deadlines/kind_ladder_list.html", {
        "kinds": selectors.kind_ladders(), "can_edit_kinds": is_central_admin(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def kind_ladder(request, kind):
    if kind not in DeadlineKind.values:
        raise Http404
    # A kind's default ladder applies to every province: central administrators only.
    if not is_central_admin(request.user):
        raise PermissionDenied
    steps = selectors.kind_ladder(kind)
    form = LadderStepForm()
    if request.method == "POST":
        form = _ladder_post(
            request, offsets=[s.offset for s in steps],
            add=lambda offset, escalate: services.kind_step_add(
                kind=kind, offset=offset, escalate=escalate, by=request.user),
            remove=lambda offset: services.kind_step_remove(
                kind=kind, offset=offset, by=request.user))
        if form is None or not form.errors:
            return redirect("deadlines:kind_ladder", kind=kind)
    return render(request, "deadlines/ladder_edit.html", {
        "kind": kind, "steps": steps, "own_ladder": True, "form": form,
        "kind_label": DeadlineKind(kind).label,
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def send_now(request):
    """Run one sweep now instead of waiting for the beat: it only sends what is already due, so
    any administrator may press it."""
    _require_admin(request)
    try:
        from .sweeper import sweep
    except ImportError:
        messages.error(request, _("Sending reminders is not available yet."))
        return redirect("deadlines:deadline_list")
    result = sweep(worker=f"page:{request.user.username}")
    if result.get("quiet"):
        messages.warning(request, _("No reminder is sent between 21:00 and 07:00; the due "
                                    "reminders will go at 07:00."))
    else:
        messages.success(request, _("Due reminders were sent: %(reminders)s reminders, "
                                    "%(deliveries)s deliveries.")
                         % {"reminders": result.get("claimed", 0),
                            "deliveries": result.get("deliveries", 0)})
    return redirect("deadlines:deadline_list")


@login_required
@require_POST
def notifications_mark_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, ngettext("%(n)s notification marked as read.",
                                       "%(n)s notifications marked as read.", count) % {"n": count})
    return redirect("deadlines:notification_list")


@login_required
@require_http_methods(["GET", "POST"])
def digest_preference(request):
    current = ReminderPreference.objects.filter(user=request.user).values_list(
        "daily_digest", flat=True).first()
    initial = DigestPreferenceForm.DIGEST if current else DigestPreferenceForm.EACH
    form = DigestPreferenceForm(request.POST or None, initial={"delivery": initial})
    if request.method == "POST":
        if form.is_valid():
            services.digest_preference_set(
                user=request.user,
                daily_digest=form.cleaned_data["delivery"] == DigestPreferenceForm.DIGEST)
            messages.success(request, _("Your reminder setting was saved."))
            return redirect("deadlines:digest_preference")
    return render(request, "deadlines/digest_preference.html", {"form": form},
                  status=400 if form.errors else 200)
