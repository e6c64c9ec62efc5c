"""The in-app user guide (issue 9): every page for every logged-in user, none for anonymous
visitors, in Vietnamese, with a table of contents whose links reach their headings, headings in
order, figures with captions and alt text; and the header's "Hướng dẫn" link goes to the guide
page of the area the user is in."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import resolve, reverse

from config.help import PAGES, help_slug_for
from tests.test_translations import english_in, visible_text

GUIDE_URLS = [reverse("help:index")] + [reverse("help:page", args=[slug]) for slug in PAGES]


class _Outline(HTMLParser):
    """What the accessibility checks need from a page: heading levels inside <main>, ids,
    in-page links, images (with alt) and whether each sits in a <figure> with a <figcaption>."""

    def __init__(self):
        super().__init__()
        self.in_main = 0
        self.headings, self.ids, self.anchors, self.images = [], set(), [], []
        self.figure_depth, self.figures, self._figure = 0, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "main":
            self.in_main += 1
        if not self.in_main:
            return
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "a" and (attrs.get("href") or "").startswith("#"):
            self.anchors.append(attrs["href"][1:])
        if tag == "figure":
            self._figure = {"img": [], "caption": False}
        if tag == "figcaption" and self._figure is not None:
            self._figure["caption"] = True
        if tag == "img":
            self.images.append({"src": attrs.get("src", ""), "alt": attrs.get("alt", ""),
                                "in_figure": self._figure is not None})
            if self._figure is not None:
                self._figure["img"].append(attrs.get("src"))

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main -= 1
        if tag == "figure" and self._figure is not None:
            self.figures.append(self._figure)
            self._figure = None


def outline(html: str) -> _Outline:
    parser = _Outline()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("url", GUIDE_URLS)
def test_every_guide_page_opens_for_a_logged_in_user_in_vietnamese(client, world, url):
    client.force_login(world.users.staff)

    response = client.get(url)

    assert response.status_code == 200
    # The guide's own text: <main>. The header and footer of base.html are checked on every page
    # by tests/test_translations.py.
    main = re.search(r"<main\b.*</main>", response.content.decode(), re.S).group(0)
    text = visible_text(main)
    assert english_in(text) == []
    assert "Hướng dẫn sử dụng" in text


@pytest.mark.parametrize("role", ["staff", "appraiser", "council", "admin", "leadership", "no_role"])
def test_anyone_logged_in_may_read_every_guide_page(client, world, role):
    client.force_login(getattr(world.users, role))

    assert [client.get(url).status_code for url in GUIDE_URLS] == [200] * len(GUIDE_URLS)


@pytest.mark.parametrize("url", GUIDE_URLS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_an_unknown_guide_page_is_not_found(client, world):
    client.force_login(world.users.staff)

    assert client.get("/huong-dan/khong-co/").status_code == 404


@pytest.mark.parametrize("url", GUIDE_URLS)
def test_guide_pages_are_accessible_documents(client, world, url):
    client.force_login(world.users.staff)
    page = outline(client.get(url).content.decode())

    # One h1, and no level skipped on the way down.
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(page.headings, page.headings[1:])), page.headings
    # Every link of the table of contents reaches a heading on the page.
    assert page.anchors and set(page.anchors) <= page.ids
    for image in page.images:
        assert image["in_figure"], image["src"]
        assert len(image["alt"]) > 40, f"{image['src']}: the alt text must describe the picture"
    assert all(figure["caption"] and figure["img"] for figure in page.figures)


def test_each_area_page_shows_at_least_one_screenshot(client, world):
    client.force_login(world.users.staff)
    for slug in PAGES:
        page = outline(client.get(reverse("help:page", args=[slug])).content.decode())
        assert any("/img/help/" in image["src"] for image in page.images), slug


# --- the header link ---------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "slug"), [
    ("/", None),
    ("/thi-dua/phong-trao/", "thi-dua"),
    ("/thi-dua/cham-diem/", "thi-dua"),
    ("/cum-khoi/", "thi-dua"),
    ("/don-vi/", None),
    ("/khen-thuong/ho-so/", "ho-so"),
    ("/khen-thuong/ho-so/7/", "ho-so"),
    ("/khen-thuong/dot-xet/3/", "ho-so"),
    ("/khen-thuong/tham-dinh/", "tham-dinh"),
    ("/khen-thuong/ho-so/7/tham-dinh/", "tham-dinh"),
    ("/khen-thuong/ho-so/7/tra-lai/", "tham-dinh"),
    ("/khen-thuong/hoi-dong/", "hoi-dong"),
    ("/khen-thuong/hoi-dong/phien-hop/5/", "hoi-dong"),
    ("/khen-thuong/hoi-dong/phien-hop/5/phieu-bau/", "hoi-dong"),
    ("/khen-thuong/hoi-dong/muc/9/", "hoi-dong"),
    ("/khen-thuong/so-khen-thuong/", None),
    ("/bao-cao/", "bao-cao"),
    ("/bao-cao/tong-hop/2/", "bao-cao"),
    ("/lich/han-cua-toi/", "han-nop"),
    ("/lich/thong-bao/", "han-nop"),
    ("/tai-khoan/doi-mat-khau/", "tai-khoan"),
    ("/huong-dan/hoi-dong/", "hoi-dong"),
    ("/huong-dan/", None),
])
def test_the_guide_page_for_a_url(url, slug):
    assert help_slug_for(resolve(url)) == slug


def test_the_header_link_goes_to_the_guide_of_the_area(client, world):
    client.force_login(world.users.staff)
    cases = {
        reverse("awards:dossier_list"): reverse("help:page", args=["ho-so"]),
        reverse("emulation:movement_list"): reverse("help:page", args=["thi-dua"]),
        reverse("deadlines:my_deadlines"): reverse("help:page", args=["han-nop"]),
        reverse("reports:report_list"): reverse("help:page", args=["bao-cao"]),
        reverse("dashboard"): reverse("help:index"),
    }
    for page, guide in cases.items():
        html = client.get(page).content.decode()
        link = re.search(r'<a class="nav-link" id="help-link" href="([^"]+)">([^<]+)</a>', html)
        assert link, f"{page}: no guide link in the header"
        assert (link.group(1), link.group(2)) == (guide, "Hướng dẫn"), page


def test_the_voting_guide_quotes_the_re_authentication_rule_in_force(client, world, settings):
    """The minutes and the number of tries come from the setting and accounts.reauth, not from
    the text: changing the rule changes the guide."""
    from accounts.reauth import MAX_FAILURES

    settings.REAUTH_SECONDS = 10 * 60
    client.force_login(world.users.council)

    text = visible_text(client.get(reverse("help:page", args=["hoi-dong"])).content.decode())

    assert "gần nhất đã quá 10 phút" in text
    assert f"nhập sai {MAX_FAILURES} lần liên tiếp" in text
