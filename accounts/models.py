"""Users and their roles at organizations."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    UNIT_STAFF = "unit_staff", _("Cán bộ thi đua đơn vị")
    UNIT_HEAD = "unit_head", _("Thủ trưởng đơn vị")
    GROUP_LEADER = "group_leader", _("Cụm trưởng / Khối trưởng")
    APPRAISER = "appraiser", _("Thẩm định (Ban Tổ chức cán bộ)")
    COUNCIL_MEMBER = "council_member", _("Thành viên Hội đồng TĐKT")
    ADMIN = "admin", _("Quản trị")
    LEADERSHIP = "leadership", _("Lãnh đạo")


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or self.username


class RoleAssignmentQuerySet(models.QuerySet):
    def current(self, day=None):
        day = day or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    organization = models.ForeignKey(
        "clusters.Organization", verbose_name=_("đơn vị"), on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    history = HistoricalRecords()

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["user", "role", "id"]
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="role_assignment_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()} – {self.organization}"
