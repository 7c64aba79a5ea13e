"""The command line on the embedded default: wins in chat, db upgrade, purge and export."""

from __future__ import annotations

import csv
import getpass
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import app
from storage.migrate import head_revision

runner = CliRunner()


@pytest.fixture
def env(tmp_path):
    return {
        "AIGUIDE_DATA_DIR": str(tmp_path),
        "AIGUIDE_DATABASE_URL": "",
        "AIGUIDE_KNOWLEDGE_DIR": "",
        "COLUMNS": "120",
    }


def run(env, *args, input=None):
    return runner.invoke(app, list(args), input=input, env=env)


def test_chat_logs_lists_and_undoes_wins_in_the_sqlite_file(env, tmp_path):
    session = "\n".join(
        [
            "win 45m drafted the RFP response with Copilot -> sent to the client two days early #share",
            "win 20m summarized notes with FooBar AI",
            "win list",
            "win undo",
            "me",
            "request DeepSeek because it reads scanned PDFs",
            "requests",
            "quit",
        ]
    )
    result = run(env, "chat", input=session + "\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Logged win #1: 45 min saved with Microsoft 365 Copilot." in out
    assert "Logged win #2: 20 min saved with FooBar AI." in out
    assert "Your last 2 wins" in out
    assert "Removed win #2" in out
    assert "1 win, 0.8 h saved" in out
    assert "Thanks: IT will review DeepSeek. You are the first to ask." in out
    assert "1 open tool-review request, most wanted first" in out
    assert (tmp_path / "aiguide.db").exists()


def test_win_form_in_the_terminal(env):
    answers = [
        "win",
        "1h",
        "2",
        "",
        "6",
        "minutes of the steering call",
        "3",
        "sent the same day",
        "y",
        "Legal",
        "win list",
        "quit",
    ]
    result = run(env, "chat", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Logged win #1: 1 h saved with Microsoft 365 Copilot." in result.output
    assert "minutes of the steering call" in result.output


def test_win_form_errors_are_asked_again_and_cancel_saves_nothing(env):
    answers = ["win", "soon", "", "", "", "", "", "", "", "", "cancel", "win list", "quit"]
    result = run(env, "chat", input="\n".join(answers) + "\n")
    assert "Please fix the highlighted fields; nothing was saved yet." in result.output
    assert "Write the time saved, e.g. 45m, 1h30 or 1.5h." in result.output
    assert "Form cancelled; nothing was saved." in result.output
    assert "No wins logged yet." in result.output


def test_db_upgrade_and_purge(env):
    upgraded = run(env, "db", "upgrade")
    assert upgraded.exit_code == 0 and upgraded.output.startswith(f"Database at revision {head_revision()} ")
    run(env, "chat", input="is otter ok?\nquit\n")
    purged = run(env, "purge", "--days", "30")
    assert (
        purged.output.strip()
        == "Removed the text of 0 question(s) and 0 closed request(s) older than 30 days."
    )


def test_export_names_only_people_who_consented(env, tmp_path):
    run(
        env,
        "chat",
        input="win 45m drafted a memo with ChatGPT #share\nwin 30m wrote code with GitHub Copilot\nquit\n",
    )
    out = tmp_path / "wins.csv"
    result = run(env, "export", "wins", "--out", str(out), "--since", "2020-01-01")
    assert result.output.strip() == f"Wrote 2 wins row(s) since 2020-01-01 to {out}."
    rows = list(csv.DictReader(out.open()))
    assert [r["shared"] for r in rows] == ["True", "False"]
    assert rows[0]["person"] == getpass.getuser()
    assert rows[1]["person"].startswith("person-")
    assert rows[0]["tool_id"] == "chatgpt-enterprise"

    book = tmp_path / "questions.xlsx"
    run(env, "chat", input='=HYPERLINK("http://x") can I use DeepSeek?\nquit\n')
    result = run(env, "export", "questions", "--out", str(book), "--since", "2020-01-01")
    header, *data = list(load_workbook(book)["Questions"].values)
    assert header[:5] == ("Asked (UTC)", "Person", "Department", "Platform", "Answer")
    assert data[0][4] == "Not on the approved list"
    assert data[0][9].startswith("'=HYPERLINK")  # never a live formula in the leaders' spreadsheet


def test_export_rejects_a_bad_date(env, tmp_path):
    result = run(env, "export", "requests", "--out", str(tmp_path / "r.csv"), "--since", "last week")
    assert result.exit_code == 2
    assert "--since 'last week' is not a date; use YYYY-MM-DD" in result.output


def test_unreachable_database_is_explained(env):
    env = {**env, "AIGUIDE_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"}
    result = run(env, "chat", input="quit\n")
    assert result.exit_code == 1
    assert "Cannot open the database:" in result.output
    assert "Traceback" not in result.output


def test_digest_send_needs_now_and_a_known_target(env):
    assert run(env, "digest", "send", "leaders").exit_code == 2
    result = run({**env, "AIGUIDE_DIGEST_TARGETS": ""}, "digest", "send", "leaders", "--now")
    assert result.exit_code == 2 and "No digest target 'leaders' (known: none configured)" in result.output


def test_digest_send_to_a_teams_conversation_aiguide_is_not_in_says_so(env):
    import json

    target = {
        "name": "leaders",
        "kind": "leadership",
        "platform": "teams",
        "channel": "19:nowhere@thread.tacv2",
    }
    result = run({**env, "AIGUIDE_DIGEST_TARGETS": json.dumps([target]), "AIGUIDE_TEAMS_DEV_MODE": "true"},
                 "digest", "send", "leaders", "--now")  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "aiguide was never added to Teams conversation 19:nowhere@thread.tacv2" in result.output
    assert "Add aiguide to it in Teams" in result.output and "Traceback" not in result.output


def test_digest_preview_after_demo_data(env, tmp_path):
    assert run(env, "demo-data", "--weeks", "3").output.startswith("Added ")
    chart = tmp_path / "chart.png"
    result = run(env, "digest", "preview", "--png", str(chart))
    assert result.exit_code == 0, result.output
    assert "AI at Brightline Partners, week of" in result.output and chart.read_bytes()[:4] == b"\x89PNG"
    it = run(env, "digest", "preview", "--it", "--week", "2026-W47")
    assert "IT digest, week of 16 Nov" in it.output
    assert run(env, "digest", "preview", "--week", "last week").exit_code == 2


def test_demo_data_keeps_to_the_knowledge_base_refuses_real_data_and_can_be_taken_back(env, tmp_path):
    import sqlite3

    # A real person asked for DeepSeek first: demo data must neither crash on it nor mix with it unasked.
    assert run(env, "chat", input="request DeepSeek because it reads scanned PDFs\nquit\n").exit_code == 0
    refused = run(env, "demo-data", "--weeks", "2")
    assert refused.exit_code == 1 and "holds real people or questions" in refused.output
    added = run(env, "demo-data", "--weeks", "2", "--force")
    assert added.exit_code == 0, added.output
    db = sqlite3.connect(tmp_path / "aiguide.db")
    listed = {"chatgpt enterprise", "chatgpt", "microsoft 365 copilot", "claude", "perplexity", "otter.ai"}
    unknown = {name.lower() for (name,) in db.execute("SELECT tool_name FROM wins WHERE tool_known = 0")}
    assert unknown and not unknown & listed, unknown  # "not on the list" means not in the policy in force
    use_cases = {u for (u,) in db.execute("SELECT DISTINCT use_case FROM wins WHERE use_case IS NOT NULL")}
    from knowledge import load_knowledge

    assert use_cases <= {u.id for u in load_knowledge().use_cases}
    removed = run(env, "demo-data", "--remove")
    assert removed.exit_code == 0 and removed.output.startswith("Removed ")
    assert db.execute("SELECT count(*) FROM people WHERE user_id LIKE 'UDEMO%'").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM wins").fetchone() == (0,)
    # The real person's request is still there, with them as its only requester.
    assert db.execute("SELECT tool_name FROM tool_requests").fetchall() == [("DeepSeek",)]
    assert db.execute("SELECT count(*) FROM tool_requesters").fetchone() == (1,)


def test_free_text_is_stored_redacted_and_a_control_character_does_not_break_the_export(env, tmp_path):
    import sqlite3

    session = "\n".join([
        "win 30m drafted the reply to ana.lima@client.example with ChatGPT -> sent it with key AKIAIOSFODNN7EXAMPLE",
        "request DeepSeek because bob@corp.example said it reads PDFs",
        "can I use DeepSeek for a memo?\x07 with a bell",
        "quit",
    ])  # fmt: skip
    assert run(env, "chat", input=session + "\n").exit_code == 0
    db = sqlite3.connect(tmp_path / "aiguide.db")
    ((task, outcome),) = db.execute("SELECT task, outcome FROM wins").fetchall()
    assert "ana.lima@" not in task and "[email]" in task
    assert "AKIA" not in outcome and "[token]" in outcome
    ((reason,),) = db.execute("SELECT reason FROM tool_requesters").fetchall()
    assert "bob@corp.example" not in reason
    book = tmp_path / "questions.xlsx"
    result = run(env, "export", "questions", "--out", str(book), "--since", "2020-01-01")
    assert result.exit_code == 0, result.output
    assert any("with a bell" in str(cell) for row in load_workbook(book)["Questions"].values for cell in row)


def test_the_xlsx_export_is_a_spreadsheet_a_leader_can_read(env, tmp_path):
    run(env, "chat", input=(
        "win 45m drafted a memo with ChatGPT Enterprise -> sent the bid a day early #share\n"
        "win 90m wrote code with GitHub Copilot\nwin 20m summarised a report with DeepSeek\n"
        "request DeepSeek because it reads long PDFs\nquit\n"
    ))  # fmt: skip
    book_path = tmp_path / "wins.xlsx"
    assert run(env, "export", "wins", "--out", str(book_path), "--since", "2020-01-01").exit_code == 0
    book = load_workbook(book_path)
    assert book.sheetnames == ["Summary", "Wins"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Wins"] == 3 and summary["People"] == 1
    assert summary["Hours saved (self-reported)"] == pytest.approx((45 + 90 + 20) / 60)
    assert isinstance(summary["From"], datetime) and summary["From"].date() == date(2020, 1, 1)
    assert summary["Revenue"] == pytest.approx(0.75)  # "sent the bid", as the outcome classifier reads it
    sheet = book["Wins"]
    assert sheet.freeze_panes == "A2"
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert "id" not in header and "tool_id" not in header  # no internal ids for a reader
    by = [dict(zip(header, row, strict=True)) for row in rows]
    assert [r["Minutes saved"] for r in by] == [45, 90, 20]
    assert all(isinstance(r["Date"], datetime) for r in by)  # a real date, sortable and filterable
    assert by[0]["Time went to"] == "Revenue" and by[0]["Shared by the person"] == "Yes"
    assert by[2]["Tool on the list"] == "No"
    assert sheet.column_dimensions["I"].width >= 40  # the task column is wide enough to read
    assert sheet["D2"].number_format == "0"
    requests_path = tmp_path / "requests.xlsx"
    assert run(env, "export", "requests", "--out", str(requests_path), "--since", "2020-01-01").exit_code == 0
    header, row = list(load_workbook(requests_path)["Requests"].iter_rows(values_only=True))
    request = dict(zip(header, row, strict=True))
    assert (request["Tool"], request["Status"], request["Requesters"]) == ("DeepSeek", "Open", 1)
    assert isinstance(request["Opened (UTC)"], datetime) and request["Decided (UTC)"] is None


def test_a_control_character_cannot_smuggle_a_formula_into_the_xlsx(tmp_path, kb):
    from bot.export import write_xlsx

    row = {"asked_at": None, "person": "p", "department": "", "platform": "slack", "verdict": "allowed",
           "tool_ids": [], "unknown_tools": [], "data_class": None, "use_case": None,
           "text": '\x07=HYPERLINK("http://x")'}  # fmt: skip
    path = tmp_path / "q.xlsx"
    write_xlsx(path, "questions", [row], kb=kb, since=date(2026, 1, 1), until=date(2026, 2, 1))
    cell = load_workbook(path)["Questions"]["J2"]
    assert cell.data_type == "s" and cell.value.startswith("'=HYPERLINK")
