"""How tests/test_doc_commands.py finds the commands of the documents (quick, no gdlab run)."""

from __future__ import annotations

from doc_commands import doc_commands

FENCE = "```"


def _write(root, text, name="README.md"):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_commands_come_from_fenced_blocks_only(tmp_path):
    _write(
        tmp_path,
        f"Run `gdlab run 1` inline: not a block.\n\n{FENCE}\n$ gdlab run 1 --eta 0.1\n"
        "gdlab: diverged at iteration 6\nchapter 1: 15 iterations\n"
        f"python3 -m venv .venv && .venv/bin/gdlab\n{FENCE}\ngdlab run 2\n",
    )
    (command,) = doc_commands(tmp_path)
    assert (command.document, command.line, command.text) == (
        "README.md",
        4,
        "gdlab run 1 --eta 0.1",
    )
    assert command.words == ("gdlab", "run", "1", "--eta", "0.1")
    assert (command.kind, command.exit_code, command.diverges_at) == ("command", 0, None)


def test_a_comment_states_the_exit_code_and_the_divergence(tmp_path):
    _write(
        tmp_path,
        "~~~\ngdlab run 1 --eta 2.5   # divergent: stops at iteration 6, exit 3\n"
        'gdlab run custom --expr "x # not a comment" --init 1  # exit code 2\n~~~\n',
    )
    first, second = doc_commands(tmp_path)
    assert (first.text, first.exit_code, first.diverges_at) == ("gdlab run 1 --eta 2.5", 3, 6)
    assert second.words[4] == "x # not a comment" and second.exit_code == 2


def test_synopses_shell_lines_and_continuations(tmp_path):
    _write(
        tmp_path,
        f"{FENCE}\ngdlab run CHAPTER [--eta F]\n"
        'gdlab run custom --expr "x[0]" --init 1\n'
        "gdlab run 3 | head -1\n"
        "gdlab run 2 --format json --output r.json && gdlab run --from r.json\n"
        "gdlab run 1 \\\n    --eta 0.2\n"
        f"gdlab\ngdlab --plain\ngdlab serve --host 0.0.0.0\ngdlab bench --only B1\n{FENCE}\n",
    )
    kinds = [(c.line, c.kind) for c in doc_commands(tmp_path)]
    assert kinds == [
        (2, "synopsis"),
        (3, "command"),
        (4, "shell"),
        (5, "shell"),
        (6, "command"),
        (8, "app"),
        (9, "app"),
        (10, "serve"),
        (11, "bench"),
    ]
    assert doc_commands(tmp_path)[4].words == ("gdlab", "run", "1", "--eta", "0.2")


def test_docs_pages_are_read_when_there_are_some(tmp_path):
    _write(tmp_path, f"{FENCE}\ngdlab run 1\n{FENCE}\n")
    assert [c.document for c in doc_commands(tmp_path)] == ["README.md"]
    _write(tmp_path, f"{FENCE}\ngdlab run 2\n{FENCE}\n", "docs/b.md")
    _write(tmp_path, f"{FENCE}bash\ngdlab run 3\n{FENCE}\n", "docs/a.md")
    assert [c.document for c in doc_commands(tmp_path)] == ["README.md", "docs/a.md", "docs/b.md"]
