"""The README's Python examples run as written and print what the README says they print."""

import math
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
TEST_COMMAND = 'pip install "torch==2.13.0" -e ".[test]" && python -m pytest'
MAIN_COMMAND = 'pip install "torch==2.13.0" -e . && sciml quickstart'


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def run_block(marker: str, capsys) -> list[str]:
    """Execute the one Python block containing ``marker``; return its printed lines."""
    blocks = [b for b in python_blocks() if marker in b]
    assert len(blocks) == 1, f"expected one README example containing {marker!r}"
    capsys.readouterr()
    exec(compile(blocks[0], str(README), "exec"), {"__name__": "readme"})
    return capsys.readouterr().out.splitlines()


def test_quickstart_commands_are_in_the_first_code_block():
    first = re.search(r"```bash\n(.*?)```", README.read_text(), flags=re.S).group(1)
    assert first.splitlines() == [MAIN_COMMAND, TEST_COMMAND]


def test_every_python_example_is_checked():
    assert len(python_blocks()) == 2, "a new README example needs its own test here"


def test_composed_example(capsys):
    status, solve_line = run_block("Darcy(65)", capsys)
    name, iterations, error = status.split()
    assert name == "SUCCESS" and int(iterations) < 20
    assert float(error) < 1e-8  # multigrid-preconditioned CG agrees with the direct solve
    assert solve_line == "True (1, 1, 129, 129)"
    # the README quotes the output; the error's last digit may differ between BLAS builds
    assert f"It prints `SUCCESS {iterations} " in README.read_text()


def test_field_example(capsys):
    norm, value = run_block("Field.from_function", capsys)
    assert abs(float(norm) - 0.5) < 1e-12  # the norm the example prints
    # trigonometric interpolation is exact for this band-limited field
    exact = math.sin(2 * math.pi * 0.3) * math.cos(2 * math.pi * 0.7)
    printed = float(re.search(r"-?\d+\.\d+(e-?\d+)?", value).group())
    assert abs(printed - exact) < 1e-4  # torch prints four decimals
