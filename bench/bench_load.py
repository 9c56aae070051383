"""Deadline-day load test: gunicorn workers on PostgreSQL, many users at once.

Starts its own throwaway PostgreSQL database and gunicorn (loopback only), logs in N staff
users who keep saving drafts of their own region's submission and M supervisors who keep
reading ranking pages, for a bounded time, then stops everything and checks that every value a
staff user saved is in the database (no lost update). Reports requests/s and p50/p95/p99 per
endpoint, and errors.

Targets: 0 errors, save p95 ≤ 150 ms, ranking page p95 ≤ 300 ms.

    .venv/bin/python bench/bench_load.py             # 50 staff + 10 supervisors, 60 s, 4 workers
    .venv/bin/python bench/bench_load.py --national  # readers on a nationwide round
    .venv/bin/python bench/bench_load.py --think 2   # stress: past this machine's capacity
    .venv/bin/python bench/bench_load.py --smoke     # CI: 5 + 2 users, 5 s, 2 workers

All users log in first, at once (a password hash each: most of a second of CPU; reported
apart). The timed rush starts when the last one is in: first actions spread over `--ramp`
seconds (not judged), then everything until `--duration` is judged.

Staff post what a browser posts: every input of the entry form (43 values, notes and links),
with 5 values changed, URL-encoded as the form's script sends it when no file is chosen.

Users behave like people: each waits a random think time (exponential, mean `--think`
seconds, default 5) between actions, so a staff user loads the form and saves it about every
10 s (50 users: 5 saves/s, 18,000 an hour) and a supervisor opens a ranking page every 5 s.
With no think time every client hammers the server as fast as it answers, which measures
queueing on this 2-core machine rather than response time; docs/BENCHMARKS.md gives the
figures at shorter think times too.
"""

from __future__ import annotations

import asyncio
import html
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal

from _setup import ROOT, bootstrap, machine, parser
from yarl import URL

PASSWORD = "demo-pass-2026"
SAVE_TARGET_MS, RANKING_TARGET_MS = 150, 300


FORM_RE = re.compile(r'<form[^>]*id="entry-form".*?</form>', re.S)
FIELD_RE = re.compile(r"<(input|textarea)\b([^>]*)>(?:([^<]*)</textarea>)?", re.S)
ATTRIBUTE_RE = re.compile(r'([\w-]+)(?:="([^"]*)")?')


