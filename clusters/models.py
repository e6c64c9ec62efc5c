"""Organizations of the Alliance system, people, and emulation clusters and blocs."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .text import clean_text, fold, person_sort_key, sort_key
from .validators import validate_tax_code


class Province(models.Model):
    """A province or centrally-run city; the 2025 rearrangement merged 63 into 34."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Tỉnh")
        CITY = "city", _("Thành phố")

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.PROVINCE)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("hợp nhất vào"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="absorbed",
    )
    sort_key = models.CharField(max_length=400, editable=False, db_index=True)

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("tỉnh, thành phố")
        verbose_name_plural = _("tỉnh, thành phố")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean_text(self.name)
        self.sort_key = sort_key(self.name)
        super().save(*args, **kwargs)

    @property
    def is_active(self):
        return self.valid_to is None


class ProvinceName(models.Model):
    """A name a province carried, such as Thừa Thiên Huế until 31/12/2024."""

    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("tên"), max_length=100)
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        ordering = ["province", "valid_from"]


class OrganizationQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(
            Q(active_from__isnull=True) | Q(active_from__lte=day),
            Q(active_to__isnull=True) | Q(active_to__gte=day),
        )

    def search(self, text):
        folded = fold(text)
        return self.filter(Q(search_text__contains=folded) | Q(code__iexact=text.strip()))

    def subtree_of(self, organizations):
        query = Q()
        for org in organizations:
            query |= Q(path__startswith=org.path)
        return self.filter(query) if query else self.none()


