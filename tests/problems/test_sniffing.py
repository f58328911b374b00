"""The kind tests of problems/sniffing.py against their plain definitions."""

from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard.problems import sniffing

LINES = st.sampled_from(
    [b"", b"  ", b"# note", b"INPUT(a)", b"x = AND(a, b)", b"p cnf 1 1", b"1 0"]
)


def bench_by_split(data: bytes) -> bool:
    """The definition: the first of the first 200 lines that is neither blank nor a comment."""
    for raw in data.split(b"\n", 200)[:200]:
        line = raw.split(b"#", 1)[0].strip()
        if line:
            return bool(sniffing._BENCH_LINE.match(line.decode("utf-8", "replace")))
    return False


@settings(max_examples=300, deadline=None)
@given(st.lists(LINES, max_size=230), st.booleans())
def test_is_bench_is_its_definition(lines, final_newline):
    data = b"\n".join(lines) + (b"\n" if final_newline else b"")
    assert sniffing.is_bench(data) == bench_by_split(data)
