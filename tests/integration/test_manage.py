"""Living with jails: snapshots and rollback, clone, rename, export and import.

One private ljail root (-R) for the module with a template copied from the
cached Debian tree; each test removes every jail it made, and the fixture
checks that nothing is left (jails, interfaces, name servers, nft table).
"""
import json
import os
import re
import subprocess
import tarfile

import pytest

from test_network import Instance, kept_tidy


@pytest.fixture(scope="module")
def inst(tmp_path_factory, tree):
    i = Instance(tmp_path_factory.mktemp("ljmanage"), tree)
    try:
        yield i
    finally:
        i.tidy()
        i.run("template", "destroy", "t")


@pytest.fixture
def lj(inst):
    yield from kept_tidy(inst)


def conf(lj, name):
    return (lj.R / "etc" / "ljail" / "jail.conf.d" / f"{name}.conf").read_text()


def meta(lj, name):
    text = (lj.R / "var" / "lib" / "ljail" / "containers" / name / "meta").read_text()
    return dict(line.split("=", 1) for line in text.splitlines())


def jail_list(lj):
    return {j["name"]: j for j in json.loads(lj.ok("--json", "list"))["jails"]}


@pytest.mark.parametrize("kind", [[], ["--thick"]], ids=["thin", "thick"])
def test_snapshot_change_rollback(lj, kind):
    lj.ok("create", "s", *kind)
    lj.ok("start", "s")
    lj.ok("exec", "s", "sh", "-c", "echo before > /root/f")
    err = lj.fails("snapshot", "s", "one")
    assert "jail 's' is running: stop it first" in err
    lj.ok("stop", "s")
    assert "s: snapshot one" in lj.ok("snapshot", "s", "one")
    auto = lj.ok("snapshot", "s").split()[-1]
    assert re.fullmatch(r"\d{8}-\d{6}", auto)
    assert lj.ok("snapshot", "-l", "s").split() == sorted([auto, "one"])
    assert "already" in lj.fails("snapshot", "s", "one")
    assert "is not usable" in lj.fails("snapshot", "s", "../x")
    lj.ok("start", "s")
    lj.ok("exec", "s", "sh", "-c", "echo after > /root/f; touch /root/new; rm /etc/issue")
    lj.ok("stop", "s")
    lj.ok("rollback", "s", "one")
    lj.ok("start", "s")
    assert lj.ok("exec", "s", "cat", "/root/f") == "before\n"
    assert lj.ok("exec", "s", "ls", "/root") == "f\n"
    lj.ok("exec", "s", "test", "-e", "/etc/issue")
    # The snapshot stays, and a second rollback to it works as the first.
    lj.ok("exec", "s", "sh", "-c", "echo again > /root/f")
    lj.ok("stop", "s")
    lj.ok("rollback", "s", "one")
    lj.ok("start", "s")
    assert lj.ok("exec", "s", "cat", "/root/f") == "before\n"
    lj.ok("stop", "s")
    assert "has no snapshot 'none'" in lj.fails("rollback", "s", "none")
    lj.ok("snapshot", "-d", "s", auto)
    assert lj.ok("snapshot", "-l", "s").split() == ["one"]


@pytest.mark.parametrize("kind", [[], ["--thick"]], ids=["thin", "thick"])
def test_clone_starts_and_is_independent(lj, kind):
    lj.ok("create", "src", "--user", "alice", "--publish", "48123:80", *kind)
    lj.ok("start", "src")
    lj.ok("exec", "src", "sh", "-c", "echo mine > /root/f")
    assert "is running" in lj.fails("clone", "src", "dst")
    lj.ok("stop", "src")
    assert "dst: cloned from src" in lj.ok("clone", "src", "dst")
    assert "already exists" in lj.fails("clone", "src", "dst")
    assert "already exists" in lj.fails("clone", "src", "src")
    c = conf(lj, "dst")
    # Its own folder, ids, address and name; its source's host port is not taken.
    assert "containers/src/" not in c and "dst {" in c
    assert meta(lj, "dst")["idmap"] != meta(lj, "src")["idmap"]
    assert lj.address("dst") != lj.address("src")
    assert not re.search(r"^\s*vnet\.publish", c, re.M) and "# A host port is one jail's" in c
    lj.ok("start", "src", "dst")
    assert lj.ok("exec", "dst", "hostname") == "dst\n"
    assert lj.ok("exec", "dst", "cat", "/root/f") == "mine\n"
    # Owners are the clone's own: alice and root as the clone sees them.
    assert lj.ok("exec", "dst", "stat", "-c", "%U %u", "/home/alice").split() == ["alice", "1000"]
    assert lj.ok("exec", "dst", "stat", "-c", "%U", "/root/f") == "root\n"
    lj.ok("exec", "dst", "sh", "-c", "echo changed > /root/f")
    assert lj.ok("exec", "src", "cat", "/root/f") == "mine\n"
    src_ids = jail_list(lj)["src"]["parameters"]["userns.idmap"]
    dst_ids = jail_list(lj)["dst"]["parameters"]["userns.idmap"]
    assert src_ids != dst_ids
    lj.ok("stop", "src", "dst")


