"""The enforced Content Security Policy breaks nothing: every page a demo role reaches carries the
policy, and none has what the policy blocks (architecture §10, quality target S1).

`script-src 'self'; style-src 'self'` blocks inline <script> and <style>, event-handler
attributes (onclick=…), style= attributes and javascript: URLs. A page that has one is a broken
feature, so the test lists each with its page. Pages are those of tests/test_translations.py
(each demo user in each role: the dashboard, every navigation item, the password page), then the
links they show, followed one more level: one address per URL pattern and role."""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse

from accounts.middleware import SESSION_KEY
from accounts.navigation import navigation_for
from tests.test_translations import demo, demo_user, roles_of  # noqa: F401  (demo: a fixture)

# Executed by no browser, so the policy does not apply (json_script, templates).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template",
                     "text/x-template", "importmap"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href"}
# Files, not pages: their links are not followed (rendering PDFs is slow and says nothing here).
FILE_ROUTE_WORDS = ("pdf", "docx", "xlsx", "download", "template", "export", "document",
                    "certificate", "csv", "print", "scan")
LINK_DEPTH = 2


class CspViolations(HTMLParser):
    """What the policy would block in a page, and the page's same-site links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.links: list[str] = []
        self._script_line = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        line = self.getpos()[0]
        for name, value in attrs:
            if name.startswith("on") and len(name) > 2:
                self.found.append(f"line {line}: <{tag} {name}=…> (event handler)")
            elif name == "style":
                self.found.append(f"line {line}: <{tag} style=\"{value}\">")
            elif name in URL_ATTRIBUTES and value and \
                    "".join(value.split()).lower().startswith("javascript:"):
                self.found.append(f"line {line}: <{tag} {name}=\"{value}\">")
        if tag == "script" and not attributes.get("src") and \
                (attributes.get("type") or "").lower() not in DATA_SCRIPT_TYPES:
            self._script_line = line
        if tag == "style":
            self.found.append(f"line {line}: <style> element")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])

    def handle_endtag(self, tag):
        self._script_line = None

    def handle_data(self, data):
        if self._script_line is not None and data.strip():
            self.found.append(f"line {self._script_line}: inline <script> ({data.strip()[:60]!r})")
            self._script_line = None


def violations_in(html: str) -> tuple[list[str], list[str]]:
    parser = CspViolations()
    parser.feed(html)
    parser.close()
    return parser.found, parser.links


def test_the_detector_finds_what_the_policy_blocks():
    found, links = violations_in(
        '<a href="/don-vi/">ok</a><script src="/static/js/app.js"></script>'
        '<script type="application/json" id="d">{"a": 1}</script>'
        '<script>alert(1)</script><button onclick="x()">b</button><p style="color:red">s</p>'
        '<a href=" JavaScript:void(0)">j</a><style>p{}</style>')

    assert [f.split(": ", 1)[1] for f in found] == [
        "inline <script> ('alert(1)')", "<button onclick=…> (event handler)",
        '<p style="color:red">', '<a href=" JavaScript:void(0)">', "<style> element"]
    assert links == ["/don-vi/", " JavaScript:void(0)"]


def _route(path: str):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _followable(href: str, admin_prefix: str) -> str | None:
    """The path to follow for a link of the page, or None (other sites, anchors, files)."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith((admin_prefix, "/static/", "/media/")):
        return None
    route = _route(parts.path)
    if route is None or any(word in route for word in FILE_ROUTE_WORDS) or "logout" in route:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_every_page_of_every_demo_role_keeps_to_the_policy(db, client, demo):  # noqa: F811
    admin_prefix = reverse("admin:index")
    problems, pages = [], 0
    # Each pattern's links are followed once for all roles: the roles' own pages (their start
    # pages) are always checked, and a second role rarely changes the template of a detail page.
    seen_routes: set[str] = set()
    seen_urls: set[str] = set()
    for username in demo["usernames"]:
        user = demo_user(username)
        client.force_login(user)
        for role in roles_of(user):
            session = client.session
            session[SESSION_KEY] = role.pk
            session.save()
            user._active_role = role
            start = [reverse("dashboard"), reverse("accounts:password_change")]
            start += [url for area in navigation_for(user) for _item, url in area["items"]
                      if not url.startswith(admin_prefix)]
            del user._active_role
            queue = deque((url, 0) for url in start)
            while queue:
                url, depth = queue.popleft()
                route = _route(urlsplit(url).path)
                if (url, role.pk) in seen_urls or (depth and route in seen_routes):
                    continue
                seen_urls.add((url, role.pk))
                seen_routes.add(route)
                response = client.get(url)
                if not response.get("Content-Type", "").startswith("text/html"):
                    continue
                pages += 1
                who = f"{username} ({role.get_role_display()}) {url}"
                if "Content-Security-Policy" not in response.headers:
                    problems.append(f"{who}: no Content-Security-Policy header")
                found, links = violations_in(response.content.decode())
                problems += [f"{who}: {f}" for f in found]
                if depth < LINK_DEPTH and response.status_code == 200:
                    for href in links:
                        path = _followable(href, admin_prefix)
                        if path and _route(urlsplit(path).path) not in seen_routes:
                            queue.append((path, depth + 1))
        client.logout()

    assert pages > 100, pages
    assert problems == [], f"{len(problems)} problem(s) on {pages} pages:\n" + "\n".join(
        sorted(set(problems)))


@pytest.mark.parametrize("path", ["/tai-khoan/dang-nhap/", "/khong-co-trang-nay/"])
def test_anonymous_pages_carry_the_policy(client, db, path):
    response = client.get(path)

    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert violations_in(response.content.decode())[0] == []
