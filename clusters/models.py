"""Organizations of the Alliance system, people, and emulation clusters and blocs."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from accounts.audit import audit_history

from .text import clean_text, fold, person_sort_key, sort_key
from .validators import validate_tax_code


class Province(models.Model):
    """A province or centrally-run city; the 2025 rearrangement merged 63 into 34."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.PROVINCE)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="absorbed",
    )
    sort_key = models.CharField(max_length=400, editable=False, db_index=True)
    history = audit_history()

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("province or city")
        verbose_name_plural = _("provinces and cities")

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
    name = models.CharField(_("name"), max_length=100)
    valid_from = models.DateField(_("from date"), null=True, blank=True)
    valid_to = models.DateField(_("to date"), null=True, blank=True)

    history = audit_history()

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
        # Codes are stored upper-cased, so an exact match uses the unique index on code.
        return self.filter(Q(search_text__contains=folded) | Q(code=text.strip().upper()))

    def subtree_of(self, organizations):
        query = Q()
        for org in organizations:
            query |= Q(path__startswith=org.path)
        return self.filter(query) if query else self.none()


class Organization(models.Model):
    """Any unit of the Alliance system, arranged in a tree (architecture §4)."""

    class Kind(models.TextChoices):
        VCA_CENTRAL = "vca_central", _("Central office of the Vietnam Cooperative Alliance")
        DEPARTMENT = "department", _("Department or Office")
        PUBLIC_UNIT = "public_unit", _("Public service unit")
        ENTERPRISE = "enterprise", _("Enterprise")
        PROVINCIAL_ALLIANCE = "provincial_alliance", _("Provincial cooperative alliance")
        COOP_UNION = "coop_union", _("Cooperative union")
        COOPERATIVE = "cooperative", _("Cooperative")
        COOP_GROUP = "coop_group", _("Cooperative group")

    code = models.CharField(_("organization code"), max_length=32, unique=True)
    kind = models.CharField(_("organization type"), max_length=24, choices=Kind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent organization"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    # Materialised path of ids ("/1/17/402/"): a subtree is one indexed prefix filter.
    path = models.CharField(max_length=255, editable=False, db_index=True)
    name = models.CharField(pgettext_lazy("organization", "full name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    province = models.ForeignKey(
        Province, verbose_name=_("province or city"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="organizations",
    )
    tax_code = models.CharField(
        _("tax code"), max_length=14, blank=True, validators=[validate_tax_code]
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active to"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="absorbed",
    )
    merged_on = models.DateField(_("merger date"), null=True, blank=True)
    sort_key = models.CharField(max_length=800, editable=False, db_index=True)
    search_text = models.CharField(max_length=400, editable=False, db_index=True)
    history = audit_history()

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"], condition=~Q(tax_code=""), name="organization_tax_code_unique",
                violation_error_message=_("Another organization already has this tax code."),
            ),
        ]
        indexes = [
            models.Index(fields=["province", "kind", "sort_key"]),
            # The default list (active units in alphabetical order), deep pages included.
            models.Index(fields=["sort_key", "id"], name="organization_active_sort",
                         condition=Q(active_to__isnull=True, merged_into__isnull=True)),
        ]

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
    name = models.CharField(pgettext_lazy("organization", "full name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    valid_from = models.DateField(_("from date"), null=True, blank=True)
    valid_to = models.DateField(_("to date"), null=True, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["organization", "valid_from", "id"]


class PersonQuerySet(models.QuerySet):
    def search(self, text):
        return self.filter(search_text__contains=fold(text))


class Person(models.Model):
    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    full_name = models.CharField(_("full name"), max_length=120)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("workplace"), on_delete=models.PROTECT,
        related_name="people",
    )
    sort_key = models.CharField(max_length=600, editable=False, db_index=True)
    search_text = models.CharField(max_length=200, editable=False, db_index=True)
    history = audit_history()

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
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
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("from organization")
    )
    to_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("to organization")
    )
    moved_on = models.DateField(_("transfer date"))
    from_position = models.CharField(_("former position"), max_length=200, blank=True)
    to_position = models.CharField(_("new position"), max_length=200, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["person", "-moved_on", "-id"]


class EmulationGroup(models.Model):
    """An emulation cluster (cụm, by region) or bloc (khối, by similar functions)."""

    class Kind(models.TextChoices):
        CLUSTER = "cluster", _("Emulation cluster")
        BLOC = "bloc", _("Emulation bloc")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    organizer = models.ForeignKey(
        Organization, verbose_name=_("organizer"), on_delete=models.PROTECT,
        related_name="organized_groups",
        help_text=_("The central office of the Vietnam Cooperative Alliance, or a provincial cooperative "
                    "alliance for its blocs of cooperatives."),
    )
    description = models.TextField(_("notes"), blank=True)
    sort_key = models.CharField(max_length=800, editable=False, db_index=True)
    history = audit_history()

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = _("emulation cluster or bloc")
        verbose_name_plural = _("emulation clusters and blocs")

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
        return _("Cluster leader") if self.kind == self.Kind.CLUSTER else _("Bloc leader")

    @property
    def deputy_title(self):
        return _("Cluster deputy") if self.kind == self.Kind.CLUSTER else _("Bloc deputy")


class GroupMembership(models.Model):
    group = models.ForeignKey(EmulationGroup, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="group_memberships"
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    history = audit_history()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group", "organization", "year"], name="group_membership_unique"
            )
        ]
        indexes = [models.Index(fields=["organization", "year"])]


class GroupLeadership(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        DEPUTY = "deputy", _("Deputy")

    group = models.ForeignKey(EmulationGroup, on_delete=models.CASCADE, related_name="leaderships")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="group_leaderships"
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    history = audit_history()

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
        PREVIEWED = "previewed", _("Checked")
        COMMITTED = "committed", _("Imported")
        REJECTED = "rejected", _("Has errors, not imported")

    kind = models.CharField(_("data type"), max_length=32)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    row_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    scope_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    history = audit_history(excluded_fields=["report"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("data import")
        verbose_name_plural = _("data imports")

    def __str__(self):
        return self.original_name
