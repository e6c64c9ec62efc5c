"""E-mails that carry an in-app notification."""

from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import loader


def send_notification(*, notification) -> None:
    context = {"notification": notification, "user": notification.user,
               "link": urljoin(settings.SITE_URL, notification.url) if notification.url else ""}
    subject = "".join(loader.render_to_string("emails/notification-subject.txt",
                                              context).splitlines()).strip()
    body = loader.render_to_string("emails/notification-body.txt", context)
    EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL,
                           [notification.user.email]).send()
