"""`aisync schedule show|install`: the printed cron lines and systemd units a user pastes or
installs, and the schedule grammar behind them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from aisync_tui.cli import main
from aisync_tui.commands.schedule import MARKER, ScheduleError, on_calendar, parse_when


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temp user: config file, XDG dirs; returns the config file."""
    cfg = tmp_path / "config.toml"
    cfg.write_text("")
    monkeypatch.setenv("AISYNC_CONFIG", str(cfg))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("AISYNC_DATABASE_URL", raising=False)
    return cfg


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def cron_lines(out: str) -> dict[str, str]:
    """job word -> crontab line, from `schedule show --format cron`."""
    lines = [line for line in out.splitlines() if line and not line.startswith("#")]
    found = {}
    for line in lines:
        key = "models" if "--sync-all" in line else "pricing" if "sync-pricing" in line else "cleanup" if "cleanup" in line else line
        found[key] = line
    return found


# ----------------------------------------------------------------------------- grammar


@pytest.mark.parametrize(
    ("when", "cron"),
    [
        ("hourly", "0 * * * *"),
        ("daily", "0 0 * * *"),
        ("weekly", "0 0 * * 0"),
        ("02:00", "0 2 * * *"),
        ("sun 03:00", "0 3 * * 0"),
        ("Sundays 03:00", "0 3 * * 0"),
        (":15", "15 * * * *"),
        ("*/30 * * * *", "*/30 * * * *"),
        ("@daily", "0 0 * * *"),
    ],
)
def test_every_documented_way_to_say_when_becomes_the_right_cron_line(when: str, cron: str) -> None:
    assert parse_when(when).cron == cron


@pytest.mark.parametrize(
    ("when", "says"),
    [
        ("every 5 minutes", "5 fields"),
        ("61 * * * *", "minute 61 is out of range 0-59"),
        ("0 24 * * *", "hour 24 is out of range 0-23"),
        ("0 0 * * 9", "day of week 9 is out of range 0-7"),
        ("*/0 * * * *", "step '0' must be a positive number"),
        ("0 0 5-1 * *", "runs backwards"),
        ("fortnightly", "is not hourly, daily, weekly"),
        ("funday 03:00", "'funday' is not a day of the week"),
        ("@reboot", "not a cron macro"),
    ],
)
def test_a_bad_schedule_is_refused_with_the_reason(when: str, says: str) -> None:
    with pytest.raises(ScheduleError) as exc:
        parse_when(when)
    assert says in str(exc.value)


