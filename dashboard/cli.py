"""The ``dashboard`` command: set up, serve, demo data, users."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from dashboard.config import Settings
from dashboard.db.engine import Database
from dashboard.domain.users import ROLES

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def _today(settings: Settings) -> dt.date:
    return dt.datetime.now(settings.tz).date()


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from dashboard.db.migrate import upgrade

    upgrade(settings.database_url)
    print("Database schema is up to date.")
    return 0


def cmd_load_catalogue(settings: Settings, _args: argparse.Namespace) -> int:
    from dashboard.db.catalogue import load_catalogue
    from dashboard.domain.catalogue import read_catalogue

    strategies, templates = read_catalogue(DATA_DIR)
    db = Database(settings.database_url)
    with db.begin() as session:
        added = load_catalogue(session, strategies=strategies, templates=templates)
    db.dispose()
    print(f"Strategy catalogue loaded ({added} new rows).")
    return 0


def _print_demo_logins() -> None:
    from dashboard.demo import DEMO_ADMIN, DEMO_PASSWORD, DEMO_PRACTITIONERS

    print(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    print(f"  admin          {DEMO_ADMIN[0]}  (two-step sign-in, set up at first sign-in; "
          f"without a phone, `.venv/bin/dashboard totp-code {DEMO_ADMIN[0]}` prints the code)")
    for email, name in DEMO_PRACTITIONERS:
        print(f"  practitioner   {email}  ({name})")


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from dashboard.demo import DemoRefused, create_demo, database_has_people
    from dashboard.demo_xlarge import NotPostgres, grow_clinic

    if args.size == "xlarge" and not settings.database_url.startswith("postgresql"):
        print("Refused: the ten-times clinic needs PostgreSQL (DATABASE_URL).", file=sys.stderr)
        return 2

    db = Database(settings.database_url)
    try:
        with db.begin() as session:
            if args.if_empty and database_has_people(session):
                print("The database already holds data; demo clinic not added.")
                return 0
            started = time.perf_counter()
            # The ten-times clinic is the large one copied nine more times in PostgreSQL.
            counts = create_demo(session, today=_today(settings),
                                 size="large" if args.size == "xlarge" else args.size,
                                 force=args.force, secret_key=settings.secret_key)
            if args.size == "xlarge":
                grown = grow_clinic(session, times=10)
                counts.update(users=grown["users"], clients=grown["clients"],
                              sessions=grown["care_sessions"])
        db.refresh_statistics()
    except (DemoRefused, NotPostgres) as exc:
        print(f"Refused: {exc}.", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    print(f"Demo clinic created: {counts['users']} users, {counts['clients']} clients, "
          f"{counts['sessions']} sessions in {time.perf_counter() - started:.1f} s.")
    if args.size == "small" and not args.force:
        _print_demo_logins()
    return 0


def cmd_setup(settings: Settings, args: argparse.Namespace) -> int:
    """Migrate, load the catalogue, and add the demo clinic to an empty database."""
    cmd_migrate(settings, args)
    cmd_load_catalogue(settings, args)
    return cmd_demo(settings, argparse.Namespace(size="small", force=False, if_empty=True))


def cmd_create_user(settings: Settings, args: argparse.Namespace) -> int:
    from dashboard.auth.passwords import hash_password
    from dashboard.db.audit import record_audit
    from dashboard.db.users import create_user, get_user_by_email
    from dashboard.domain.passwords import password_problem

    password = os.environ.get("DASHBOARD_PASSWORD")
    if password is None:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            print("The passwords differ.", file=sys.stderr)
            return 2
    problem = password_problem(password)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    db = Database(settings.database_url)
    try:
        with db.begin() as session:
            if get_user_by_email(session, args.email):
                print(f"A user with email {args.email} already exists.", file=sys.stderr)
                return 2
            user = create_user(session, email=args.email, name=args.name, role=args.role,
                               password_hash=hash_password(password))
            record_audit(session, user_id=None, action="user_created", entity="user",
                         entity_id=user.id, detail={"by": "command line", "role": args.role})
    finally:
        db.dispose()
    print(f"Created {args.role} {args.email}.")
    return 0


def cmd_totp_code(settings: Settings, args: argparse.Namespace) -> int:
    """The current code of a user's authenticator secret, for whoever runs the server (who
    can read the database, secrets included, anyway): the demo admin without a phone at
    hand, or a test. Audited."""
    import pyotp

    from dashboard.db.audit import record_audit
    from dashboard.db.users import get_user_by_email

    db = Database(settings.database_url)
    try:
        with db.begin() as session:
            user = get_user_by_email(session, args.email)
            if user is None or not user.totp_secret:
                print(f"{args.email} has no two-step secret: sign in once to set it up.",
                      file=sys.stderr)
                return 2
            record_audit(session, user_id=None, action="totp_code_shown", entity="user",
                         entity_id=user.id, detail={"by": "command line"})
            code = pyotp.TOTP(user.totp_secret).now()
    finally:
        db.dispose()
    print(code)
    return 0


def cmd_reset_totp(settings: Settings, args: argparse.Namespace) -> int:
    """Turn a user's second factor off (a lost phone, the only admin): they enrol again at
    their next sign-in, and their open sessions end now. Audited."""
    from dashboard.db.audit import record_audit
    from dashboard.db.users import clear_totp, end_all_login_sessions, get_user_by_email

    db = Database(settings.database_url)
    try:
        with db.begin() as session:
            user = get_user_by_email(session, args.email)
            if user is None:
                print(f"No user with email {args.email}.", file=sys.stderr)
                return 2
            clear_totp(session, user.id)
            ended = end_all_login_sessions(session, user.id)
            record_audit(session, user_id=None, action="totp_reset", entity="user",
                         entity_id=user.id, detail={"by": "command line",
                                                    "sessions_ended": ended})
    finally:
        db.dispose()
    print(f"Two-step sign-in reset for {args.email}; they set it up again at next sign-in.")
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from dashboard.app import create_app

    app = create_app(settings)
    print(f"Serving on http://{args.host}:{args.port}  (Ctrl+C to stop)")
    app.run(host=args.host, port=args.port, debug=False)
    return 0


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    """A Celery worker for the app's background work (REDIS_URL): batches of handouts, CSV
    imports, handouts laid out ahead. It builds the app, so it knows every task the app
    sends, and runs them in ``--concurrency`` processes."""
    from dashboard.app import create_app
    from dashboard.context import DB_KEY, JOBS_KEY
    from dashboard.jobs import CeleryJobs

    if not settings.redis_url:
        print("REDIS_URL is not set: without it the app runs its background work itself "
              "(nothing to start).", file=sys.stderr)
        return 2
    server = create_app(settings).server
    jobs = server.extensions[JOBS_KEY]
    assert isinstance(jobs, CeleryJobs)
    # The worker's processes are forked from this one: no pooled connection crosses over.
    server.extensions[DB_KEY].dispose()
    beat = (["--beat", "--schedule", str(settings.data_dir / "celerybeat-schedule")]
            if args.beat else [])
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # Below the web processes' CPU priority: on a host shared with app processes, a
    # handout being laid out gives the cores to requests first (its processes inherit it).
    if args.nice:
        os.nice(args.nice)
    jobs.celery.worker_main(["worker", "--loglevel", args.loglevel, "--concurrency",
                             str(args.concurrency), "--hostname", args.hostname, *beat])
    return 0


def _own_link(session: object, settings: Settings, client_id: int) -> str:
    """The client's live link to their own page, for the handout ("" if none)."""
    from dashboard.client_page.links import link_url
    from dashboard.db.client_links import live_link
    from dashboard.db.models import utcnow

    link = live_link(session, client_id=client_id,  # type: ignore[arg-type]
                     secret_key=settings.secret_key, now=utcnow())
    return link_url(settings, link.token) if link and link.token else ""