def entry_form_fields(page: str) -> dict[str, str]:
    """The fields a browser submits from the entry form (#entry-form): text inputs and
    textareas with their content, radios and checkboxes only when checked; no file chosen.
    Regular expressions, not an HTML parser: the client shares the machine's 2 cores with the
    server, and html.parser took as long per page as the server took to render it."""
    form = FORM_RE.search(page)
    fields: dict[str, str] = {}
    for tag, attributes, content in FIELD_RE.findall(form.group(0) if form else ""):
        attrs = {name: html.unescape(value) for name, value in ATTRIBUTE_RE.findall(attributes)}
        name, kind = attrs.get("name"), attrs.get("type", "text")
        if not name or attrs.get("form", "entry-form") != "entry-form":
            continue
        if tag == "textarea":
            fields[name] = html.unescape(content)
        elif kind in ("radio", "checkbox"):
            if "checked" in attrs:
                fields[name] = attrs.get("value", "")
        elif kind not in ("file", "submit", "button"):
            fields[name] = attrs.get("value", "")
    return fields


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(supervisors: int, national: bool) -> dict:
    """Demo data plus extra supervisors; returns what the virtual users need. With `national`,
    the readers are administrators reading a computed nationwide round (2,846 counties) instead
    of Zhejiang's supervisors reading the demo round (90 counties)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from assessment.collection.models import Round, Submission
    from assessment.demo.demo import seed_demo
    from assessment.regions.models import Membership

    seed_demo()
    User = get_user_model()
    hashed = make_password(PASSWORD)
    for i in range(supervisors):
        user, _ = User.objects.get_or_create(
            username=f"bench-supervisor-{i}",
            defaults={"password": hashed, "is_staff": national, "is_superuser": national},
        )
        if not national:
            Membership.objects.get_or_create(user=user, region_id="330000", role="supervisor")
    open_round = Round.objects.get(period="2026")
    published = national_rounds() if national else Round.objects.get(period="2025")
    editable = Submission.objects.filter(
        round=open_round, status__in=["not_started", "draft", "returned"]
    ).order_by("region_id")
    # Typed percentages every level answers: a platform-fed field is read-only in the entry
    # form, and one that does not apply to a county is not on a county's form.
    leaves = [
        leaf.code
        for leaf in open_round.system.indicators.filter(value_type="percent", source="form")
        if leaf.applies_to_level("county")
    ]
    return {
        "open_round": open_round.pk,
        "ranking_round": published.pk,
        "staff": [f"staff-{s.region_id}" for s in editable],
        "regions": [s.region_id for s in editable],
        "leaves": leaves,
    }


def national_rounds():
    """Two computed, published nationwide rounds (the later one has a progress race)."""
    from national import national_round

    from assessment.collection.models import Round, RoundStatus
    from assessment.results.services.compute import compute_round

    previous = None
    for period in ("2023", "2024"):
        round_ = national_round(period=period)
        Round.objects.filter(pk=round_.pk).update(previous=previous, status=RoundStatus.PUBLISHED)
        round_.refresh_from_db()
        compute_round(round_=round_)
        previous = round_
    return previous


def start_server(database_url: str, port: int, workers: int) -> subprocess.Popen:
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-" + "k" * 60,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "STATIC_ROOT": static_root,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_ACCESS_LOG": "",  # no access log: it would cost as much as the requests
        "LOGIN_FAILURE_LIMIT": "1000",
    }
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    gunicorn = str(ROOT / ".venv" / "bin" / "gunicorn")
    return subprocess.Popen(
        [gunicorn, "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


class Stats:
    """Latencies per endpoint. Logins (a password hash each: most of a second of CPU) happen
    before the timed rush and are reported apart. Requests that start during the arrival ramp
    are not timed; errors count whenever they happen."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self.logins: list[float] = []
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.steady_from = 0.0

    def record(self, name: str, started: float, ok: bool, detail: str = "") -> None:
        took = (time.perf_counter() - started) * 1000
        if name == "log in":
            self.logins.append(took)
        elif started >= self.steady_from:
            self.times[name].append(took)
        if not ok:
            self.errors[name].append(detail)


class Rush:
    """Everyone logs in first; the timed rush starts when the last user is in. Each user's
    first action then comes at a random moment of the arrival ramp, not all at once."""

    def __init__(self, users: int, duration: float, ramp: float, stats: Stats) -> None:
        self.waiting, self.duration, self.ramp, self.stats = users, duration, ramp, stats
        self.go = asyncio.Event()
        self.started = self.deadline = 0.0
        self.login_seconds = 0.0
        self.created = time.perf_counter()

    async def ready(self, rng: random.Random) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            self.started = time.perf_counter()
            self.login_seconds = self.started - self.created
            self.deadline = self.started + self.duration
            self.stats.steady_from = self.started + self.ramp
            self.go.set()
        await self.go.wait()
        await asyncio.sleep(rng.uniform(0, self.ramp))

    def running(self) -> bool:
        return time.perf_counter() < self.deadline

    async def think(self, rng: random.Random, mean: float) -> bool:
        """A random pause, cut short at the deadline; False once the rush is over."""
        await asyncio.sleep(
            min(rng.expovariate(1 / mean), max(0.0, self.deadline - time.perf_counter()))
        )
        return self.running()