class Organization(models.Model):
    """Any unit of the Alliance system, arranged in a tree (architecture §4)."""

    class Kind(models.TextChoices):
        VCA_CENTRAL = "vca_central", _("Cơ quan Liên minh HTX Việt Nam")
        DEPARTMENT = "department", _("Ban, Văn phòng")
        PUBLIC_UNIT = "public_unit", _("Đơn vị sự nghiệp")
        ENTERPRISE = "enterprise", _("Doanh nghiệp")
        PROVINCIAL_ALLIANCE = "provincial_alliance", _("Liên minh HTX tỉnh, thành phố")
        COOP_UNION = "coop_union", _("Liên hiệp hợp tác xã")
        COOPERATIVE = "cooperative", _("Hợp tác xã")
        COOP_GROUP = "coop_group", _("Tổ hợp tác")

    code = models.CharField(_("mã đơn vị"), max_length=32, unique=True)
    kind = models.CharField(_("loại đơn vị"), max_length=24, choices=Kind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    # Materialised path of ids ("/1/17/402/"): a subtree is one indexed prefix filter.
    path = models.CharField(max_length=255, editable=False, db_index=True)
    name = models.CharField(_("tên đầy đủ"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=120, blank=True)
    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh, thành phố"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="organizations",
    )
    tax_code = models.CharField(
        _("mã số thuế"), max_length=14, blank=True, validators=[validate_tax_code]
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    active_from = models.DateField(_("hoạt động từ"), null=True, blank=True)
    active_to = models.DateField(_("hoạt động đến"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("hợp nhất vào"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="absorbed",
    )
    merged_on = models.DateField(_("ngày hợp nhất"), null=True, blank=True)
    sort_key = models.CharField(max_length=800, editable=False, db_index=True)
    search_text = models.CharField(max_length=400, editable=False, db_index=True)
    history = HistoricalRecords()

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"], condition=~Q(tax_code=""), name="organization_tax_code_unique"
            ),
        ]
        indexes = [models.Index(fields=["province", "kind", "sort_key"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("clusters:organization_detail", args=[self.pk])

    def refresh_derived_fields(self):
        self.name = clean_text(self.name)
        self.short_name = clean_text(self.short_name)
        self.sort_key = sort_key(self.name)
        self.search_text = " ".join(filter(None, [fold(self.name), fold(self.short_name)]))

    @property
    def is_active(self):
        return self.active_to is None and self.merged_into_id is None

    @property
    def is_central(self):
        return self.kind in (self.Kind.VCA_CENTRAL, self.Kind.DEPARTMENT)


class OrganizationName(models.Model):
    """Every name an organization has carried, the current one with an open end."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("tên đầy đủ"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=120, blank=True)
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organization", "valid_from", "id"]


class PersonQuerySet(models.QuerySet):
    def search(self, text):
        return self.filter(search_text__contains=fold(text))


class Person(models.Model):
    class Gender(models.TextChoices):
        MALE = "M", _("Nam")
        FEMALE = "F", _("Nữ")

    full_name = models.CharField(_("họ và tên"), max_length=120)
    gender = models.CharField(_("giới tính"), max_length=1, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("đơn vị công tác"), on_delete=models.PROTECT,
        related_name="people",
    )
    sort_key = models.CharField(max_length=600, editable=False, db_index=True)
    search_text = models.CharField(max_length=200, editable=False, db_index=True)
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = _("cá nhân")
        verbose_name_plural = _("cá nhân")
        indexes = [models.Index(fields=["organization", "sort_key"])]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("clusters:person_detail", args=[self.pk])

    def refresh_derived_fields(self):
        self.full_name = clean_text(self.full_name)
        self.position = clean_text(self.position)
        self.sort_key = person_sort_key(self.full_name)
        self.search_text = fold(self.full_name)


class PersonMove(models.Model):
    """A person's move from one organization to another, kept as history."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="moves")
    from_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("từ đơn vị")
    )
    to_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("đến đơn vị")
    )
    moved_on = models.DateField(_("ngày chuyển"))
    from_position = models.CharField(_("chức vụ cũ"), max_length=200, blank=True)
    to_position = models.CharField(_("chức vụ mới"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "-moved_on", "-id"]


class EmulationGroup(models.Model):
    """An emulation cluster (cụm, by region) or bloc (khối, by similar functions)."""

    class Kind(models.TextChoices):
        CLUSTER = "cluster", _("Cụm thi đua")
        BLOC = "bloc", _("Khối thi đua")

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    organizer = models.ForeignKey(
        Organization, verbose_name=_("đơn vị tổ chức"), on_delete=models.PROTECT,
        related_name="organized_groups",
        help_text=_("Cơ quan Liên minh HTX Việt Nam, hoặc Liên minh HTX tỉnh với các khối hợp tác xã."),
    )
    description = models.TextField(_("ghi chú"), blank=True)
    sort_key = models.CharField(max_length=800, editable=False, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = _("cụm, khối thi đua")
        verbose_name_plural = _("cụm, khối thi đua")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("clusters:group_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        self.name = clean_text(self.name)
        self.sort_key = sort_key(self.name)
        super().save(*args, **kwargs)

    @property
    def leader_title(self):
        return _("Cụm trưởng") if self.kind == self.Kind.CLUSTER else _("Khối trưởng")

    @property
    def deputy_title(self):
        return _("Cụm phó") if self.kind == self.Kind.CLUSTER else _("Khối phó")


class GroupMembership(models.Model):
    group = models.ForeignKey(EmulationGroup, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="group_memberships"
    )
    year = models.PositiveSmallIntegerField(_("năm"), db_index=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group", "organization", "year"], name="group_membership_unique"
            )
        ]
        indexes = [models.Index(fields=["organization", "year"])]


class GroupLeadership(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", _("Trưởng")
        DEPUTY = "deputy", _("Phó")

    group = models.ForeignKey(EmulationGroup, on_delete=models.CASCADE, related_name="leaderships")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="group_leaderships"
    )
    year = models.PositiveSmallIntegerField(_("năm"), db_index=True)
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "role"]
        constraints = [
            models.UniqueConstraint(fields=["group", "year", "role"], name="group_leadership_unique")
        ]


class ImportBatch(models.Model):
    """One uploaded spreadsheet: validated in a dry run, then committed all rows or none.

    The report keeps every problem as row, column and a Vietnamese explanation, so the preview
    page can be shown again without reading the file."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Đã kiểm tra")
        COMMITTED = "committed", _("Đã nhập")
        REJECTED = "rejected", _("Có lỗi, chưa nhập")

    kind = models.CharField(_("loại dữ liệu"), max_length=32)
    file = models.FileField(_("tệp"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=255)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices)
    row_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    scope_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("lần nhập dữ liệu")

    def __str__(self):
        return self.original_name