def cmd_handout(settings: Settings, args: argparse.Namespace) -> int:
    """The same PDF as the page; recorded as given (by the command line) and audited."""
    from dashboard.db.audit import record_audit
    from dashboard.db.handouts import NoPlan
    from dashboard.db.models import Client
    from dashboard.db.summary import RedFlagOpen
    from dashboard.handout.documents import make_handout

    db = Database(settings.database_url)
    try:
        with db.begin() as session:
            client = session.get(Client, args.client_id)
            if client is None:
                print(f"No client with id {args.client_id}.", file=sys.stderr)
                return 2
            try:
                handout = make_handout(session, client=client, version=args.version,
                                       page_size=args.size, user_id=None,
                                       own_link=_own_link(session, settings, client.id),
                                       red_flag_reason=args.red_flag_override)
            except NoPlan as exc:
                print(str(exc), file=sys.stderr)
                return 2
            except RedFlagOpen as exc:
                print(f"{exc} (--red-flag-override REASON)", file=sys.stderr)
                return 2
            record_audit(session, user_id=None, action="handout_given", entity="handout",
                         entity_id=handout.id, client_id=client.id,
                         detail={"by": "command line", "sha256": handout.sha256,
                                 "version": handout.version})
            if handout.red_flag_override:
                record_audit(session, user_id=None, action="red_flag_overridden",
                             entity="handout", entity_id=handout.id, client_id=client.id,
                             detail={"for": "handout_given", "by": "command line",
                                     "reason": handout.red_flag_override})
    finally:
        db.dispose()
    Path(args.output).write_bytes(handout.pdf)
    print(f"Wrote {args.output} (plan version {handout.version}, {len(handout.pdf)} bytes).")
    return 0