async def log_in(session, base: str, username: str, stats: Stats) -> str:
    started = time.perf_counter()
    async with session.get(f"{base}/accounts/login/") as response:
        await response.read()
    token = session.cookie_jar.filter_cookies(URL(base))["csrftoken"].value
    async with session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
    ) as response:
        stats.record("log in", started, response.status == 302, str(response.status))
        if response.status != 302:
            raise RuntimeError(f"{username} could not log in ({response.status})")
    return session.cookie_jar.filter_cookies(URL(base))["csrftoken"].value


def browser(aiohttp):
    """A client session as a browser keeps one: cookies, and keep-alive connections dropped
    before gunicorn's own keep-alive (5 s) closes them, so a request never races the close."""
    return aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        connector=aiohttp.TCPConnector(keepalive_timeout=4),
    )


async def fetch(session, stats, name, method, url, expect, aiohttp, **kwargs) -> str | None:
    """One timed request; a wrong status or a broken connection is an error of `name`."""
    started = time.perf_counter()
    try:
        async with session.request(method, url, allow_redirects=False, **kwargs) as response:
            body = await response.text()
            stats.record(name, started, response.status == expect, str(response.status))
            return body if response.status == expect else None
    except aiohttp.ClientError as error:
        stats.record(name, started, False, type(error).__name__)
        return None


async def staff_user(base, username, region, ctx, rush, think, stats, saved, aiohttp):
    rng = random.Random(username)
    async with browser(aiohttp) as session:
        token = await log_in(session, base, username, stats)
        await rush.ready(rng)
        url = f"{base}/rounds/{ctx['open_round']}/regions/{region}/"
        while rush.running():
            page = await fetch(session, stats, "entry page", "GET", url, 200, aiohttp)
            fields = entry_form_fields(page or "")
            if "version" not in fields:
                stats.errors["entry page"].append("no entry form in page")
                break
            if not await rush.think(rng, think):
                break
            changes = {
                code: Decimal(rng.randint(0, 1000)) / 10 for code in rng.sample(ctx["leaves"], 5)
            }
            fields.update({f"value-{code}": str(value) for code, value in changes.items()})
            fields.update(action="save", csrfmiddlewaretoken=token)
            answer = await fetch(
                session, stats, "save draft", "POST", url, 302, aiohttp, data=fields
            )
            if answer is not None:
                saved[region].update(changes)  # the user was told it is saved
            await rush.think(rng, think)


async def supervisor_user(base, username, ctx, rush, think, stats, aiohttp):
    rng = random.Random(username)
    pages = [
        ("ranking (counties)", f"/results/{ctx['ranking_round']}/?level=county"),
        ("ranking (cities)", f"/results/{ctx['ranking_round']}/?level=city"),
        ("progress race", f"/results/{ctx['ranking_round']}/?level=county&race=progress"),
    ]
    async with browser(aiohttp) as session:
        await log_in(session, base, username, stats)
        await rush.ready(rng)
        while rush.running():
            name, path = rng.choice(pages)
            await fetch(session, stats, name, "GET", base + path, 200, aiohttp)
            await rush.think(rng, think)


async def drive(base, ctx, staff, supervisors, duration, think, stats, saved, ramp) -> Rush:
    import aiohttp

    regions = ctx["regions"][:staff]
    rush = Rush(len(regions) + supervisors, duration, ramp, stats)
    tasks = [
        staff_user(base, f"staff-{region}", region, ctx, rush, think, stats, saved, aiohttp)
        for region in regions
    ]
    tasks += [
        supervisor_user(base, f"bench-supervisor-{i}", ctx, rush, think, stats, aiohttp)
        for i in range(supervisors)
    ]
    await asyncio.gather(*tasks)
    return rush


