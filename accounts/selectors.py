from django.db.models import Prefetch, Q
from django.http import Http404


from .models import RoleAssignment, User
from .scoping import scope_q, sees_everything


def users_for(user):
    """Users holding a role inside the admin's scope; central administrators see everyone."""
    if sees_everything(user):
        return User.objects.all()
    scoped = RoleAssignment.objects.filter(scope_q(user, "organization")).values("user_id")
    return User.objects.filter(pk__in=scoped)


def user_list(user, *, q=""):
    qs = users_for(user).prefetch_related(
        Prefetch("role_assignments",
                 queryset=RoleAssignment.objects.current().select_related("organization"),
                 to_attr="current_roles")
    )
    if q:
        text = q.strip()
        qs = qs.filter(Q(username__icontains=text) | Q(email__icontains=text)
                       | Q(full_name__icontains=text))
    return qs.order_by("username")


def get_user_for_admin(user, pk) -> User:
    target = users_for(user).filter(pk=pk).first()
    if target is None:
        raise Http404
    return target
