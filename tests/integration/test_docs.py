"""The man pages say what the code does: the parameter list of ljail.conf(5)
is made from src/conf/params.c and src/platform/linux/params.c, and
ljail(8) covers every command."""
import os
import re
import subprocess

from conftest import SOURCE, run


def test_conf5_lists_the_parameter_table():
    page = open(os.path.join(SOURCE, "man", "ljail.conf.5")).read()
    block = page.split(".\\\" PARAMETERS BEGIN: made by scripts/params-mdoc\n")[1]
    block = block.split(".\\\" PARAMETERS END")[0]
    made = subprocess.run([os.path.join(SOURCE, "scripts", "params-mdoc")],
                          capture_output=True, text=True, check=True).stdout
    assert block == made, "run scripts/params-mdoc and paste its output into ljail.conf.5"


def test_ljail8_covers_every_command():
    page = open(os.path.join(SOURCE, "man", "ljail.8")).read()
    rc, out, _ = run("help")
    commands = re.findall(r"^  (\w+)", out.split("Commands:\n")[1].split("\n\n")[0], re.M)
    assert commands
    for cmd in commands:
        assert re.search(r"^\.It Cm %s\b" % cmd, page, re.M), cmd
