"""Forms validate and clean; the views hand cleaned data to services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import EmulationGroup, Organization, Person, Province
from .text import clean_text

MAX_SEARCH = 100


class OrganizationCodeField(forms.CharField):
    """Pick one organization among thousands by its code, within what the user may see."""

    def __init__(self, *args, queryset=None, **kwargs):
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("help_text", _("Nhập mã đơn vị, ví dụ LMHN."))
        super().__init__(*args, **kwargs)
        self.queryset = queryset

    def prepare_value(self, value):
        if isinstance(value, Organization):
            return value.code
        if isinstance(value, int):
            org = Organization.objects.filter(pk=value).only("code").first()
            return org.code if org else ""
        return value

    def clean(self, value):
        code = clean_text(super().clean(value)).upper()
        if not code:
            return None
        org = self.queryset.filter(code=code).first()
        if org is None:
            raise forms.ValidationError(
                _("Không tìm thấy đơn vị có mã “%(code)s” trong phạm vi bạn được quản lý."),
                code="unknown", params={"code": code},
            )
        return org


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên hoặc mã"), required=False, max_length=MAX_SEARCH)
    province = forms.ModelChoiceField(
        label=_("Tỉnh, thành phố"), queryset=Province.objects.all(), required=False,
        empty_label=_("Tất cả"),
    )
    kind = forms.ChoiceField(
        label=_("Loại đơn vị"), required=False,
        choices=[("", _("Tất cả"))] + list(Organization.Kind.choices),
    )
    group = forms.ModelChoiceField(
        label=_("Cụm, khối thi đua"), queryset=EmulationGroup.objects.none(), required=False,
        empty_label=_("Tất cả"),
    )
    include_inactive = forms.BooleanField(label=_("Gồm cả đơn vị đã ngừng, đã hợp nhất"),
                                          required=False)

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        if groups is not None:
            self.fields["group"].queryset = groups


class OrganizationForm(forms.ModelForm):
    parent = OrganizationCodeField(label=_("Mã đơn vị cấp trên"), required=False)

    class Meta:
        model = Organization
        fields = ["code", "kind", "name", "short_name", "parent", "province", "tax_code", "address",
                  "active_from"]
        help_texts = {
            "code": _("Mã ngắn, duy nhất trong toàn hệ thống, ví dụ HTX-HN-0012."),
            "tax_code": _("Bắt buộc với hợp tác xã, liên hiệp hợp tác xã."),
        }

    def __init__(self, *args, parent_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parent_queryset
        self.fields["province"].queryset = Province.objects.filter(valid_to__isnull=True)
        self.fields["active_from"].widget = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})

    def clean_code(self):
        code = clean_text(self.cleaned_data["code"]).upper()
        if not code.replace("-", "").replace("_", "").isalnum():
            raise forms.ValidationError(
                _("Mã đơn vị chỉ gồm chữ cái không dấu, chữ số, dấu gạch ngang hoặc gạch dưới.")
            )
        return code

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in (Organization.Kind.COOPERATIVE, Organization.Kind.COOP_UNION) and not data.get(
            "tax_code"
        ):
            self.add_error("tax_code", _("Hợp tác xã và liên hiệp hợp tác xã phải có mã số thuế."))
        if kind != Organization.Kind.VCA_CENTRAL and not data.get("parent") and "parent" not in self.errors:
            self.add_error("parent", _("Vui lòng nhập mã đơn vị cấp trên."))
        return data


class OrganizationRenameForm(forms.Form):
    name = forms.CharField(label=_("Tên đầy đủ mới"), max_length=255)
    short_name = forms.CharField(label=_("Tên viết tắt mới"), max_length=120, required=False)
    on_date = forms.DateField(label=_("Ngày bắt đầu dùng tên mới"),
                              widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))


class OrganizationMergeForm(forms.Form):
    into = OrganizationCodeField(label=_("Mã đơn vị tiếp nhận"))
    on_date = forms.DateField(label=_("Ngày hợp nhất (có hiệu lực)"),
                              widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    confirm = forms.BooleanField(
        label=_("Tôi xác nhận hợp nhất; đơn vị bị hợp nhất sẽ ngừng hoạt động từ ngày trên."),
    )

    def __init__(self, *args, into_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = into_queryset


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo họ tên"), required=False, max_length=MAX_SEARCH)
    organization = OrganizationCodeField(label=_("Mã đơn vị"), required=False, help_text="")
    birth_year = forms.IntegerField(label=_("Năm sinh"), required=False, min_value=1900,
                                    max_value=2100)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


def _year_bounds():
    return 1900, timezone.localdate().year


class PersonForm(forms.ModelForm):
    organization = OrganizationCodeField(label=_("Mã đơn vị công tác"))
    confirm_duplicate = forms.BooleanField(
        label=_("Tôi đã kiểm tra: đây là một người khác, không phải người đã có."),
        required=False,
    )

    class Meta:
        model = Person
        fields = ["full_name", "gender", "birth_year", "position", "organization"]

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if self.instance.pk:
            # A change of organization is a move with a date, done on its own page.
            del self.fields["organization"]
        self.duplicates = []

    def clean_full_name(self):
        name = clean_text(self.cleaned_data["full_name"])
        if len(name.split(" ")) < 2:
            raise forms.ValidationError(_("Vui lòng nhập đầy đủ họ và tên (ít nhất hai từ)."))
        if any(ch.isdigit() for ch in name):
            raise forms.ValidationError(_("Họ và tên không được chứa chữ số."))
        return name

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        low, high = _year_bounds()
        if year is not None and not (low <= year <= high - 15):
            raise forms.ValidationError(
                _("Năm sinh phải trong khoảng %(low)s–%(high)s.") % {"low": low, "high": high - 15}
            )
        return year


class PersonMoveForm(forms.Form):
    to_organization = OrganizationCodeField(label=_("Mã đơn vị chuyển đến"))
    moved_on = forms.DateField(label=_("Ngày chuyển"),
                               widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    position = forms.CharField(label=_("Chức vụ tại đơn vị mới"), max_length=200, required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organization"].queryset = organizations


class GroupForm(forms.ModelForm):
    class Meta:
        model = EmulationGroup
        fields = ["code", "name", "kind", "description"]


class GroupYearForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Đơn vị thành viên"), queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple, required=False,
    )
    leader = forms.ModelChoiceField(label=_("Đơn vị trưởng"), queryset=Organization.objects.none(),
                                    required=False, empty_label=_("Chưa bầu"))
    deputy = forms.ModelChoiceField(label=_("Đơn vị phó"), queryset=Organization.objects.none(),
                                    required=False, empty_label=_("Chưa bầu"))

    def __init__(self, *args, candidates, group, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("members", "leader", "deputy"):
            self.fields[name].queryset = candidates
        self.fields["leader"].label = group.leader_title
        self.fields["deputy"].label = group.deputy_title


class GroupCopyYearForm(forms.Form):
    from_year = forms.IntegerField(label=_("Sao chép từ năm"), min_value=2000, max_value=2100)
    to_year = forms.IntegerField(label=_("Sang năm"), min_value=2000, max_value=2100)

    def clean(self):
        data = super().clean()
        if data.get("from_year") and data.get("to_year") and data["to_year"] <= data["from_year"]:
            self.add_error("to_year", _("Năm mới phải sau năm được sao chép."))
        return data
