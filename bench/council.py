#!/usr/bin/env python
"""Benchmark of the council's vote (issue 5, part 10): the ballot page of a 500-item agenda,
the submission of a 500-item ballot, and thirty members submitting at the same moment, against
the national demo data: server time (median of --runs, after one warm-up) and SQL query count.

It builds, and deletes again at the end (the concurrent voters need committed rows, so a
rolled-back transaction cannot hold them): a central cycle with one provincial alliance's
appraised dossier of --items agreed nominations of its people (half Chiến sĩ thi đua ngành,
voted by secret ballot; half Bằng khen của Chủ tịch Liên minh, voted openly), written with
bulk_create; then through the services a council of --members voting members and a secretary,
a meeting with the whole list on its agenda, everyone present, and the vote opened.

(a) the ballot page, GET `awards:meeting_ballot` through Django's test client (force_login) as
    one member; also the selector behind it (`selectors_council.agenda`) alone;
(b) one complete ballot: `services_council.ballot_submit` with a choice on every item, and the
    page's POST (`choice_<id>`, `confirm`), each run in a savepoint rolled back;
(c) every member posts the ballot page (a thread each, its own client and database
    connection, released by a barrier): first all at the same moment, then (the same members,
    their first ballots removed) arriving at random within --spread seconds, the "30 members
    within the same 10 s" of quality target P4: wall time, per-submission p50/p95/max, and
    the recount of the raw ballots compared with what the threads submitted; then the chair
    closes (time and queries) and the published count of every item is compared with
    `recount` and with the submitted ballots.

Notifications (meeting opened, vote closed) are switched off: they are not what is measured and
would write to the inboxes of the database's real users.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_thidua .venv/bin/python -m bench.council

See bench/RESULTS.md, section 10.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.award_import import DEFAULT_DB, QueryCounter, dataset_counts, setup_django  # noqa: E402

CHOICES = ("agree", "disagree", "abstain")
MEETING_DAY = date(2026, 11, 27)
PREFIX = "bench.hoidong"
RECEIPT = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--spread", type=float, default=10.0,
                        help="seconds over which the second crowd of voters arrives")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers for (c)")
    parser.add_argument("--profile", action="store_true",
                        help="also profile one POST of the ballot page with cProfile")
    return parser.parse_args(argv)


class Rollback(Exception):
    pass


def cpu_busy(since) -> str:
    """The share of all CPUs busy since `since` (bench.org_list.cpu_ticks), and new ticks."""
    from bench.org_list import cpu_ticks

    total, idle = cpu_ticks()
    if since is None or total == since[0]:
        return "", (total, idle)
    share = 100 * (1 - (idle - since[1]) / (total - since[0]))
    return f"CPU busy {share:.0f} %", (total, idle)


def ms(seconds: float) -> int:
    return round(seconds * 1000)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


# --- the world ---------------------------------------------------------------------------------


class Built:
    """What build() made, so that cleanup() removes exactly that."""

    def __init__(self):
        self.users, self.roles = [], []
        self.cycle = self.dossier = self.council = self.meeting = None
        self.nominations = []


def build(items: int, members: int, built: Built):
    from accounts.models import Role, User
    from accounts.services import role_assign
    from awards import services_council as sc
    from awards.models import (
        Attendance, AwardCycle, AwardType, CouncilMember, Dossier, Nomination,
    )
    from clusters.models import Organization, Person

    admin = User.objects.get(username="quantri")
    central = Organization.objects.get(code="LMHTXVN")
    alliance = (Organization.objects.filter(kind="provincial_alliance", merged_into__isnull=True)
                .order_by("pk").first())
    built.cycle = cycle = AwardCycle.objects.create(
        organizer=central, kind="merit", year=2025, title="Benchmark: hội đồng", status="open",
        deadline=date(2026, 12, 31), created_by=admin)
    types = {t.code: t for t in AwardType.objects.filter(code__in=["CSTDN", "BK_CT"])}
    cycle.award_types.set(types.values())
    built.dossier = dossier = Dossier.objects.create(
        cycle=cycle, organization=alliance, recipient=central, status="appraised", round=1,
        created_by=admin)
    people = list(Person.objects.filter(organization__path__startswith=alliance.path)
                  .order_by("pk")[:items])
    if len(people) < items:
        raise SystemExit(f"only {len(people)} people under {alliance.code}")
    built.nominations = Nomination.objects.bulk_create([
        Nomination(dossier=dossier, person=p, award_type=types["CSTDN" if i % 2 else "BK_CT"],
                   achievement_summary="Hoàn thành xuất sắc nhiệm vụ năm 2025.", position=i + 1,
                   status=Nomination.Status.AGREED, verdict="eligible")
        for i, p in enumerate(people)])

    built.council = council = sc.council_create(
        organization=central, name="Hội đồng Thi đua - Khen thưởng (benchmark)", by=admin)
    term = sc.term_save(council=council, by=admin, name="Nhiệm kỳ 2025 – 2030",
                        start_date=date(2025, 1, 1))
    seats = []
    for i in range(members + 1):
        user = User.objects.create_user(username=f"{PREFIX}{i:02d}", password=None,
                                        full_name=f"Ủy viên {i:02d}")
        built.users.append(user)
        built.roles.append(role_assign(user=user, role=Role.COUNCIL_MEMBER,
                                       organization=central, valid_from=date(2025, 1, 1)))
        position = (CouncilMember.Position.CHAIR if i == 0 else
                    CouncilMember.Position.SECRETARY if i == members else
                    CouncilMember.Position.MEMBER)
        seats.append(sc.member_save(term=term, by=admin, user=user, full_name=f"Ủy viên {i:02d}",
                                    organization=central, position=position,
                                    valid_from=date(2025, 1, 1), votes=i < members))
    voters, secretary = seats[:members], seats[members]
    built.meeting = meeting = sc.meeting_save(
        council=council, by=admin, title="Phiên họp benchmark", date=MEETING_DAY, place="Hà Nội",
        chair=voters[0], secretary=secretary)
    sc.agenda_add(meeting=meeting, nominations=Nomination.objects.filter(dossier=dossier)
                  .select_related("dossier__cycle", "award_type"), by=admin)
    sc.attendance_record(meeting=meeting, by=admin,
                         statuses={s.pk: Attendance.Status.PRESENT for s in voters})
    meeting = sc.meeting_open(meeting=meeting, by=voters[0].user)
    return meeting, voters


def cleanup(built: Built):
    """Delete what build() made, and the history and events its services wrote."""
    from django.contrib.sessions.models import Session

    from accounts.models import RoleAssignment, User
    from awards.models import (
        AwardCycle, Council, CouncilMeeting, CouncilMember, CouncilTerm, Dossier, DossierEvent,
        Nomination,
    )

    def forget(model, ids):
        model.history.model.objects.filter(id__in=ids).delete()

    meeting_ids = list(CouncilMeeting.objects.filter(council=built.council)
                       .values_list("pk", flat=True)) if built.council else []
    if meeting_ids:
        from awards.models import Attendance

        attendance = list(Attendance.objects.filter(meeting_id__in=meeting_ids)
                          .values_list("pk", flat=True))
        CouncilMeeting.objects.filter(pk__in=meeting_ids).delete()
        forget(CouncilMeeting, meeting_ids)
        forget(Attendance, attendance)
    if built.council:
        terms = list(CouncilTerm.objects.filter(council=built.council).values_list("pk", flat=True))
        seats = list(CouncilMember.objects.filter(term_id__in=terms).values_list("pk", flat=True))
        Council.objects.filter(pk=built.council.pk).delete()
        forget(Council, [built.council.pk])
        forget(CouncilTerm, terms)
        forget(CouncilMember, seats)
    if built.dossier:
        nominations = list(Nomination.objects.filter(dossier=built.dossier)
                           .values_list("pk", flat=True))
        DossierEvent.objects.filter(dossier=built.dossier).delete()
        Nomination.objects.filter(pk__in=nominations).delete()
        forget(Nomination, nominations)
        Dossier.objects.filter(pk=built.dossier.pk).delete()
        forget(Dossier, [built.dossier.pk])
    if built.cycle:
        AwardCycle.objects.filter(pk=built.cycle.pk).delete()
        forget(AwardCycle, [built.cycle.pk])
    user_ids = [u.pk for u in built.users]
    from accounts.models import UserSession  # the sessions' revocation records (S6)

    UserSession.objects.filter(user_id__in=user_ids).delete()
    for session in Session.objects.all().iterator():
        if session.get_decoded().get("_auth_user_id") in {str(pk) for pk in user_ids}:
            session.delete()
    role_ids = list(RoleAssignment.objects.filter(user_id__in=user_ids)
                    .values_list("pk", flat=True))
    RoleAssignment.objects.filter(pk__in=role_ids).delete()
    for model, ids in ((RoleAssignment, role_ids), (User, user_ids)):
        if hasattr(model, "history"):
            forget(model, ids)
    # A raw delete: the users' own rows are gone above, and the collector of a plain delete()
    # would read every table that points at users, including those of apps the benchmark
    # database may not have migrated yet.
    users = User.objects.filter(pk__in=user_ids)
    users._raw_delete(users.db)


# --- the measures ------------------------------------------------------------------------------


def timed(call, runs: int, *, rollback: bool = False):
    """Median and max of `runs` calls after one warm-up, and the queries of the last call.
    With `rollback`, each call runs in a savepoint rolled back afterwards."""
    from django.db import connection, transaction

    def once():
        counter = QueryCounter()
        result = None
        try:
            with transaction.atomic():
                with connection.execute_wrapper(counter):
                    started = time.perf_counter()
                    result = call()
                    elapsed = time.perf_counter() - started
                if rollback:
                    raise Rollback
        except Rollback:
            pass
        return elapsed, counter.count, result

    once()  # warm-up
    times, counts, result = [], [], None
    for _ in range(runs):
        elapsed, count, result = once()
        times.append(elapsed)
        counts.append(count)
    return {"median_ms": ms(statistics.median(times)), "max_ms": ms(max(times)),
            "queries": max(counts)}, result


def ballot_post(items, rng) -> tuple[dict, dict]:
    choices = {str(i.pk): rng.choice(CHOICES) for i in items}
    data = {f"choice_{pk}": value for pk, value in choices.items()}
    data["confirm"] = "on"
    return choices, data


def crowd(post, count, spread, seed):
    """`count` threads call post(index) (each with its own connection), released together by
    a barrier; with `spread`, each first waits a random part of `spread` seconds. Returns the
    wall time, each call's (seconds, server-side detail) and the errors."""
    rng = random.Random(seed)
    delays = [rng.uniform(0, spread) for _ in range(count)]
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def vote(index):
        from django.db import connection as own

        try:
            barrier.wait(timeout=60)
            time.sleep(delays[index])
            begun = time.perf_counter()
            detail = post(index)
            results[index] = (time.perf_counter() - begun, detail)
        except Exception as error:  # noqa: BLE001 - reported
            errors.append(repr(error))
        finally:
            own.close()

    threads = [threading.Thread(target=vote, args=(i,)) for i in range(count)]
    begun = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - begun, [r for r in results if r is not None], errors