def cmd_client_link(settings: Settings, args: argparse.Namespace) -> int:
    """A new link to the client's own page (any earlier one ends), or --revoke to end it.
    For scripts and support; audited as made by the command line, never with the token."""
    from dashboard.client_page.links import link_url
    from dashboard.db.audit import record_audit
    from dashboard.db.client_links import NoOpenEpisode, create_link, revoke_links
    from dashboard.db.models import Client, utcnow
    from dashboard.domain.home_log import clean_link_days

    days = None
    if args.days is not None:
        days, problem = clean_link_days(args.days)
        if problem:
            print(f"--days: {problem}", file=sys.stderr)
            return 2
    db = Database(settings.database_url)
    try:
        with db.begin() as session:
            client = session.get(Client, args.client_id)
            if client is None or client.erased_at is not None:
                print(f"No client with id {args.client_id}.", file=sys.stderr)
                return 2
            now = utcnow()
            if args.revoke:
                ended = revoke_links(session, client_id=client.id, user_id=None, now=now)
                record_audit(session, user_id=None, action="client_link_revoked",
                             entity="client_link", entity_id=ended[-1] if ended else None,
                             client_id=client.id,
                             detail={"by": "command line", "links": ended})
                print(f"Ended {len(ended)} link(s) of client {client.id}." if ended
                      else f"Client {client.id} had no live link.")
                return 0
            try:
                link = create_link(session, client_id=client.id,
                                   secret_key=settings.secret_key, user_id=None, now=now,
                                   days=days)
            except NoOpenEpisode as exc:
                print(str(exc), file=sys.stderr)
                return 2
            record_audit(session, user_id=None, action="client_link_created",
                         entity="client_link", entity_id=link.id, client_id=client.id,
                         detail={"by": "command line", "days": days,
                                 "expires_at": link.expires_at.isoformat()})
    finally:
        db.dispose()
    print(link_url(settings, link.token or ""))
    print(f"Valid until {link.expires_at.astimezone(settings.tz):%Y-%m-%d %H:%M} "
          "or discharge; any earlier link of this client has ended.", file=sys.stderr)
    return 0


def cmd_export_fhir(settings: Settings, args: argparse.Namespace) -> int:
    """A FHIR R4B Bundle (JSON) of one client's record, or of every client (--all): a
    collection (the default), or a transaction of conditional creates for a FHIR server."""
    from dashboard.db.audit import record_audit
    from dashboard.db.export import client_record, exportable_client_ids
    from dashboard.db.models import Client, utcnow
    from dashboard.fhir.bundle import build_bundle, bundle_json
    from dashboard.fhir.naming import FhirNames

    if (args.client_id is None) == (not args.all):
        print("Give a client id or --all.", file=sys.stderr)
        return 2
    db = Database(settings.database_url)
    try:
        with db.begin() as session:
            if args.all:
                clients = [c for cid in exportable_client_ids(session)
                           if (c := session.get(Client, cid)) is not None]
            else:
                client = session.get(Client, args.client_id)
                if client is None or client.erased_at is not None:
                    print(f"No client with id {args.client_id}.", file=sys.stderr)
                    return 2
                clients = [client]
            records = [client_record(session, client=c) for c in clients]
            record_audit(session, user_id=None, action="fhir_exported",
                         client_id=None if args.all else clients[0].id,
                         detail={"by": "command line", "clients": len(records),
                                 "type": args.type})
    finally:
        db.dispose()
    bundle = build_bundle(records, utcnow(), FhirNames.from_settings(settings), args.type)
    Path(args.output).write_text(bundle_json(bundle), encoding="utf-8")
    print(f"Wrote {args.output} (a {args.type} of {len(records)} "
          f"client{'s' if len(records) != 1 else ''}).")
    return 0


