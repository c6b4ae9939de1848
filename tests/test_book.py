"""The book's printed outputs, reproduced digit for digit by `gdlab run`."""

from __future__ import annotations

import math
import re

import pytest
from book_outputs import (
    CH1_LINES,
    CH1_START,
    CH2_LINES,
    CH2_START,
    CH3_FIRST_BLOCKS,
    CH3_LAST_BLOCK_EXACT,
    CH3_LAST_SUM_ERR,
    normalise,
)


def test_chapter1_prints_the_books_fifteen_lines(gdlab):
    result = gdlab("run", "1", "--init", CH1_START)
    assert result.code == 0
    assert result.out.splitlines() == CH1_LINES


def test_chapter2_prints_the_books_ten_lines(gdlab):
    result = gdlab("run", "2", "--init", *CH2_START)
    assert result.code == 0
    assert [normalise(line) for line in result.out.splitlines()] == [
        normalise(line) for line in CH2_LINES
    ]


def _blocks(text: str) -> list[str]:
    return [normalise(line) for line in text.splitlines() if not line.startswith("---")]


def test_chapter3_prints_the_books_first_three_blocks(gdlab):
    result = gdlab("run", "3", "--iterations", "3")
    assert result.code == 0
    assert _blocks(result.out) == [normalise(line) for line in CH3_FIRST_BLOCKS]


@pytest.mark.slow
def test_chapter3_ends_with_the_books_last_block(gdlab):
    # --every 29999 keeps iterations 0 and 29999: the first and the book's last block.
    result = gdlab("run", "3", "--every", "29999")
    assert result.code == 0
    lines = _blocks(result.out)
    assert len(lines) == 12
    last = lines[6:]
    exact = [line for line in last if not line.startswith(("loss", "sum_err"))]
    assert exact == [normalise(line) for line in CH3_LAST_BLOCK_EXACT]
    (sum_line,) = [line for line in last if line.startswith("sum_err")]
    value = float(re.search(r"tensor\(([^,]+),", sum_line).group(1))
    assert math.isclose(value, CH3_LAST_SUM_ERR, rel_tol=1e-3)


def test_summary_goes_to_stderr(gdlab):
    result = gdlab("run", "2", "--init", *CH2_START)
    assert "chapter 2: 10 iterations" in result.err
    assert "distance to optimum" in result.err
    assert "x=" not in result.err
