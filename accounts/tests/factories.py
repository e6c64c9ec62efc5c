import itertools

import factory

from accounts import services
from accounts.models import Role, User

_seq = itertools.count(1)
PASSWORD = "mat-khau-thu-nghiem-2026"


class UserFactory(factory.Factory):
    class Meta:
        model = User

    username = factory.LazyFunction(lambda: f"nguoidung{next(_seq)}")
    full_name = "Người Dùng Thử"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.user_create(**kwargs)

    _build = _create


def user_with_role(role: str, organization, **kwargs) -> User:
    user = UserFactory(**kwargs)
    services.role_assign(user=user, role=role, organization=organization)
    return user


__all__ = ["PASSWORD", "Role", "UserFactory", "user_with_role"]
