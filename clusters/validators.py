import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_TAX_CODE = re.compile(r"^(\d{10})(-\d{3})?$")
_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def tax_code_check_digit(first_nine: str) -> int | None:
    """The tenth digit of a Vietnamese tax code (mã số thuế); None when no digit fits."""
    remainder = sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS)) % 11
    digit = 10 - remainder
    return None if digit == 10 else digit % 10


def validate_tax_code(value: str) -> None:
    if not value:
        return
    match = _TAX_CODE.match(value)
    if not match:
        raise ValidationError(
            _("A tax code has 10 digits, or 10 digits, a hyphen and the 3 digits of a dependent "
              "unit (for example 0101234567 or 0101234567-001)."),
            code="format",
        )
    main = match.group(1)
    if tax_code_check_digit(main[:9]) != int(main[9]):
        raise ValidationError(
            _("The tax code %(value)s is not valid: its check digit (the 10th digit) is wrong. "
              "Please check it against the registration certificate."),
            code="checksum",
            params={"value": value},
        )