class HttpVoter:
    """One member's browser: the session of a force_login (no login form, whose failure
    counter would lock the account), the CSRF token of the ballot page, then the POST."""

    def __init__(self, base, url, user):
        import urllib.parse

        from django.test import Client as TestClient

        from bench.org_list import Client

        login = TestClient(HTTP_HOST="127.0.0.1")
        login.force_login(user)
        self.http = Client(base, timeout=120)
        self.http.jar.set_cookie(_cookie("sessionid", login.cookies["sessionid"].value))
        self.url, self.base, self.quote = url, base, urllib.parse.urlencode
        status, _h, html, _w, _f = self.http.get(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if status != 200 or not token:
            raise RuntimeError(f"ballot page: HTTP {status}, CSRF token {bool(token)}")
        self.token = token.group(1)

    def post(self, data: dict):
        import urllib.request

        from bench.org_list import timing

        body = self.quote({**data, "csrfmiddlewaretoken": self.token}).encode()
        request = urllib.request.Request(
            self.base + self.url, data=body, method="POST",
            headers={"Referer": self.base + self.url,
                     "Content-Type": "application/x-www-form-urlencoded"})
        with self.http.opener.open(request, timeout=120) as response:
            html = response.read().decode()
            if response.status != 200 or not RECEIPT.search(html):
                raise RuntimeError(f"POST: HTTP {response.status}, no receipt code")
            return timing(response.headers)


def _cookie(name, value):
    import http.cookiejar

    return http.cookiejar.Cookie(
        version=0, name=name, value=value, port=None, port_specified=False,
        domain="127.0.0.1", domain_specified=False, domain_initial_dot=False, path="/",
        path_specified=True, secure=False, expires=None, discard=True, comment=None,
        comment_url=None, rest={}, rfc2109=False)


def stored(meeting) -> tuple:
    from awards.models import Ballot, BallotParticipation, OpenVote

    return (BallotParticipation.objects.filter(meeting=meeting).count(),
            Ballot.objects.filter(meeting=meeting).count(),
            OpenVote.objects.filter(item__meeting=meeting).count())


def compare(meeting, items, submitted, recount, *, published=False) -> int:
    """How many items' counts differ between the recount and the submitted ballots (and,
    after the close, the published counts)."""
    expected = {i.pk: Counter() for i in items}
    for choices, _data in submitted:
        for key, value in choices.items():
            expected[int(key)][value] += 1
    wrong = 0
    for item in meeting.items.all():
        again = (recount[item.pk].agree, recount[item.pk].disagree, recount[item.pk].abstain)
        mine = tuple(expected[item.pk][c] for c in CHOICES)
        wrong += again != mine or (published and (item.agree, item.disagree,
                                                  item.abstain) != again)
    return wrong


def forget_votes(meeting):
    """Between two crowds: remove the first crowd's ballots (raw rows of the benchmark's own
    meeting) so that the same members can vote again."""
    from awards.models import Ballot, BallotDraft, BallotParticipation, OpenVote

    OpenVote.objects.filter(item__meeting=meeting).delete()
    Ballot.objects.filter(meeting=meeting).delete()
    BallotParticipation.objects.filter(meeting=meeting).delete()
    BallotDraft.objects.filter(meeting=meeting).delete()


def main(argv=None):
    args = parse_args(argv)
    setup_django(args.database_url)
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from awards import services_council as sc
    from awards import selectors_council
    from awards.models import BallotParticipation

    sc.notify = lambda **kwargs: []  # see the docstring
    print(f"data: {dataset_counts()}; {connection.vendor}")
    built = Built()
    try:
        started = time.perf_counter()
        meeting, voters = build(args.items, args.members, built)
        items = list(meeting.items.order_by("position"))
        open_items = sum(1 for i in items if i.mode == "open")
        print(f"built in {time.perf_counter() - started:.1f} s: {len(items)} items "
              f"({len(items) - open_items} secret, {open_items} open), {len(voters)} voters")

        # (a) the ballot page, and the selector behind it
        _none, ticks = cpu_busy(None)
        selector, _ = timed(lambda: list(selectors_council.agenda(meeting)), args.runs)
        print(f"(a) selectors_council.agenda, {len(items)} items: {selector}")
        try:
            url = reverse("awards:meeting_ballot", args=[meeting.pk])
        except NoReverseMatch:
            url = None
            print("(a) no URL named awards:meeting_ballot yet: only the selector was measured")
        member = voters[1]
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(member.user)
        if url:
            def get():
                response = client.get(url)
                assert response.status_code == 200, response.status_code
                return len(response.content)
            page, size = timed(get, args.runs)
            print(f"(a) GET {url}: {page}, {size / 1024:.0f} KiB of HTML")

        # (b) one complete ballot: the service, and the page's POST
        rng = random.Random(2026)
        choices, data = ballot_post(items, rng)
        service, code = timed(lambda: sc.ballot_submit(meeting=meeting, by=member.user,
                                                       choices=choices), args.runs,
                              rollback=True)
        assert len(code) == 19
        print(f"(b) ballot_submit, {len(items)} choices: {service}")
        if url:
            def post():
                response = client.post(url, data)
                assert response.status_code == 200, response.status_code
                assert RECEIPT.search(response.content.decode()), "no receipt code on the page"
            posted, _ = timed(post, args.runs, rollback=True)
            print(f"(b) POST {url} (confirmed), {len(items)} choices: {posted}")
            if args.profile:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                timed(lambda: profiler.runcall(post), 1, rollback=True)
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        assert not BallotParticipation.objects.filter(meeting=meeting).exists()
        busy, ticks = cpu_busy(ticks)
        print(f"(a), (b): {busy}")

        # (c) every member at once, then spread over --spread seconds (quality target P4),
        # through gunicorn (--workers processes: threads of this process would share one GIL)
        server = None
        if url:
            from types import SimpleNamespace

            from bench.org_list import Gunicorn

            server = Gunicorn(SimpleNamespace(
                app="config.wsgi:application", workers=args.workers, startup_timeout=60,
                database_url=args.database_url, conn_max_age=0), os.environ["SECRET_KEY"])
            server.start()
            browsers = [HttpVoter(server.base, url, seat.user) for seat in voters]
        try:
            scenarios = [("at once", 0.0, 1), (f"within {args.spread:g} s", args.spread, 2)]
            for name, spread, seed in scenarios:
                submitted = [ballot_post(items, random.Random(seed * 1000 + n))
                             for n in range(len(voters))]
                if server:
                    def post(index):
                        return browsers[index].post(submitted[index][1])
                else:
                    def post(index):
                        return sc.ballot_submit(meeting=meeting, by=voters[index].user,
                                                choices=submitted[index][0]) and None
                _none, ticks = cpu_busy(None)
                wall, done, errors = crowd(post, len(voters), spread, seed)
                busy, ticks = cpu_busy(ticks)
                seconds = [d for d, _detail in done]
                app = [detail[0] for _d, detail in done if detail and detail[0] is not None]
                queries = {detail[2] for _d, detail in done if detail and detail[2] is not None}
                counts = stored(meeting)
                mismatches = compare(meeting, items, submitted, sc.recount(meeting))
                print(f"(c) {len(voters)} voters {name} through "
                      f"{f'gunicorn ({args.workers} workers)' if server else 'ballot_submit'}"
                      f": wall {ms(wall)} ms; per submission p50 {ms(percentile(seconds, 0.5))}"
                      f" ms, p95 {ms(percentile(seconds, 0.95))} ms, max {ms(max(seconds))} ms"
                      + (f" (server app time p50 {percentile(app, 0.5):.0f} ms, max "
                         f"{max(app):.0f} ms; queries {sorted(queries)})" if app else "")
                      + f"; errors {errors}; stored {counts} (expected {len(voters)}, "
                      f"{len(voters)}, {len(voters) * open_items}); items whose recount "
                      f"differs from the submitted ballots: {mismatches}; {busy}")
                if name != scenarios[-1][0]:
                    forget_votes(meeting)
        finally:
            if server:
                server.stop()
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            sc.meeting_close(meeting=meeting, by=voters[0].user)
            close_ms = ms(time.perf_counter() - started)
        mismatches = compare(meeting, items, submitted, sc.recount(meeting), published=True)
        print(f"(c) close: {close_ms} ms, {counter.count} queries; items whose published count "
              f"differs from recount or from the submitted ballots: {mismatches}")
        client.logout()
    finally:
        cleanup(built)
        print("cleaned up")


if __name__ == "__main__":
    main()
