"""`aisync schedule show|install`: the reference's schedule (models hourly, pricing daily at 02:00,
cleanup Sundays at 03:00) as crontab lines and systemd user timers.

When is a job due: `hourly`, `daily`, `weekly`, `HH:MM` (daily), `DAY HH:MM` (weekly), `:MM`
(hourly at that minute), or a 5-field cron expression. The models job follows
`[model_sync] frequency`. Every job takes the store's one run lock, so two jobs due in the same
minute would make one of them exit 75 and skip its turn: a later job that collides with an
earlier one is moved 5 minutes on, and the output says so.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from ._base import Context, Subparsers


#: Marker in every file we write, so `install` only ever overwrites its own files.
MARKER = "# Written by `aisync schedule install`"
UNIT_PREFIX = "aisync-"

_FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 6))
_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_DAYS = {d: i for i, d in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
_DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_SYSTEMD_DAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
_MACROS = {
    "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
}
HELP_WHEN = "hourly, daily, weekly, HH:MM (daily), DAY HH:MM (weekly), :MM (hourly at that minute), or a cron expression"


class ScheduleError(ValueError):
    """A schedule that is not valid; the text says why, the caller says where it came from."""


@dataclass(frozen=True)
class Schedule:
    """When a job runs: the sets of a cron expression, and how to say it."""

    cron: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    days_any: bool
    """Day of month is `*` (cron ORs day-of-month and day-of-week when both are restricted)."""
    weekdays_any: bool
    label: str

    def shifted(self, minutes: int) -> Schedule:
        """The same schedule `minutes` later (only for single-time jobs that stay in their hour)."""
        (m,) = self.minutes
        new = m + minutes
        fields = self.cron.split()
        fields[0] = str(new)
        cron = " ".join(fields)
        label = f"cron {cron!r}" if self.label.startswith("cron ") else _relabel(self.label, m, new)
        return replace(self, cron=cron, minutes=frozenset({new}), label=label)

    def overlaps(self, other: Schedule) -> bool:
        """True when both can be due in the same minute (conservative on restricted days)."""
        if not (self.minutes & other.minutes and self.hours & other.hours and self.months & other.months):
            return False
        if self.days_any and other.days_any:
            return bool(self.weekdays & other.weekdays)
        if self.weekdays_any and other.weekdays_any:
            return bool(self.days & other.days)
        return True


def _relabel(label: str, old: int, new: int) -> str:
    return label.replace(f":{old:02d}", f":{new:02d}")


# ----------------------------------------------------------------------------- parsing


def _number(text: str, index: int) -> int:
    name, lo, hi = _FIELDS[index]
    lowered = text.lower()
    if index == 3 and lowered in _MONTHS:
        return _MONTHS[lowered]
    if index == 4 and lowered[:3] in _DAYS and (len(lowered) == 3 or _DAY_NAMES[_DAYS[lowered[:3]]].lower() == lowered):
        return _DAYS[lowered[:3]]
    if not text.isdigit():
        raise ScheduleError(f"{name} {text!r} is not a number")
    value = int(text)
    if index == 4 and value == 7:  # cron: 0 and 7 are both Sunday
        return 0
    if not lo <= value <= hi:
        raise ScheduleError(f"{name} {value} is out of range {lo}-{7 if index == 4 else hi}")
    return value


def _field(text: str, index: int) -> frozenset[int]:
    name, lo, hi = _FIELDS[index]
    if index == 4:
        hi = 7
    values: set[int] = set()
    for item in text.split(","):
        if not item:
            raise ScheduleError(f"{name} {text!r} has an empty list item")
        base, _, step_text = item.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise ScheduleError(f"{name} step {step_text!r} must be a positive number")
            step = int(step_text)
        if base == "*":
            start, end = lo, (6 if index == 4 else hi)
        elif "-" in base:
            a, _, b = base.partition("-")
            start, end = _number(a, index), _number(b, index)
            if index == 4 and b == "7":
                end = 7
            if end < start:
                raise ScheduleError(f"{name} range {base!r} runs backwards")
        else:
            start = _number(base, index)
            end = (6 if index == 4 else hi) if step_text else start
        values.update(v % 7 if index == 4 else v for v in range(start, end + 1, step))
    return frozenset(values)


def parse_cron(expr: str) -> Schedule:
    text = " ".join(expr.split())
    if text.startswith("@"):
        if text not in _MACROS:
            raise ScheduleError(f"{text!r} is not a cron macro aisync can schedule; use one of {', '.join(_MACROS)}")
        text = _MACROS[text]
    parts = text.split(" ")
    if len(parts) != 5:
        raise ScheduleError(f"a cron expression has 5 fields (minute hour day-of-month month day-of-week), {expr!r} has {len(parts)}")
    minutes, hours, days, months, weekdays = (_field(p, i) for i, p in enumerate(parts))
    return Schedule(text, minutes, hours, days, months, weekdays, days_any=parts[2] == "*", weekdays_any=parts[4] == "*", label=f"cron {text!r}")


_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_when(value: str) -> Schedule:
    """hourly, daily, weekly, HH:MM, DAY HH:MM, :MM, or a cron expression."""
    text = " ".join(str(value).strip().split())
    lowered = text.lower()
    if not text:
        raise ScheduleError("the schedule is empty")
    if lowered == "hourly":
        return replace(parse_cron("0 * * * *"), label="hourly at :00")
    if lowered == "daily":
        return replace(parse_cron("0 0 * * *"), label="daily at 00:00")
    if lowered == "weekly":
        return replace(parse_cron("0 0 * * 0"), label="Sundays at 00:00")
    if re.fullmatch(r":[0-5]\d", lowered):
        minute = int(lowered[1:])
        return replace(parse_cron(f"{minute} * * * *"), label=f"hourly at :{minute:02d}")
    match = _TIME.match(lowered)
    if match:
        h, m = int(match[1]), int(match[2])
        return replace(parse_cron(f"{m} {h} * * *"), label=f"daily at {h:02d}:{m:02d}")
    words = lowered.split(" ")
    if len(words) == 2 and _TIME.match(words[1]):
        day = _DAYS.get(words[0][:3])
        if day is None or not (words[0] in _DAYS or words[0].rstrip("s") == _DAY_NAMES[day].lower()):
            raise ScheduleError(f"{words[0]!r} is not a day of the week (sun, mon, ... or Sunday, Monday, ...)")
        h, m = (int(x) for x in words[1].split(":"))
        return replace(parse_cron(f"{m} {h} * * {day}"), label=f"{_DAY_NAMES[day]}s at {h:02d}:{m:02d}")
    if len(words) == 1 and not lowered.startswith("@"):
        raise ScheduleError(f"{text!r} is not {HELP_WHEN}")
    return parse_cron(text)


# ----------------------------------------------------------------------------- systemd


def _systemd_list(values: Iterable[int], lo: int, hi: int, *, width: int = 2) -> str:
    vals = sorted(values)
    if vals == list(range(lo, hi + 1)):
        return "*"
    if len(vals) > 1:
        step = vals[1] - vals[0]
        if step > 1 and vals == list(range(vals[0], hi + 1, step)) and vals[0] < lo + step:
            return f"{vals[0]:0{width}d}/{step}"
    return ",".join(f"{v:0{width}d}" for v in vals)


def on_calendar(s: Schedule) -> str:
    """The systemd OnCalendar= value for a schedule (systemd ANDs the day fields: refuse the
    cron case that ORs them rather than run at other times than cron would)."""
    if not s.days_any and not s.weekdays_any:
        raise ScheduleError(
            f"{s.cron!r} restricts both day-of-month and day-of-week, which cron reads as either/or and "
            "systemd cannot express; pick one of the two"
        )
    dow = "" if s.weekdays_any else ",".join(_SYSTEMD_DAYS[d] for d in sorted(s.weekdays)) + " "
    months = _systemd_list(s.months, 1, 12)
    days = _systemd_list(s.days, 1, 31)
    hours = _systemd_list(s.hours, 0, 23)
    minutes = _systemd_list(s.minutes, 0, 59)
    return f"{dow}*-{months}-{days} {hours}:{minutes}:00"


# ----------------------------------------------------------------------------- the jobs


@dataclass(frozen=True)
class Job:
    name: str
    """Unit name part: aisync-<name>.service"""
    title: str
    args: tuple[str, ...]
    schedule: Schedule
    origin: str
    """Where the time came from, for the comment line."""
    note: str = ""
    cron_redirect: str = ""
    """Appended to the crontab line: cron mails any output, so keep only errors."""


def aisync_command() -> list[str]:
    """An absolute command that starts this aisync: cron and systemd have a minimal PATH."""
    script = Path(sys.executable).parent / "aisync"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "aisync_tui"]


def _common_args(ctx: Context) -> tuple[list[str], list[str]]:
    """--config/--db to pass on when they are not the defaults, and notes about them."""
    from ..config import default_config_path

    settings = ctx.settings
    out: list[str] = []
    notes: list[str] = []
    if settings.config_path != default_config_path():
        out += ["--config", str(settings.config_path.expanduser().resolve())]
    db_from_cli = getattr(ctx.args, "db", None) or os.environ.get("AISYNC_DATABASE_URL")
    if db_from_cli:
        if "://" in db_from_cli:
            from ..errors import UsageError, hide_url_secrets, url_password

            if url_password(db_from_cli):
                # Never copied into a file others may read, and never dropped either: entries
                # without --db would run against the default local store instead.
                raise UsageError(
                    f"the database URL {hide_url_secrets(db_from_cli)} holds a password; refusing to copy it into a crontab or unit file",
                    hint="keep the password in ~/.pgpass (or the config file's `database`) and pass the URL without it",
                )
            out += ["--db", db_from_cli]
        else:
            out += ["--db", str(Path(db_from_cli).expanduser().resolve())]
    return out, notes


def _has_command(name: str) -> bool:
    """Whether this aisync has the subcommand."""
    from ._base import COMMANDS

    return name in COMMANDS


def plan_jobs(ctx: Context, models_at: str | None, pricing_at: str, cleanup_at: str) -> tuple[list[Job], list[str]]:
    from ..errors import ConfigError, UsageError

    settings = ctx.settings
    notes: list[str] = []
    frequency = settings.model_sync.frequency
    try:
        models = parse_when(models_at) if models_at else parse_when(frequency)
    except ScheduleError as exc:
        if models_at:
            raise UsageError(f"--models-at {models_at!r}: {exc}", hint=f"use {HELP_WHEN}") from None
        raise ConfigError(
            f"{settings.config_path}: model_sync.frequency {frequency!r}: {exc}",
            hint=f"use {HELP_WHEN}, e.g. \"*/30 * * * *\"",
        ) from None
    schedules = {}
    for option, value in (("--pricing-at", pricing_at), ("--cleanup-at", cleanup_at)):
        try:
            schedules[option] = parse_when(value)
        except ScheduleError as exc:
            raise UsageError(f"{option} {value!r}: {exc}", hint=f"use {HELP_WHEN}") from None
    jobs: list[Job] = []
    if settings.model_sync.enabled:
        origin = "--models-at" if models_at else f"model_sync.frequency = {frequency!r}"
        jobs.append(Job("models", "model sync", ("--sync-all", "--no-pricing", "--quiet"), models, origin))
    else:
        notes.append("model sync is disabled (model_sync.enabled = false): no model sync job")
    if _has_command("sync-pricing"):
        jobs.append(Job("pricing", "pricing sync", ("sync-pricing",), schedules["--pricing-at"], "--pricing-at", cron_redirect=" >/dev/null"))
    else:
        notes.append("this version has no `aisync sync-pricing` yet: no pricing job")
    jobs.append(
        Job("cleanup", "model cleanup", ("models", "cleanup", "--force"), schedules["--cleanup-at"], "--cleanup-at", cron_redirect=" >/dev/null")
    )
    return _avoid_collisions(jobs), notes


def _avoid_collisions(jobs: list[Job]) -> list[Job]:
    """Move a job due in the same minute as an earlier one 5 minutes on (they share one lock)."""
    out: list[Job] = []
    for job in jobs:
        s = job.schedule
        tries = 0
        while any(s.overlaps(o.schedule) for o in out) and len(s.minutes) == 1 and next(iter(s.minutes)) + 5 <= 59 and tries < 11:
            s = s.shifted(5)
            tries += 1
        if s is not job.schedule:
            clash = next(o for o in out if o.schedule.overlaps(job.schedule))
            job = replace(
                job, schedule=s,
                note=f"moved from {job.schedule.label}: the {clash.title} is due then, and jobs share one lock per store",
            )
        elif any(s.overlaps(o.schedule) for o in out):
            clash = next(o for o in out if o.schedule.overlaps(s))
            job = replace(job, note=f"warning: also due when the {clash.title} runs; one of them will find the lock taken and exit 75")
        out.append(job)
    return out


# ----------------------------------------------------------------------------- rendering


def command_line(job: Job, common: list[str]) -> str:
    return shlex.join([*aisync_command(), *common, *job.args])


def crontab_text(jobs: list[Job], common: list[str]) -> str:
    lines = [
        "# aisync-tui schedule: add with `crontab -e`. Times are this machine's local time.",
        "# A job that finds another run holding the store's lock exits 75 and changes nothing.",
    ]
    for job in jobs:
        lines.append(f"# {job.title}: {job.schedule.label} ({job.origin})" + (f"; {job.note}" if job.note else ""))
        lines.append(f"{job.schedule.cron}  {command_line(job, common)}{job.cron_redirect}")
    return "\n".join(lines) + "\n"


def unit_files(jobs: list[Job], common: list[str]) -> dict[str, str]:
    """File name -> content of the systemd user units (a .service and a .timer per job)."""
    files: dict[str, str] = {}
    for job in jobs:
        base = f"{UNIT_PREFIX}{job.name}"
        files[f"{base}.service"] = (
            f"{MARKER}\n"
            "[Unit]\n"
            f"Description=aisync-tui {job.title}\n"
            "Wants=network-online.target\n"
            "After=network-online.target\n"
            "\n"
            "[Service]\n"
            "Type=oneshot\n"
            f"ExecStart={command_line(job, common)}\n"
            "# 75: another run (here or on another server) holds the store's lock; not a failure\n"
            "SuccessExitStatus=75\n"
        )
        files[f"{base}.timer"] = (
            f"{MARKER}\n"
            "[Unit]\n"
            f"Description=aisync-tui {job.title}, {job.schedule.label}\n"
            "\n"
            "[Timer]\n"
            f"OnCalendar={on_calendar(job.schedule)}\n"
            "# run a missed job at the next boot (a laptop that was asleep)\n"
            "Persistent=true\n"
            "\n"
            "[Install]\n"
            "WantedBy=timers.target\n"
        )
    return files


def systemd_user_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / "systemd" / "user"


def enable_commands(jobs: list[Job]) -> list[str]:
    timers = " ".join(f"{UNIT_PREFIX}{j.name}.timer" for j in jobs)
    return [
        "systemctl --user daemon-reload",
        f"systemctl --user enable --now {timers}",
        f"systemctl --user list-timers '{UNIT_PREFIX}*'",
    ]


# ----------------------------------------------------------------------------- commands


def register(sub: Subparsers) -> None:
    from ._base import Parser, add_common

    p = sub.add_parser("schedule", help="print or install the schedule: cron lines and systemd user timers")
    ssub = p.add_subparsers(dest="schedule_command", metavar="SUBCOMMAND", parser_class=Parser)
    for name, help_text in (
        ("show", "print crontab lines and systemd user unit and timer files"),
        ("install", "write the systemd user units and timers (then enable them with systemctl --user)"),
    ):
        s = ssub.add_parser(name, help=help_text, description=__doc__.split("\n\n")[1] if __doc__ else None)
        add_common(s)
        s.add_argument("--models-at", metavar="WHEN", help="model sync schedule (default: [model_sync] frequency, hourly)")
        s.add_argument("--pricing-at", metavar="HH:MM", default="02:00", help="pricing sync time, daily (default: 02:00; any WHEN works)")
        s.add_argument("--cleanup-at", metavar="WHEN", default="sun 03:00", help="model cleanup schedule (default: \"sun 03:00\", weekly)")
        if name == "show":
            s.add_argument("--format", choices=("all", "cron", "systemd"), default="all", help="what to print (default: all)")
            s.set_defaults(handler=run_show)
        else:
            s.add_argument("--systemd", action="store_true", help="install systemd user timers (the only installer; for cron, paste `aisync schedule show --format cron` into `crontab -e`)")
            s.add_argument("--dry-run", action="store_true", help="show the files and where they would go, write nothing")
            s.set_defaults(handler=run_install)
    p.set_defaults(handler=None)


def _jobs(ctx: Context) -> tuple[list[Job], list[str], list[str]]:
    args = ctx.args
    jobs, notes = plan_jobs(ctx, args.models_at, args.pricing_at, args.cleanup_at)
    common, more = _common_args(ctx)
    return jobs, common, notes + more


def run_show(ctx: Context) -> int:
    from ..errors import UsageError

    jobs, common, notes = _jobs(ctx)
    for note in notes:
        ctx.warn(f"note: {note}")
    fmt = ctx.args.format
    if fmt in ("all", "cron"):
        if fmt == "all":
            ctx.print("## crontab")
            ctx.print("")
        ctx.out.write(crontab_text(jobs, common))
    if fmt in ("all", "systemd"):
        try:
            files = unit_files(jobs, common)
        except ScheduleError as exc:
            raise UsageError(f"systemd timers: {exc}") from None
        if fmt == "all":
            ctx.print("")
            ctx.print(f"## systemd user units (`aisync schedule install --systemd` writes them to {systemd_user_dir()})")
        for name, text in files.items():
            ctx.print("")
            ctx.print(f"# --- {name}")
            ctx.out.write(text)
        ctx.print("")
        ctx.print("# then: " + " && ".join(enable_commands(jobs)[:2]))
    return 0


def run_install(ctx: Context) -> int:
    from ..errors import AisyncError, UsageError

    args = ctx.args
    if not args.systemd:
        raise UsageError(
            "say what to install: --systemd",
            hint="for cron, run `aisync schedule show --format cron` and paste the lines into `crontab -e`",
        )
    jobs, common, notes = _jobs(ctx)
    for note in notes:
        ctx.warn(f"note: {note}")
    try:
        files = unit_files(jobs, common)
    except ScheduleError as exc:
        raise UsageError(f"systemd timers: {exc}") from None
    target = systemd_user_dir()
    # Check everything before writing anything: never clobber a unit someone else wrote.
    plan: list[tuple[Path, str, str]] = []
    for name, text in files.items():
        path = target / name
        state = "new"
        if path.exists():
            try:
                current = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise AisyncError(f"{path}: cannot read it: {exc.strerror}") from None
            if MARKER not in current:
                raise AisyncError(f"{path} exists and was not written by aisync; nothing was written", hint="move it aside or remove it, then run again")
            state = "unchanged" if current == text else "updated"
        plan.append((path, text, state))
    if args.dry_run:
        ctx.print(f"DRY RUN - nothing written. Would write to {target}:")
        for path, text, state in plan:
            ctx.print("")
            ctx.print(f"# --- {path} ({state})")
            ctx.out.write(text)
    else:
        try:
            target.mkdir(parents=True, exist_ok=True)
            for path, text, state in plan:
                if state == "unchanged":
                    continue
                tmp = path.with_name(path.name + ".tmp")
                tmp.write_text(text, encoding="utf-8")
                os.replace(tmp, path)
        except OSError as exc:
            raise AisyncError(f"{target}: cannot write the unit files: {exc.strerror}", hint="check the folder's permissions") from None
        ctx.print(f"Wrote the aisync timers to {target}:")
        for path, _, state in plan:
            ctx.print(f"  {path.name} ({state})")
    ctx.print("")
    ctx.print("Now run:" if not args.dry_run else "After installing, run:")
    for line in enable_commands(jobs):
        ctx.print(f"  {line}")
    ctx.print("To keep them running while you are logged out: loginctl enable-linger \"$USER\"")
    return 0