def cmd_outcomes_report(settings: Settings, args: argparse.Namespace) -> int:
    """The clinic outcomes report (PDF) for episodes discharged in a period: aggregates of
    the whole clinic, no client named; the same PDF as the overview's button."""
    from dashboard.auth.access import CurrentUser
    from dashboard.db.audit import record_audit
    from dashboard.domain.dates import parse_period
    from dashboard.handout.outcomes_report import build_report, report_pdf

    today = _today(settings)
    period = parse_period(args.start, args.end, today)
    if isinstance(period, str):
        print(f"{period} (dates as YYYY-MM-DD)", file=sys.stderr)
        return 2
    start, end = period
    # The command line is the server's operator: it sees the whole clinic, as an admin.
    operator = CurrentUser(0, "", "command line", "admin", 0, "")
    started = time.perf_counter()
    db = Database(settings.database_url)
    try:
        with db.read() as session:
            report = build_report(session, operator, start=start, end=end, made_on=today)
        pdf = report_pdf(report)
        with db.begin() as session:
            record_audit(session, user_id=None, action="outcomes_report_downloaded",
                         entity="clinic", detail={"by": "command line",
                                                  "from": start.isoformat(),
                                                  "to": end.isoformat()})
    finally:
        db.dispose()
    Path(args.output).write_bytes(pdf)
    print(f"Wrote {args.output}: {report.clinic.discharged} episodes discharged from {start} "
          f"to {end} ({len(pdf) // 1024} KB, {time.perf_counter() - started:.1f} s).")
    return 0


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    from dashboard.db.backup import BackupError, backup

    try:
        backup(settings.database_url, Path(args.path))
    except (BackupError, OSError) as exc:
        print(f"Backup failed: {exc}", file=sys.stderr)
        return 2
    print(f"Backup written to {args.path}.")
    return 0


def cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    from dashboard.db.backup import BackupError, restore

    if not args.yes:
        print("Restoring replaces everything in the database. Stop the app, then run again "
              "with --yes.", file=sys.stderr)
        return 2
    try:
        restore(settings.database_url, Path(args.path))
    except (BackupError, OSError) as exc:
        print(f"Restore failed: {exc}", file=sys.stderr)
        return 2
    print(f"Restored from {args.path}.")
    return 0


def cmd_send_reminders(settings: Settings, _args: argparse.Namespace) -> int:
    """Today's email reminders and any practitioners' notices still to go. Safe to run every
    hour, from several hosts at once: a client gets at most one reminder a day."""
    from dashboard.reminders import EMAIL_OFF, EmailOff, send_todays_reminders

    if settings.smtp is None:
        print(EMAIL_OFF, file=sys.stderr)
        return 0
    db = Database(settings.database_url)
    try:
        report = send_todays_reminders(db, settings)
    except EmailOff as off:
        print(off, file=sys.stderr)
        return 2
    finally:
        db.dispose()
    print(report.summary())
    for error in sorted(set(report.errors)):
        print(f"  {error}", file=sys.stderr)
    return 1 if report.failed or report.notices_failed else 0