def lost_updates(ctx, saved) -> int:
    """Values a user saved (and was told so) that are not in the database now."""
    from assessment.collection.models import Value

    lost = 0
    for region, changes in saved.items():
        stored = dict(
            Value.objects.filter(
                submission__round_id=ctx["open_round"],
                submission__region_id=region,
                indicator__code__in=list(changes),
            ).values_list("indicator__code", "value")
        )
        lost += sum(1 for code, value in changes.items() if stored.get(code) != value)
    return lost


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    p = parser(__doc__)
    p.add_argument("--staff", type=int, default=50)
    p.add_argument("--supervisors", type=int, default=10)
    p.add_argument("--duration", type=float, default=60.0)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--think", type=float, default=5.0, help="mean think time, seconds")
    p.add_argument(
        "--ramp", type=float, default=10.0, help="first actions spread over this many seconds"
    )
    p.add_argument(
        "--national",
        action="store_true",
        help="readers are administrators on a computed nationwide round (2,846 counties)",
    )
    args = p.parse_args()
    if args.smoke:
        args.staff, args.supervisors, args.duration, args.workers, args.ramp = 5, 2, 5.0, 2, 1.0
    url = args.database_url or "postgres://postgres@127.0.0.1:5432/postgres"
    label = bootstrap(url)
    ctx = prepare(args.supervisors, args.national and not args.smoke)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(os.environ["DATABASE_URL"], port, args.workers)
    stats, saved = Stats(), defaultdict(dict)
    try:
        import urllib.request

        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start: " + server.stderr.read().decode()[-2000:])
        rush = asyncio.run(
            drive(
                base,
                ctx,
                args.staff,
                args.supervisors,
                args.duration,
                args.think,
                stats,
                saved,
                args.ramp,
            )
        )
        judged = time.perf_counter() - stats.steady_from
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    from django.db import connections

    connections.close_all()
    lost = lost_updates(ctx, saved)
    total = sum(len(t) for t in stats.times.values())
    errors = sum(len(e) for e in stats.errors.values())
    print(
        f"bench_load on {label} ({machine()}): {args.workers} gunicorn workers, "
        f"{min(args.staff, len(ctx['regions']))} staff + {args.supervisors} supervisors, "
        f"think time {args.think} s"
    )
    print(
        f"  {len(stats.logins)} logins at once took {rush.login_seconds:.0f} s (each p50 "
        f"{statistics.median(stats.logins):.0f} ms, p95 {percentile(stats.logins, 0.95):.0f} ms); "
        f"then {args.duration:.0f} s of work, first actions spread over {args.ramp:.0f} s, "
        f"judged over the {judged:.0f} s after that"
    )
    print(
        f"  {'endpoint':<20} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'errors':>6}"
    )
    for name, times in sorted(stats.times.items()):
        print(
            f"  {name:<20} {len(times):>8} {len(times) / judged:>7.1f} "
            f"{statistics.median(times):>8.1f} {percentile(times, 0.95):>8.1f} "
            f"{percentile(times, 0.99):>8.1f} {len(stats.errors[name]):>6}"
        )
    print(
        f"  all: {total} requests, {total / judged:.1f} req/s, {errors} errors, {lost} lost updates"
    )
    saves = stats.times.get("save draft", [])
    rankings = [
        t for name, ts in stats.times.items() if "rank" in name or "race" in name for t in ts
    ]
    verdicts = {
        "0 errors": errors == 0,
        "0 lost updates": lost == 0,
        f"save p95 ≤ {SAVE_TARGET_MS} ms": bool(saves)
        and percentile(saves, 0.95) <= SAVE_TARGET_MS,
        f"ranking p95 ≤ {RANKING_TARGET_MS} ms": bool(rankings)
        and percentile(rankings, 0.95) <= RANKING_TARGET_MS,
    }
    for name, ok in verdicts.items():
        print(f"  {name}: {'OK' if ok else 'NOT MET'}")
    for name, details in stats.errors.items():
        if details:
            print(f"  errors on {name}: {sorted(set(details))[:5]}")
    # A smoke run checks correctness (no errors, nothing lost), not speed.
    must_hold = ["0 errors", "0 lost updates"] if args.smoke else list(verdicts)
    return 0 if all(verdicts[name] for name in must_hold) else 1


if __name__ == "__main__":
    sys.exit(main())
