from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import is_central_admin
from clusters.views import paginate

from . import services
from .calendar import add_working_days
from .forms import HolidayForm
from .models import Holiday


def _require_admin(request):
    if not is_central_admin(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def holiday_list(request):
    _require_admin(request)
    year = timezone.localdate().year
    form = HolidayForm(request.POST or None, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        services.holiday_create(**form.cleaned_data)
        messages.success(request, _("Holiday added."))
        return redirect("deadlines:holiday_list")
    holidays = Holiday.objects.filter(Q(year__isnull=True) | Q(year__gte=year - 1))
    today = timezone.localdate()
    return render(request, "deadlines/holiday_list.html", {
        "form": form, "holidays": holidays, "today": today,
        "in_ten_working_days": add_working_days(today, 10),
    })


@login_required
@require_POST
def holiday_delete(request, pk):
    _require_admin(request)
    services.holiday_delete(holiday=get_object_or_404(Holiday, pk=pk))
    messages.success(request, _("Holiday deleted."))
    return redirect("deadlines:holiday_list")


@login_required
def notification_list(request):
    """The user's own notifications, newest first; nobody sees another user's."""
    notes = request.user.notifications.order_by("-created_at", "-id")
    return render(request, "deadlines/notification_list.html", {"page": paginate(request, notes)})


@login_required
@require_http_methods(["POST"])
def notification_open(request, pk):
    note = get_object_or_404(request.user.notifications, pk=pk)
    services.notification_mark_read(notification=note)
    # Only links inside the application are followed.
    if note.url.startswith("/") and not note.url.startswith("//"):
        return redirect(note.url)
    return redirect("deadlines:notification_list")