def cmd_read_bounces(settings: Settings, args: argparse.Namespace) -> int:
    """Bounces that came back by mail: each delivery report (RFC 3464) in the clinic's
    mailbox (a Maildir directory or an mbox file) about a message the app sent is recorded
    on that message, once. The mailbox is only read; run it as often as you like."""
    import mailbox

    from dashboard.reminders import read_bounces

    path = Path(args.path)
    box: mailbox.Mailbox
    if path.is_dir():
        box = mailbox.Maildir(str(path), create=False)
    elif path.is_file():
        box = mailbox.mbox(str(path), create=False)
    else:
        print(f"No mailbox at {path}: give a Maildir directory or an mbox file.",
              file=sys.stderr)
        return 2
    db = Database(settings.database_url)
    try:
        report = read_bounces(db, settings, (message for _key, message in box.iteritems()))
    finally:
        db.dispose()
        box.close()
    print(report.summary())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dashboard", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    sub.add_parser("load-catalogue", help="load the strategy catalogue and templates") \
        .set_defaults(func=cmd_load_catalogue)
    demo = sub.add_parser("demo", help="create the demo clinic")
    demo.add_argument("--size", choices=["small", "large", "xlarge"], default="small",
                      help="xlarge: ten times large, on PostgreSQL only")
    demo.add_argument("--force", action="store_true",
                      help="add the demo even though the database already holds data")
    demo.add_argument("--if-empty", action="store_true",
                      help="do nothing (and succeed) if the database already holds data")
    demo.set_defaults(func=cmd_demo)
    sub.add_parser("setup", help="migrate, load the catalogue, demo clinic if empty") \
        .set_defaults(func=cmd_setup)
    user = sub.add_parser("create-user", help="create a user (password from a prompt or "
                                              "DASHBOARD_PASSWORD)")
    user.add_argument("--email", required=True)
    user.add_argument("--name", required=True)
    user.add_argument("--role", choices=ROLES, required=True)
    user.set_defaults(func=cmd_create_user)
    handout = sub.add_parser("handout", help="write a client's handout PDF")
    handout.add_argument("client_id", type=int)
    handout.add_argument("-o", "--output", required=True)
    handout.add_argument("--version", type=int, help="an earlier plan version")
    handout.add_argument("--size", choices=["a4", "letter"], default="a4")
    handout.add_argument("--red-flag-override", metavar="REASON",
                         help="the reason to give it while an urgent red flag is open "
                              "(recorded and audited)")
    handout.set_defaults(func=cmd_handout)
    link = sub.add_parser("client-link", help="print a new link to a client's own page "
                          "(ends any earlier one), or end it with --revoke")
    link.add_argument("client_id", type=int)
    link_action = link.add_mutually_exclusive_group()
    link_action.add_argument("--days", help="valid for this many days (default: the "
                             "clinic's setting, 90)")
    link_action.add_argument("--revoke", action="store_true", help="end the client's link")
    link.set_defaults(func=cmd_client_link)
    fhir = sub.add_parser("export-fhir", help="a FHIR R4B Bundle of a client's record")
    fhir.add_argument("client_id", type=int, nargs="?")
    fhir.add_argument("--all", action="store_true", help="every client of the clinic")
    fhir.add_argument("-o", "--output", required=True)
    fhir.add_argument("--type", choices=("collection", "transaction"), default="collection",
                      help="collection (a client's copy, the default) or transaction "
                           "(conditional creates a FHIR server can load repeatedly)")
    fhir.set_defaults(func=cmd_export_fhir)
    outcomes = sub.add_parser("outcomes-report", help="the clinic outcomes report (PDF) for "
                              "episodes discharged in a period")
    outcomes.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    outcomes.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
    outcomes.add_argument("-o", "--output", required=True, help="the PDF to write")
    outcomes.set_defaults(func=cmd_outcomes_report)
    backup = sub.add_parser("backup", help="a consistent copy of the database, while it runs")
    backup.add_argument("path")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="replace the database with a backup")
    restore.add_argument("path")
    restore.add_argument("--yes", action="store_true", help="yes, replace everything")
    restore.set_defaults(func=cmd_restore)
    code = sub.add_parser("totp-code", help="print a user's current two-step code "
                          "(the demo admin without a phone; audited)")
    code.add_argument("email")
    code.set_defaults(func=cmd_totp_code)
    reset = sub.add_parser("reset-totp", help="turn a user's two-step sign-in off "
                           "(lost phone); they enrol again at next sign-in")
    reset.add_argument("email")
    reset.set_defaults(func=cmd_reset_totp)
    serve = sub.add_parser("serve", help="serve the app (local use; production uses gunicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8050)
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("send-reminders", help="email today's reminders to clients who consented "
                   "(idempotent: run it hourly from cron or a systemd timer)") \
        .set_defaults(func=cmd_send_reminders)
    bounces = sub.add_parser("read-bounces", help="record the bounces in the clinic's "
                             "mailbox (a Maildir or an mbox) on the messages they are about")
    bounces.add_argument("path", help="the Maildir directory or mbox file bounces arrive in")
    bounces.set_defaults(func=cmd_read_bounces)
    worker = sub.add_parser("worker", help="run background work from Redis (REDIS_URL)")
    worker.add_argument("--concurrency", type=int, default=2,
                        help="processes running tasks at once (default 2)")
    worker.add_argument("--loglevel", default="INFO")
    worker.add_argument("--nice", type=int, default=10, choices=range(0, 20),
                        metavar="0-19", help="how far below the app's CPU priority the "
                        "work runs (default 10: requests first on a shared host; 0: equal)")
    worker.add_argument("--hostname", default="dashboard@%h",
                        help="the worker's name (one per host)")
    worker.add_argument("--beat", action="store_true",
                        help="also start the reminder run every hour from 8:15 to 20:15 "
                             "(Celery beat; on one worker only, instead of cron)")
    worker.set_defaults(func=cmd_worker)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    return int(args.func(settings, args))


if __name__ == "__main__":
    raise SystemExit(main())
