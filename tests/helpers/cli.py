"""The command line run in this process, and the one-line error contract for bad input."""

from __future__ import annotations


def run_cli(capsys, argv) -> tuple[int, str, str]:
    """``reluhard ARGV...`` in this process: exit code (argparse's usage errors too),
    stdout, stderr."""
    from reluhard import cli

    capsys.readouterr()
    try:
        code = cli.main([str(a) for a in argv])
    except SystemExit as e:
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    """The one line a bad input gets on stderr (never a traceback)."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, lines
    return lines[0]