@pytest.mark.parametrize(
    ("when", "calendar"),
    [
        ("hourly", "*-*-* *:00:00"),
        ("*/15 * * * *", "*-*-* *:00/15:00"),
        ("0 9-17/2 * * mon-fri", "Mon,Tue,Wed,Thu,Fri *-*-* 09,11,13,15,17:00:00"),
        ("30 4 1,15 * *", "*-*-01,15 04:30:00"),
        ("5 0 * 8 7", "Sun *-08-* 00:05:00"),
    ],
)
def test_cron_schedules_translate_to_systemd_calendar_times(when: str, calendar: str) -> None:
    assert on_calendar(parse_when(when)) == calendar


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("when", ["hourly", "weekly", "*/15 * * * *", "0 9-17/2 * * mon-fri", "0 0 */2 jan-jun *", "@monthly"])
def test_systemd_accepts_every_calendar_we_generate(when: str) -> None:
    result = subprocess.run(["systemd-analyze", "calendar", on_calendar(parse_when(when))], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_cron_either_or_days_are_refused_for_systemd_rather_than_mistranslated() -> None:
    with pytest.raises(ScheduleError, match="either/or"):
        on_calendar(parse_when("0 0 1 * 1"))


# ----------------------------------------------------------------------------- schedule show


def test_show_prints_the_reference_schedule_with_absolute_commands(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schedule", "show", "--format", "cron")
    assert code == 0
    jobs = cron_lines(out)
    assert jobs["models"].startswith("0 * * * *  /")  # hourly; cron has no PATH, so absolute
    assert jobs["models"].endswith(f"--config {env.resolve()} --sync-all --no-pricing --quiet")
    assert jobs["cleanup"].startswith("5 3 * * 0  ")  # Sundays 03:00, moved off the hourly sync
    assert "models cleanup --force" in jobs["cleanup"]
    assert "moved from Sundays at 03:00: the model sync is due then" in out
    if "pricing" in jobs:  # once `aisync sync-pricing` exists
        assert jobs["pricing"].startswith("5 2 * * *  ")


def test_jobs_due_in_the_same_minute_are_moved_apart(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schedule", "show", "--format", "cron", "--models-at", ":30", "--cleanup-at", "sun 03:00")
    assert code == 0
    jobs = cron_lines(out)
    assert jobs["models"].startswith("30 * * * *")
    assert jobs["cleanup"].startswith("0 3 * * 0")  # no clash: kept as asked
    assert "moved" not in out.split("model cleanup")[1].splitlines()[0]


def test_frequency_in_the_config_drives_the_models_job(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env.write_text('[model_sync]\nfrequency = "*/20 6-22 * * *"\n')
    code, out, _ = run(capsys, "schedule", "show")
    assert code == 0
    assert cron_lines(out.split("## systemd")[0])["models"].startswith("*/20 6-22 * * *  ")
    assert "model_sync.frequency = '*/20 6-22 * * *'" in out
    assert "OnCalendar=*-*-* 06,07,08,09,10,11,12,13,14,15,16,17,18,19,20,21,22:00/20:00" in out


def test_a_bad_frequency_in_the_config_names_the_file_and_the_fix(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env.write_text('[model_sync]\nfrequency = "every hour"\n')
    code, _, err = run(capsys, "schedule", "show")
    assert code == 2
    assert f"{env}: model_sync.frequency 'every hour'" in err
    assert "cron expression" in err


def test_a_bad_option_is_a_usage_error(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "schedule", "show", "--pricing-at", "26:00")
    assert code == 2
    assert "--pricing-at '26:00'" in err


def test_show_prints_systemd_units_with_the_timer_and_lock_exit_code(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schedule", "show", "--format", "systemd")
    assert code == 0
    assert "# --- aisync-models.service" in out and "# --- aisync-models.timer" in out
    assert "OnCalendar=*-*-* *:00:00" in out
    assert "OnCalendar=Sun *-*-* 03:05:00" in out
    assert "SuccessExitStatus=75" in out  # another server holding the lock is not a failure
    assert "systemctl --user daemon-reload" in out


def test_disabled_model_sync_leaves_the_models_job_out(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env.write_text("[model_sync]\nenabled = false\n")
    code, out, err = run(capsys, "schedule", "show", "--format", "cron")
    assert code == 0
    assert "models" not in cron_lines(out)
    assert "model sync is disabled" in err


@pytest.mark.parametrize(
    "url",
    ["postgresql://aisync:s3cretpw@db.example.com/aisync", "postgresql://aisync@db.example.com/aisync?password=s3cretpw&sslmode=require"],
    ids=["userinfo", "password-parameter"],
)
@pytest.mark.parametrize(
    "args",
    [("schedule", "show"), ("schedule", "show", "--format", "cron"), ("schedule", "install", "--systemd", "--dry-run")],
    ids=lambda a: " ".join(a[1:]),
)
def test_a_database_url_with_a_password_is_refused_by_schedule_without_printing_it(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str, args: tuple[str, ...]
) -> None:
    monkeypatch.setenv("AISYNC_DATABASE_URL", url)
    code, out, err = run(capsys, *args)
    assert code == 2
    assert "s3cretpw" not in out + err
    assert "refusing to copy it into a crontab or unit file" in err and "~/.pgpass" in err
    assert len(err.strip().splitlines()) == 1
    assert MARKER not in out, "no entry was printed without its --db"


def test_a_database_url_without_password_is_passed_on(env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AISYNC_DATABASE_URL", "postgresql://aisync@db.example.com/aisync")
    code, out, _ = run(capsys, "schedule", "show", "--format", "cron")
    assert "--db postgresql://aisync@db.example.com/aisync --sync-all" in cron_lines(out)["models"]


# ----------------------------------------------------------------------------- schedule install


def test_install_writes_units_and_timers_to_the_xdg_systemd_user_dir(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schedule", "install", "--systemd")
    assert code == 0
    target = tmp_path / "xdg-config" / "systemd" / "user"
    names = sorted(p.name for p in target.iterdir())
    assert {"aisync-models.service", "aisync-models.timer", "aisync-cleanup.service", "aisync-cleanup.timer"} <= set(names)
    assert not (tmp_path / "home" / ".config").exists()  # XDG_CONFIG_HOME respected
    timer = (target / "aisync-models.timer").read_text()
    assert "OnCalendar=*-*-* *:00:00" in timer and "Persistent=true" in timer and "WantedBy=timers.target" in timer
    service = (target / "aisync-models.service").read_text()
    assert "ExecStart=/" in service and "--sync-all --no-pricing --quiet" in service
    assert "systemctl --user enable --now aisync-models.timer" in out
    # again: nothing changes, and it says so
    code, out, _ = run(capsys, "schedule", "install", "--systemd")
    assert code == 0 and "aisync-models.timer (unchanged)" in out


def test_install_dry_run_writes_nothing(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schedule", "install", "--systemd", "--dry-run")
    assert code == 0
    assert out.startswith("DRY RUN - nothing written.")
    assert "aisync-models.timer (new)" in out
    assert not (tmp_path / "xdg-config").exists()


def test_install_never_overwrites_a_unit_it_did_not_write(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "xdg-config" / "systemd" / "user"
    target.mkdir(parents=True)
    mine = target / "aisync-models.timer"
    mine.write_text("[Timer]\nOnCalendar=daily\n")
    code, _, err = run(capsys, "schedule", "install", "--systemd")
    assert code == 2
    assert "was not written by aisync; nothing was written" in err
    assert mine.read_text() == "[Timer]\nOnCalendar=daily\n"
    assert sorted(p.name for p in target.iterdir()) == ["aisync-models.timer"]


def test_install_updates_its_own_units_when_the_schedule_changes(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "schedule", "install", "--systemd")[0] == 0
    code, out, _ = run(capsys, "schedule", "install", "--systemd", "--models-at", "daily")
    assert code == 0 and "aisync-models.timer (updated)" in out
    timer = (tmp_path / "xdg-config" / "systemd" / "user" / "aisync-models.timer").read_text()
    assert timer.startswith(MARKER) and "OnCalendar=*-*-* 00:00:00" in timer


def test_install_without_a_target_says_what_to_choose(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "schedule", "install")
    assert code == 2
    assert "--systemd" in err and "crontab -e" in err


@pytest.mark.parametrize("frequency", ["every full moon", "61 * * * *", "*/0 * * * *", "25:99"])
def test_config_check_refuses_a_frequency_the_schedule_could_not_use(env: Path, capsys: pytest.CaptureFixture[str], frequency: str) -> None:
    env.write_text(f'[model_sync]\nfrequency = "{frequency}"\n')
    code, out, err = run(capsys, "config", "check")
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "model_sync.frequency" in err and str(env) in err


def test_config_path_hides_the_database_password(env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for url in ("postgresql://aisync:PgSecretPw-93kd71@127.0.0.1:1/aisync", "postgresql://aisync@127.0.0.1:1/aisync?password=PgSecretPw-93kd71"):
        monkeypatch.setenv("AISYNC_DATABASE_URL", url)
        code, out, err = run(capsys, "config", "path")
        assert code == 0 and "PgSecretPw-93kd71" not in out + err
        assert "store:  postgresql://aisync" in out and "***" in out