def test_rename_keeps_the_jail_working(lj):
    lj.ok("create", "old", "--user", "alice")
    addr = lj.address("old")
    lj.ok("start", "old")
    lj.ok("exec", "old", "sh", "-c", "echo kept > /root/f")
    assert "is running" in lj.fails("rename", "old", "new")
    lj.ok("stop", "old")
    lj.ok("create", "other")
    assert "already exists" in lj.fails("rename", "old", "other")
    lj.ok("rename", "old", "new")
    containers = lj.R / "var" / "lib" / "ljail" / "containers"
    assert not (containers / "old").exists() and (containers / "new").is_dir()
    assert not (lj.R / "etc" / "ljail" / "jail.conf.d" / "old.conf").exists()
    assert lj.address("new") == addr
    assert "'old'" in lj.fails("start", "old")
    lj.ok("start", "new")
    assert lj.ok("exec", "new", "hostname") == "new\n"
    assert lj.ok("exec", "new", "cat", "/etc/hostname") == "new\n"
    assert lj.ok("exec", "new", "cat", "/root/f") == "kept\n"
    assert lj.ok("exec", "-U", "alice", "new", "id", "-un") == "alice\n"
    lj.ok("stop", "new")


def test_export_and_import_under_a_new_name(lj, tmp_path):
    lj.ok("create", "ex", "--user", "alice")
    lj.ok("start", "ex")
    lj.ok("exec", "ex", "sh", "-c", "echo packed > /root/f; chmod 4755 /root/f")
    out = tmp_path / "ex.tar.zst"
    assert "is running" in lj.fails("export", "ex", str(out))
    assert not out.exists()
    lj.ok("stop", "ex")
    lj.ok("export", "ex", str(out))
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert "File exists" in lj.fails("export", "ex", str(out))
    names = subprocess.run(["tar", "--zstd", "-tf", str(out)], capture_output=True,
                           text=True, check=True).stdout.split()
    assert names[:2] == ["ljail-export", "jail.conf"] and "root/root/f" in names
    # Owners in the file are the jail's own ids, whatever its range on this host.
    listing = subprocess.run(["tar", "--zstd", "-tvf", str(out), "root/root/f",
                              "root/home/alice"], capture_output=True, text=True).stdout
    assert re.search(r"^-rwsr-xr-x 0/0 .* root/root/f$", listing, re.M), listing
    assert re.search(r"^d\S+ 1000/1000 .* root/home/alice/?$", listing, re.M), listing

    assert "im: imported" in lj.ok("import", str(out), "im")
    assert "already exists" in lj.fails("import", str(out), "im")
    assert meta(lj, "im")["method"] == "copy"
    assert meta(lj, "im")["idmap"] != meta(lj, "ex")["idmap"]
    assert not re.search(r"^\s*overlay\.", conf(lj, "im"), re.M)
    lj.ok("start", "im")
    assert lj.ok("exec", "im", "cat", "/root/f") == "packed\n"
    assert lj.ok("exec", "im", "stat", "-c", "%a %U", "/root/f") == "4755 root\n"
    assert lj.ok("exec", "im", "hostname") == "im\n"
    assert lj.ok("exec", "-U", "alice", "im", "sh", "-c", "id -un; echo $HOME") == \
        "alice\n/home/alice\n"
    lj.ok("stop", "im")
    # Under the name it had, once that is free.
    lj.ok("destroy", "ex")
    assert "ex: imported" in lj.ok("import", str(out))


def test_import_refuses_what_export_did_not_make(lj, tmp_path):
    plain = tmp_path / "plain.tar"
    with tarfile.open(plain, "w") as t:
        info = tarfile.TarInfo("etc/os-release")
        data = b"ID=debian\n"
        info.size = len(data)
        import io
        t.addfile(info, io.BytesIO(data))
    assert "not a file ljail export made" in lj.fails("import", str(plain), "x")
    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as t:
        info = tarfile.TarInfo("../../escaped")
        info.size = 0
        t.addfile(info)
    err = lj.fails("import", str(evil), "y")
    assert "escaped" in err or ".." in err
    assert not (lj.R / "var" / "lib" / "escaped").exists()
    containers = lj.R / "var" / "lib" / "ljail" / "containers"
    assert not [n for n in os.listdir(containers) if n.startswith(".") and "part" in n]
