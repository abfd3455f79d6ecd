"""Templates, thin jails, users and destroy, as root, for real.

The Debian template comes from the real mirror (the one apt uses), made
once per run in an ljail root of this run's own (/var/tmp/ljail-store-RUN),
so that nothing carries over from an earlier run or another machine's state;
every jail and extra template a test makes is removed again, the fixture
checks that, and the root goes when the run ends.
"""
import io
import os
import re
import secrets
import shutil
import signal
import subprocess
import tarfile
import tempfile
import time

import pytest

from conftest import LJAIL, free_prefix

# Per run: two runs, or a run and a user's own ljail root, never share a store.
# ljail makes it on first use; nothing is made when no store test runs.
ROOT = "/var/tmp/ljail-store-" + secrets.token_hex(4)
TEMPLATES = os.path.join(ROOT, "var", "lib", "ljail", "templates")
CONTAINERS = os.path.join(ROOT, "var", "lib", "ljail", "containers")
CONF_D = os.path.join(ROOT, "etc", "ljail", "jail.conf.d")


def lj(*args, input=None, timeout=600):
    env = dict(os.environ, LJAIL_ROOT=ROOT)
    p = subprocess.run([LJAIL, *args], input=input, capture_output=True, text=True, env=env,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def ok(*args, **kw):
    rc, out, err = lj(*args, **kw)
    assert rc == 0, f"ljail {' '.join(args)}: exit {rc}\n{out}\n{err}"
    return out


def fails(*args, **kw):
    rc, out, err = lj(*args, **kw)
    assert rc != 0, f"ljail {' '.join(args)} should fail:\n{out}\n{err}"
    lines = [line for line in err.splitlines() if line.startswith("ljail: ")]
    assert len(lines) == 1, err
    return lines[0]


def du(path):
    out = subprocess.run(["du", "-s", "-B1", "-x", path], capture_output=True, text=True)
    return int(out.stdout.split()[0])


def mounts_below(path):
    with open("/proc/self/mountinfo") as f:
        points = [line.split()[4] for line in f]
    return [p for p in points if p == path or p.startswith(path + "/")]


@pytest.fixture(scope="session")
def debian():
    """The template from the mirror, made once in this run's root."""
    if os.geteuid() != 0:
        pytest.fail("these tests make real templates and jails and must run as root")
    try:
        ok("template", "create", "debian-12", timeout=1200)
        yield "debian-12"
    finally:
        lj("template", "destroy", "debian-12")
        # The root is this run's own: remove it whole, but never through a
        # mount that something left behind (that would reach other trees).
        assert not mounts_below(ROOT), f"mounts left below {ROOT}"
        if os.path.exists(ROOT):
            shutil.rmtree(ROOT)


@pytest.fixture
def clean(debian):
    """Leaves the store as it was: no jail, no extra template, nothing running."""
    before = set(os.listdir(TEMPLATES))
    yield
    rc, out, _ = lj("list", "-v")
    for line in out.splitlines():
        name = line.split()[1].split("=", 1)[1]
        lj("stop", name)
    for name in os.listdir(CONTAINERS) if os.path.isdir(CONTAINERS) else []:
        lj("destroy", "-f", name)
    for name in set(os.listdir(TEMPLATES)) - before:
        lj("template", "destroy", name)
    assert os.listdir(CONTAINERS) == [] if os.path.isdir(CONTAINERS) else True
    assert set(os.listdir(TEMPLATES)) == before
    assert not os.listdir(CONF_D) if os.path.isdir(CONF_D) else True


@pytest.fixture
def victim():
    d = tempfile.mkdtemp(prefix="ljail-victim-", dir="/var/tmp")
    with open(os.path.join(d, "keep"), "w") as f:
        f.write("host data\n")
    yield d
    shutil.rmtree(d)


def tarball(path, compression):
    """A tiny root file system tarball."""
    files = {"etc/os-release": b'PRETTY_NAME="tiny"\nVERSION_CODENAME=tiny\n',
             "etc/passwd": b"root:x:0:0:root:/root:/bin/sh\n",
             "etc/group": b"root:x:0:\n", "bin/hello": b"#!/bin/sh\necho hello\n"}
    if compression == "zst":
        staging = tempfile.mkdtemp()
        for name, data in files.items():
            os.makedirs(os.path.join(staging, os.path.dirname(name)), exist_ok=True)
            with open(os.path.join(staging, name), "wb") as f:
                f.write(data)
            os.chmod(os.path.join(staging, name), 0o755 if name.startswith("bin/") else 0o644)
        subprocess.run(["tar", "--zstd", "-cf", path, "-C", staging, "."], check=True)
        shutil.rmtree(staging)
        return
    with tarfile.open(path, "w:" + compression) as t:
        for name, data in files.items():
            info = tarfile.TarInfo("./" + name)
            info.size = len(data)
            info.mode = 0o755 if name.startswith("bin/") else 0o644
            t.addfile(info, io.BytesIO(data))


# --- templates --------------------------------------------------------------------

def test_mirror_template_is_listed(debian, clean):
    out = ok("template", "list")
    row = [line for line in out.splitlines() if line.startswith("debian-12 ")][0].split()
    assert row[1] == "bookworm" and row[4] == "0", out
    tree = os.path.join(TEMPLATES, "debian-12", row[2])
    assert open(os.path.join(tree, "etc", "debian_version")).read().startswith("12.")
    # The host's timezone and resolver came along.
    assert open(os.path.join(tree, "etc", "resolv.conf")).read() == open("/etc/resolv.conf").read()
    # The packages stay in the media folder for the next template.
    media = os.path.join(ROOT, "var", "lib", "ljail", "media")
    debs = [f for d in os.listdir(media) for f in os.listdir(os.path.join(media, d))]
    assert any(f.endswith(".deb") for f in debs)


@pytest.mark.parametrize("compression", ["gz", "xz", "zst"])
def test_template_from_a_tarball(clean, tmp_path, compression):
    tb = tmp_path / f"root.tar.{compression}"
    tarball(str(tb), compression)
    ok("template", "create", "tiny", "--from-tarball", str(tb))
    out = ok("template", "list")
    assert [line.split()[1] for line in out.splitlines() if line.startswith("tiny ")] == ["tiny"]
    tree = os.path.join(TEMPLATES, "tiny", "1")
    assert open(os.path.join(tree, "bin", "hello")).read() == "#!/bin/sh\necho hello\n"
    assert os.stat(os.path.join(tree, "bin", "hello")).st_mode & 0o777 == 0o755
    ok("template", "destroy", "tiny")


def test_tarball_entries_cannot_leave_the_template(clean, tmp_path, victim):
    tb = tmp_path / "evil.tar"
    with tarfile.open(tb, "w") as t:
        link = tarfile.TarInfo("./escape")
        link.type = tarfile.SYMTYPE
        link.linkname = victim
        t.addfile(link)
        data = b"overwritten\n"
        info = tarfile.TarInfo("./escape/keep")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    err = fails("template", "create", "evil", "--from-tarball", str(tb))
    assert "evil" in err
    assert open(os.path.join(victim, "keep")).read() == "host data\n"
    assert "evil" not in os.listdir(TEMPLATES)
    assert not [n for n in os.listdir(TEMPLATES) if n.startswith(".")]


def test_template_bad_input(debian, clean):
    assert fails("template", "create", "debian-12") == \
        "ljail: template 'debian-12' already exists"
    for bad in ("a/b", "..", "x y", "a..b"):
        assert "is not usable" in fails("template", "create", bad, "--from-dir", "/nonexistent")
    err = fails("template", "create", "nosuite", "--suite", "no-such-suite-ljail")
    # The cause, as apt says it, not only mmdebstrap's closing line.
    assert "template 'nosuite'" in err and "failed" in err
    assert "does not have a Release file" in err, err
    err = fails("template", "create", "nomirror", "--mirror", "http://127.0.0.1:9/debian")
    assert "template 'nomirror'" in err
    assert not [n for n in os.listdir(TEMPLATES) if n.startswith(".") or n.startswith("no")]
    assert "does not exist" in fails("template", "destroy", "never-made")


def test_other_distributions_bring_their_mirror_keys_and_components(debian, clean, tmp_path):
    """An Ubuntu suite needs Ubuntu's mirror, keyring and components. There is
    no Ubuntu mirror here: the error path is what can be tried, against the
    Debian mirror apt uses."""
    err = fails("template", "create", "u", "--suite", "noble", "--keyring", "/nonexistent")
    assert err == "ljail: template 'u': --keyring '/nonexistent': No such file or directory"
    err = fails("template", "create", "u", "--suite", "noble", "--components", "main universe")
    assert "--components 'main universe'" in err, err
    keyring = tmp_path / "empty.gpg"
    keyring.write_bytes(b"")
    err = fails("template", "create", "u", "--suite", "noble", "--components", "main,universe",
                "--keyring", str(keyring))
    # mmdebstrap's own reason, not only that it failed.
    assert "of 'noble'" in err and "failed" in err and ("Release" in err or "E:" in err), err
    assert not [n for n in os.listdir(TEMPLATES) if n.startswith(".") or n == "u"]


def test_templates_have_the_tools_the_account_missed(debian, clean):
    """ping, ip, ps and dig are in a template unless it is made --bare."""
    tree = os.path.join(TEMPLATES, "debian-12", "1")
    for tool in ("ping", "ip", "ps", "dig"):
        assert os.path.exists(os.path.join(tree, "usr", "bin", tool)), tool
    ok("template", "create", "bare", "--bare", timeout=1200)
    bare = os.path.join(TEMPLATES, "bare", "1")
    assert os.path.exists(os.path.join(bare, "usr", "bin", "apt-get"))
    assert not os.path.exists(os.path.join(bare, "usr", "bin", "ping"))
    ok("template", "destroy", "bare")


def test_template_update_reaches_new_jails(debian, clean):
    # A copy of the cached template, so that the cache itself never changes.
    src = os.path.join(TEMPLATES, "debian-12", ok("template", "list", "--json").split(
        '"name":"debian-12","suite":"bookworm","version":')[1].split(",")[0])
    ok("template", "create", "upd", "--from-dir", src)
    # Fresh from the mirror: nothing to upgrade, so no new version.
    # (apt's own lines come first)
    assert ok("template", "update", "upd", timeout=1200).endswith(
        "\nupd: template already up to date\n")
    assert [line.split()[2] for line in ok("template", "list").splitlines()
            if line.startswith("upd ")] == ["1"]
    # An older hostname package, as dpkg sees it: the update brings the current one.
    status = os.path.join(TEMPLATES, "upd", "1", "var", "lib", "dpkg", "status")
    text = open(status).read()
    entry = re.search(r"^Package: hostname\n(?:.+\n)*?Version: .+$", text, re.M)
    assert entry, "no hostname package in the template"
    old = re.sub(r"^Version: .+$", "Version: 0.1", entry.group(0), flags=re.M)
    with open(status, "w") as f:
        f.write(text.replace(entry.group(0), old))
    ok("create", "old", "--template", "upd")
    assert ok("template", "update", "upd", timeout=1200).endswith("\nupd: template updated\n")
    out = ok("template", "list")
    assert [line.split()[2] for line in out.splitlines() if line.startswith("upd ")] == ["2"]
    ok("create", "new", "--template", "upd")
    new_conf = open(os.path.join(CONF_D, "new.conf")).read()
    old_conf = open(os.path.join(CONF_D, "old.conf")).read()
    assert "/templates/upd/2" in new_conf and "/templates/upd/1" in old_conf
    # The old jail still stands on version 1, which stays while it is used.
    assert ok("run", "old", "--", "cat", "/etc/debian_version").startswith("12.")
    assert ok("run", "new", "--", "cat", "/etc/debian_version").startswith("12.")
    err = fails("template", "destroy", "upd")
    assert err == "ljail: template 'upd': 2 jails are cloned from it; destroy them first"
    ok("destroy", "old")
    ok("destroy", "new")
    ok("template", "destroy", "upd")


# --- thin jails ---------------------------------------------------------------------

def test_thin_jails_are_small_and_independent(debian, clean, tmp_path):
    tb = tmp_path / "root.tar.gz"
    tarball(str(tb), "gz")
    ok("template", "create", "tiny", "--from-tarball", str(tb))
    ok("create", "a")
    ok("create", "b")
    ok("create", "c", "--template", "tiny")
    # Whatever the template's size (debian-12 or tiny), a clone stores next to nothing.
    for name in ("a", "b", "c"):
        assert du(os.path.join(CONTAINERS, name)) < 1024 * 1024, name
    assert du(os.path.join(TEMPLATES, "debian-12")) > 100 * 1024 * 1024
    conf = open(os.path.join(CONF_D, "a.conf")).read()
    for needed in ('path = "', "persist;", "mount.devfs;", "mount.procfs;", "$path/sys linsysfs",
                   "$path/tmp tmpfs", 'host.hostname = "a";'):
        assert needed in conf, needed
    ok("start", "a", "b")
    # The jail's mountinfo names neither its template nor its upper folder.
    mountinfo = ok("exec", "a", "cat", "/proc/self/mountinfo")
    assert ROOT not in mountinfo and "upperdir=/proc/self/fd/" in mountinfo, mountinfo
    # One /dev/shm, devfs's own tmpfs, seen and usable.
    shm = ok("exec", "a", "findmnt", "-n", "-o", "FSTYPE", "/dev/shm").split()
    assert shm == ["tmpfs"], shm
    ok("exec", "a", "sh", "-c", "echo x > /dev/shm/probe && rm /dev/shm/probe")
    ok("exec", "a", "sh", "-c", "echo mine > /etc/only-in-a; rm /etc/issue")
    assert ok("exec", "a", "cat", "/etc/only-in-a") == "mine\n"
    assert lj("exec", "b", "cat", "/etc/only-in-a")[0] != 0
    assert ok("exec", "b", "cat", "/etc/issue").startswith("Debian")
    tree = os.path.join(TEMPLATES, "debian-12")
    version = sorted(os.listdir(tree), key=lambda v: (not v.isdigit(), v))[0]
    assert not os.path.exists(os.path.join(tree, version, "etc", "only-in-a"))
    assert os.path.exists(os.path.join(tree, version, "etc", "issue"))
    assert ok("exec", "a", "hostname") == "a\n"
    # The change survives a restart: it lives in the jail's own folder.
    ok("restart", "a")
    assert ok("exec", "a", "cat", "/etc/only-in-a") == "mine\n"
    ok("stop", "a", "b")


def test_templates_are_read_only(debian, clean):
    """Only template update writes a template: run and start refuse a path
    in the templates folder, also through a symlink."""
    out = ok("template", "list", "--json")
    version = out.split('"name":"debian-12","suite":"bookworm","version":')[1].split(",")[0]
    tree = os.path.join(TEMPLATES, "debian-12", version)
    rc, _, err = lj("run", tree, "--", "touch", "/written-by-run")
    assert rc == 2 and "is in the templates folder; templates are read-only" in err, err
    assert not os.path.exists(os.path.join(tree, "written-by-run"))
    link = os.path.join(ROOT, "tree-link")
    os.symlink(tree, link)
    try:
        rc, _, err = lj("run", link, "--", "true")
        assert rc == 2 and "templates are read-only" in err, err
    finally:
        os.unlink(link)


def test_cp_into_a_stopped_thin_jail(debian, clean, tmp_path):
    """A stopped thin jail's path is an empty mount point on the host: cp
    goes through the jail's overlay, so the file is there when it starts."""
    ok("create", "cpj")
    src = tmp_path / "note"
    src.write_text("copied in while stopped\n")
    ok("cp", str(src), "cpj:/root/note")
    assert not os.listdir(os.path.join(CONTAINERS, "cpj", "root"))
    assert ok("run", "cpj", "--", "cat", "/root/note") == "copied in while stopped\n"
    ok("cp", "cpj:/etc/hostname", str(tmp_path / "hostname"))
    assert (tmp_path / "hostname").read_text() == "cpj\n"
    # Owners cross as ids: the host's root's file is the jail root's inside
    # (stored as the jail's base id in its own layer), and back again; a
    # jail user's file comes out as that uid.
    base = int(re.search(r'userns.idmap = "(\d+):',
                         open(os.path.join(CONF_D, "cpj.conf")).read()).group(1))
    upper = os.path.join(CONTAINERS, "cpj", "upper")
    assert os.stat(os.path.join(upper, "root", "note")).st_uid == base
    assert os.stat(os.path.join(upper, "etc", "hostname")).st_uid == base
    assert os.stat(tmp_path / "hostname").st_uid == 0
    ok("start", "cpj")
    assert ok("exec", "cpj", "stat", "-c", "%u:%g", "/root/note") == "0:0\n"
    os.chown(src, 1000, 1000)
    ok("cp", str(src), "cpj:/tmp/running")
    assert ok("exec", "cpj", "stat", "-c", "%u:%g", "/tmp/running") == "1000:1000\n"
    ok("exec", "cpj", "sh", "-c", "echo x > /tmp/made && chown 1234:1234 /tmp/made")
    ok("cp", "cpj:/tmp/made", str(tmp_path / "made"))
    assert (os.stat(tmp_path / "made").st_uid, os.stat(tmp_path / "made").st_gid) == (1234, 1234)
    ok("stop", "cpj")


def test_thick_copy(debian, clean):
    ok("create", "thick", "--thick")
    root = os.path.join(CONTAINERS, "thick", "root")
    assert open(os.path.join(root, "etc", "debian_version")).read().startswith("12.")
    assert "overlay." not in open(os.path.join(CONF_D, "thick.conf")).read()
    # A copy is not a clone: the template can go.
    assert ok("run", "thick", "--", "cat", "/etc/debian_version").startswith("12.")


def test_create_bad_input(debian, clean):
    ok("create", "dup")
    assert fails("create", "dup") == "ljail: jail 'dup' already exists"
    for bad in ("a/b", "..", "../x", "x y"):
        assert "is not usable" in fails("create", bad)
    assert "does not exist" in fails("create", "x", "--template", "never-made")
    assert "--ip4 'bogus': inherit, disable, or an IPv4 address" in \
        fails("create", "x", "--ip4", "bogus")
    assert not os.path.exists(os.path.join(CONTAINERS, "x"))


def test_a_jail_whose_template_is_gone(debian, clean, tmp_path):
    tb = tmp_path / "root.tar.gz"
    tarball(str(tb), "gz")
    ok("template", "create", "tiny", "--from-tarball", str(tb))
    ok("create", "orphan", "--template", "tiny")
    # Removed behind ljail's back (template destroy refuses while a jail uses it).
    shutil.rmtree(os.path.join(TEMPLATES, "tiny"))
    err = fails("start", "orphan")
    assert "jail 'orphan'" in err and "/templates/tiny/1" in err
    ok("destroy", "orphan")


def test_full_disk_during_create_leaves_nothing(debian, clean):
    os.makedirs(CONTAINERS, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "ljail-full", CONTAINERS],
                   check=True)
    try:
        rc, _, err = lj("create", "big", "--thick")
        # One line, not one per file cp could not write.
        assert rc == 1 and len(err.splitlines()) == 1, err[:2000]
        assert err.startswith("ljail: jail 'big': ") and "No space left on device" in err
        assert re.search(r"\(and \d+ more\)$", err.strip()), err
        assert os.listdir(CONTAINERS) == []
        assert not os.path.exists(os.path.join(CONF_D, "big.conf"))
    finally:
        subprocess.run(["umount", CONTAINERS], check=True)


# --- users ------------------------------------------------------------------------

def home_listing(jail, user):
    return ok("run", "-U", user, jail, "--", "sh", "-c",
              'cd; stat -c "%U %a" .; ls -A; id -un').splitlines()


def test_useradd_gets_the_home_right(debian, clean, victim):
    ok("create", "u", "--user", "fresh")
    assert home_listing("u", "fresh")[0].startswith("fresh ")
    assert {".bashrc", ".profile", ".bash_logout"} <= set(home_listing("u", "fresh")[1:])
    # The account's failure: /home/USER existed (owned by root) before the user.
    ok("run", "u", "--", "sh", "-c", "mkdir -p /home/late && touch /home/late/.keepme")
    ok("useradd", "u", "late", "--uid", "2345", "--groups", "users", "--shell", "/bin/sh")
    lines = home_listing("u", "late")
    assert lines[0].startswith("late ")
    assert {".bashrc", ".profile", ".keepme"} <= set(lines[1:])
    ident = ok("run", "-U", "late", "u", "--", "id")
    assert ident.startswith("uid=2345(late)") and "(users)" in ident
    assert ok("run", "u", "--", "getent", "passwd", "late").strip().endswith(":/bin/sh")
    # /home shared with the host: the home is made there, right, and nothing else moves.
    with open(os.path.join(CONF_D, "u.conf")) as f:
        conf = f.read()
    with open(os.path.join(CONF_D, "u.conf"), "w") as f:
        # idmap: the jail's ids are the host's there, so uid 2346 is the host's 2346.
        f.write(conf.replace("persist;",
                             f'persist;\n\tmount += "{victim} $path/home nullfs rw,idmap 0 0";'))
    ok("useradd", "u", "shared", "--uid", "2346")
    home = os.path.join(victim, "shared")
    st = os.stat(home)
    assert (st.st_uid, st.st_gid) == (2346, 2346)
    assert os.path.exists(os.path.join(home, ".bashrc"))
    assert os.stat(os.path.join(home, ".bashrc")).st_uid == 2346
    assert open(os.path.join(victim, "keep")).read() == "host data\n"
    assert os.stat(os.path.join(victim, "keep")).st_uid == 0
    shutil.rmtree(home)
    assert "not usable" in fails("useradd", "u", "--", "-rf")
    assert "not usable" in fails("useradd", "u", "../../x")


def test_sudo(debian, clean):
    ok("create", "s", "--user", "admin", "--sudo", "--start")
    assert ok("exec", "-U", "admin", "s", "sudo", "-n", "id", "-u") == "0\n"
    assert "(sudo)" in ok("exec", "-U", "admin", "s", "id")
    # apt's lists and packages do not stay in the jail's own layer.
    assert ok("exec", "s", "find", "/var/lib/apt/lists", "/var/cache/apt/archives", "-type",
              "f", "(", "-name", "*Packages*", "-o", "-name", "*.deb", ")") == ""
    if os.path.isdir(os.path.join(CONTAINERS, "s", "upper")):
        assert du(os.path.join(CONTAINERS, "s", "upper")) < 30 * 1024 * 1024
    ok("stop", "s")


# --- destroy ------------------------------------------------------------------------

def test_destroy_never_reaches_the_host(debian, clean, victim):
    ok("create", "d", "--start")
    # Hostile links planted inside the jail, pointing at a host folder.
    ok("exec", "d", "sh", "-c",
       f"ln -s {victim} /root/abs; ln -s ../../../../../../../../{victim.lstrip('/')} /root/rel;"
       f"ln -s {victim}/keep /etc/evil")
    assert fails("destroy", "d") == \
        "ljail: jail 'd' is running: stop it first, or use destroy -f"
    ok("destroy", "-f", "d")
    assert open(os.path.join(victim, "keep")).read() == "host data\n"
    assert not os.path.exists(os.path.join(CONTAINERS, "d"))
    assert not os.path.exists(os.path.join(CONF_D, "d.conf"))
    # A host folder bind-mounted into the jail's folder is never emptied.
    ok("create", "m", "--thick")
    target = os.path.join(CONTAINERS, "m", "root", "mnt")
    subprocess.run(["mount", "--bind", victim, target], check=True)
    try:
        err = fails("destroy", "m")
        assert "is mounted" in err
        assert os.listdir(victim) == ["keep"]
    finally:
        subprocess.run(["umount", target], check=True)
    ok("destroy", "m")
    assert open(os.path.join(victim, "keep")).read() == "host data\n"
    assert fails("destroy", "never-made") == \
        "ljail: jail 'never-made' was not made by ljail create: nothing to destroy"


def test_destroy_leaves_a_jail_it_cannot_tell_runs(debian, clean):
    """A running jail whose run state and record are both damaged may be
    running: destroy -f leaves its folder alone and says why."""
    ok("create", "r", "--start")
    run_dir = os.path.join(ROOT, "run", "ljail")
    state, record = os.path.join(run_dir, "r.state"), os.path.join(run_dir, "r.record")
    saved = {f: open(f).read() for f in (state, record)}
    try:
        for f in saved:
            with open(f, "w") as out:
                out.write("\x00garbage\n")
        err = fails("destroy", "-f", "r")
        assert "run state" in err and "is damaged" in err and "left alone" in err, err
        assert os.path.isdir(os.path.join(CONTAINERS, "r", "root"))
    finally:
        for f, text in saved.items():
            with open(f, "w") as out:
                out.write(text)
    ok("destroy", "-f", "r")


def test_a_template_is_in_use_unless_proven_otherwise(debian, clean, tmp_path):
    """A thin jail whose meta file is damaged may stand on the template:
    template destroy refuses rather than pull the ground from under it."""
    tb = tmp_path / "root.tar.gz"
    tarball(str(tb), "gz")
    ok("template", "create", "tiny", "--from-tarball", str(tb))
    ok("create", "u", "--template", "tiny")
    meta = os.path.join(CONTAINERS, "u", "meta")
    os.unlink(meta)
    with open(meta, "wb") as f:
        f.write(os.urandom(2048))
    err = fails("template", "destroy", "tiny")
    assert err == ("ljail: template 'tiny': jail 'u' has no readable meta file, so it may "
                   "stand on the template; destroy or mend it first"), err
    assert "tiny" in ok("template", "list")
    # A meta file far larger than ljail writes is damage too, and quick to say so.
    with open(meta, "w") as f:
        f.write("template=other\n" * 70000)
    assert "no readable meta file" in fails("template", "destroy", "tiny")
    ok("destroy", "u")
    ok("template", "destroy", "tiny")


def test_shared_folder_in_several_jails(debian, clean, victim):
    ok("create", "s1")
    ok("create", "s2")
    # s1 writes with the host's ids (idmap); s2 reads with its own, as any
    # other host user would: the folder must be open to others for that.
    os.chmod(victim, 0o755)
    for name, mode in (("s1", "rw,idmap"), ("s2", "ro")):
        path = os.path.join(CONF_D, f"{name}.conf")
        conf = open(path).read().replace(
            "persist;", f'persist;\n\tmount += "{victim} $path/mnt nullfs {mode} 0 0";')
        open(path, "w").write(conf)
    ok("start", "s1", "s2")
    ok("exec", "s1", "sh", "-c", "echo from-s1 > /mnt/note")
    assert ok("exec", "s2", "cat", "/mnt/note") == "from-s1\n"
    assert lj("exec", "s2", "touch", "/mnt/nope")[0] != 0
    ok("stop", "s1", "s2")
    assert sorted(os.listdir(victim)) == ["keep", "note"]
    os.unlink(os.path.join(victim, "note"))


def idmap_of(name):
    conf = open(os.path.join(CONF_D, f"{name}.conf")).read()
    return re.search(r'userns.idmap = "(\d+):(\d+)";', conf).groups()


def test_each_jail_gets_a_range_of_its_own(debian, clean):
    """create hands each jail 65536 host ids no other jail holds, records
    them in its folder, and takes them back on destroy."""
    ok("create", "ra")
    ok("create", "rb")
    a, b = idmap_of("ra"), idmap_of("rb")
    assert a[1] == b[1] == "65536" and a[0] != b[0]
    assert abs(int(a[0]) - int(b[0])) >= 65536
    assert f"idmap={a[0]}:65536" in open(os.path.join(CONTAINERS, "ra", "meta")).read()
    # No lock or record is left beside the jails.
    assert sorted(os.listdir(CONTAINERS)) == ["ra", "rb"]
    ok("destroy", "ra")
    ok("create", "rc")
    assert idmap_of("rc") == a
    ok("destroy", "rb")
    ok("destroy", "rc")


def test_jail_root_is_not_host_root_in_a_shared_folder(debian, clean, victim):
    """A set-uid file that jail root makes in a shared folder gives a host user
    nothing: the jail's ids are a range of unprivileged host ids. A privileged
    jail (--privileged, the old default) shows the hole this closes."""
    ok("create", "own")
    ok("create", "priv", "--privileged")
    conf = open(os.path.join(CONF_D, "own.conf")).read()
    base = int(re.search(r'userns.idmap = "(\d+):65536";', conf).group(1))
    assert base >= 524288
    assert "userns = inherit;" in open(os.path.join(CONF_D, "priv.conf")).read()
    # A folder the jail's root owns on the host, shared with both jails.
    shared = tempfile.mkdtemp(dir="/var/tmp", prefix="ljail-shared-")
    try:
        os.chmod(shared, 0o755)
        os.chown(shared, base, base)
        for name in ("own", "priv"):
            path = os.path.join(CONF_D, f"{name}.conf")
            text = open(path).read().replace(
                "persist;", f'persist;\n\tmount += "{shared} $path/mnt nullfs rw 0 0";\n'
                f'\tmount += "{victim} $path/srv nullfs rw 0 0";')
            open(path, "w").write(text)
        ok("start", "own", "priv")
        for name in ("own", "priv"):
            ok("exec", name, "sh", "-c", f"cp /usr/bin/id /mnt/id-{name} && chmod 4755 /mnt/id-{name}")
        own, priv = (os.stat(os.path.join(shared, f"id-{n}")) for n in ("own", "priv"))
        assert own.st_mode & 0o4000 and priv.st_mode & 0o4000
        assert (own.st_uid, own.st_gid) == (base, base)
        assert priv.st_uid == 0
        # An ordinary host user runs each: the jail's is no one's root.
        def as_nobody(path):
            return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                   path], capture_output=True, text=True).stdout
        assert "euid=0(" not in as_nobody(os.path.join(shared, "id-own"))
        assert f"euid={base}" in as_nobody(os.path.join(shared, "id-own"))
        assert "euid=0(" in as_nobody(os.path.join(shared, "id-priv"))
        # A host folder the host's root owns is not the jail root's to write.
        rc, _, err = lj("exec", "own", "touch", "/srv/planted")
        assert rc != 0 and "Permission denied" in err
        ok("exec", "priv", "touch", "/srv/planted")
        os.unlink(os.path.join(victim, "planted"))
        # Seen from inside, the jail's root owns its files and is uid 0.
        assert ok("exec", "own", "stat", "-c", "%u %U", "/mnt/id-own") == "0 root\n"
        assert ok("exec", "own", "cat", "/proc/self/uid_map").split() == ["0", str(base), "65536"]
        ok("stop", "own", "priv")
    finally:
        shutil.rmtree(shared)


def pids_max(name):
    """pids.max of the running jail's cgroup, v1 or v2."""
    state = open(os.path.join(ROOT, "run", "ljail", f"{name}.state")).read()
    rel = re.search(r"^plat.cgroup=(\S+)$", state, re.M).group(1)
    for d in (f"/sys/fs/cgroup/pids/{rel}", f"/sys/fs/cgroup/{rel}"):
        if os.path.exists(os.path.join(d, "pids.max")):
            return open(os.path.join(d, "pids.max")).read().strip()
    pytest.fail(f"no pids.max for {rel}")


def test_rctl_changes_a_running_jail_and_keeps_it(debian, clean):
    """rctl -a: in force at once, in place of the rule for the same resource,
    and kept in the jail's own file, so the next start has it."""
    assert "--rctl 'pcpu:log=5': only deny" in fails("create", "lim", "--rctl", "pcpu:log=5")
    assert not os.path.exists(os.path.join(CONF_D, "lim.conf"))
    ok("create", "lim", "--rctl", "memoryuse:deny=1g", "--rctl", "pcpu:deny=80", "--start")
    conf = open(os.path.join(CONF_D, "lim.conf")).read()
    assert 'rctl = "memoryuse:deny=1g";' in conf and 'rctl += "pcpu:deny=80";' in conf, conf
    assert pids_max("lim") == "max"
    ok("rctl", "-a", "lim", "maxproc:deny=30")
    assert pids_max("lim") == "30"
    ok("rctl", "-a", "lim", "maxproc:deny=25")
    ok("rctl", "-a", "lim", "memoryuse:deny=256m")
    assert pids_max("lim") == "25"
    assert ok("rctl", "lim").splitlines() == ["jail:lim:pcpu:deny=80", "jail:lim:maxproc:deny=25",
                                              "jail:lim:memoryuse:deny=256m"]
    conf = open(os.path.join(CONF_D, "lim.conf")).read()
    assert 'rctl = "pcpu:deny=80", "maxproc:deny=25", "memoryuse:deny=256m";' in conf, conf
    assert "rctl +=" not in conf, conf
    ok("restart", "lim")
    assert pids_max("lim") == "25"
    # A rule Linux cannot enforce changes nothing, and says why.
    assert "only deny" in fails("rctl", "-a", "lim", "maxproc:log=10")
    assert pids_max("lim") == "25"
    ok("stop", "lim")
    assert "not running" in fails("rctl", "-a", "lim", "maxproc:deny=5")


def test_create_vnet_writes_the_network(debian, clean):
    # This run's own bridge and subnet: never a user's, never another run's.
    bridge, net = "ljs" + secrets.token_hex(3), free_prefix()
    try:
        ok("create", "v", "--vnet", "--ip4", f"{net}.3.2/24", "--bridge", bridge, "--router",
           f"{net}.3.1", "--start")
        # The address is v's on that bridge: a second jail cannot have it.
        err = fails("create", "v2", "--vnet", "--ip4", f"{net}.3.2/24", "--bridge", bridge)
        line = 1 + [n for n, text in enumerate(open(os.path.join(CONF_D, "v.conf")))
                    if "ip4.addr" in text][0]
        assert err == (f"ljail: --ip4 {net}.3.2: jail 'v' has that address on bridge "
                       f"'{bridge}' ({CONF_D}/v.conf:{line})"), err
        assert not os.path.exists(os.path.join(CONF_D, "v2.conf"))
        conf = open(os.path.join(CONF_D, "v.conf")).read()
        for line in ("vnet;", f'vnet.bridge = "{bridge}";', f'ip4.addr = "{net}.3.2/24";',
                     f'vnet.bridge.addr = "{net}.3.1/24";',
                     f'ip4.defaultrouter = "{net}.3.1";'):
            assert line in conf, line
        assert f"{net}.3.2" in ok("exec", "v", "cat", "/proc/net/fib_trie")
        # Maintenance of the stopped jail (useradd) runs the jail's own programs
        # as root: in the jail's own network, never the host's.
        ok("exec", "v", "sh", "-c",
           "printf '#!/bin/sh\\ncat /proc/net/dev > /root/links\\nexec /usr/sbin/useradd \"$@\"\\n'"
           " > /usr/local/sbin/useradd && chmod 755 /usr/local/sbin/useradd")
        ok("stop", "v")
        # useradd's commands come from the caller's PATH: make sure it has the wrapper.
        p = subprocess.run([LJAIL, "useradd", "v", "maint"], capture_output=True, text=True,
                           env=dict(os.environ, LJAIL_ROOT=ROOT,
                                    PATH="/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"))
        assert p.returncode == 0, p.stderr
        links = ok("run", "v", "--", "cat", "/root/links")
        names = sorted(re.findall(r"^\s*([^\s:|]+):", links, re.M))
        assert names == ["eth0", "lo"], links
        assert "--vnet needs --ip4 ADDR/PREFIX" in fails("create", "w", "--vnet")
        assert "go with --vnet" in fails("create", "w", "--bridge", "x")
    finally:
        subprocess.run(["ip", "link", "del", bridge], capture_output=True)


def test_btrfs_templates_clone_as_snapshots(debian, clean, tmp_path):
    """On btrfs a template version is a subvolume and a jail a snapshot of it."""
    image = tmp_path / "btrfs.img"
    with open(image, "wb") as f:
        f.truncate(1 << 30)
    subprocess.run(["mkfs.btrfs", "-q", str(image)], check=True)
    root = tmp_path / "R"
    data = root / "var" / "lib" / "ljail"
    data.mkdir(parents=True)
    subprocess.run(["mount", "-o", "loop", str(image), str(data)], check=True)
    env = dict(os.environ, LJAIL_ROOT=str(root))

    def run(*args):
        p = subprocess.run([LJAIL, *args], capture_output=True, text=True, env=env, timeout=600)
        assert p.returncode == 0, (args, p.stdout, p.stderr)
        return p.stdout

    try:
        src = os.path.join(TEMPLATES, "debian-12", "1")
        if not os.path.isdir(src):
            src = os.path.join(TEMPLATES, "debian-12", sorted(
                v for v in os.listdir(os.path.join(TEMPLATES, "debian-12")) if v.isdigit())[-1])
        run("template", "create", "b", "--from-dir", src)
        assert os.stat(data / "templates" / "b" / "1").st_ino == 256  # a subvolume
        run("create", "snap", "--template", "b")
        meta = open(data / "containers" / "snap" / "meta").read()
        assert "method=btrfs" in meta
        assert "overlay." not in open(root / "etc" / "ljail" / "jail.conf.d" / "snap.conf").read()
        assert os.stat(data / "containers" / "snap" / "root").st_ino == 256
        run("start", "snap")
        run("exec", "snap", "sh", "-c", "echo mine > /etc/only-in-snap")
        # A snapshot keeps the host's ids on disk, seen through the jail's.
        assert run("exec", "snap", "stat", "-c", "%u", "/etc/only-in-snap") == "0\n"
        assert os.stat(data / "containers" / "snap" / "root" / "etc" / "only-in-snap").st_uid == 0
        run("stop", "snap")
        assert not (data / "templates" / "b" / "1" / "etc" / "only-in-snap").exists()
        # ljail snapshot, rollback and clone use btrfs snapshots here too.
        run("snapshot", "snap", "one")
        assert os.stat(data / "containers" / "snap" / "snapshots" / "one" / "root").st_ino == 256
        run("start", "snap")
        run("exec", "snap", "sh", "-c", "echo changed > /etc/only-in-snap")
        run("stop", "snap")
        run("rollback", "snap", "one")
        run("clone", "snap", "twin")
        assert os.stat(data / "containers" / "twin" / "root").st_ino == 256
        run("start", "snap", "twin")
        assert run("exec", "snap", "cat", "/etc/only-in-snap") == "mine\n"
        assert run("exec", "twin", "cat", "/etc/only-in-snap") == "mine\n"
        run("stop", "snap", "twin")
        run("destroy", "twin")
        run("destroy", "snap")
        run("template", "destroy", "b")
        assert os.listdir(data / "containers") == []
    finally:
        subprocess.run([LJAIL, "stop", "-a", "-q"], env=env, capture_output=True)
        subprocess.run(["umount", str(data)], check=True)


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def interrupt_while_copying(args, part):
    """Starts ljail ARGS, waits until its cp has begun filling PART, sends
    SIGTERM to ljail alone, and returns (exit status, the cp's pid)."""
    p = subprocess.Popen([LJAIL, *args], env=dict(os.environ, LJAIL_ROOT=ROOT),
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    cp = None
    try:
        for _ in range(600):
            kids = children(p.pid)
            if kids and os.path.isdir(part) and any(os.scandir(part)):
                cp = kids[0]
                break
            time.sleep(0.05)
        else:
            pytest.fail(f"ljail {' '.join(args)} never began copying")
        p.send_signal(signal.SIGTERM)
        rc = p.wait(timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return rc, cp


def test_interrupted_creates_leave_nothing(debian, clean):
    """SIGTERM to ljail alone while it copies: its cp ends with it, and
    neither the jail nor the template is left half made."""
    rc, cp = interrupt_while_copying(["create", "half", "--thick"],
                                     os.path.join(CONTAINERS, ".half.part"))
    assert rc == -signal.SIGTERM
    assert not os.path.exists(f"/proc/{cp}") or \
        open(f"/proc/{cp}/stat").read().rsplit(") ", 1)[1].startswith("Z")
    assert [n for n in os.listdir(CONTAINERS) if "half" in n] == []
    assert not os.path.exists(os.path.join(CONF_D, "half.conf"))
    ok("create", "half")
    ok("destroy", "half")
    src = os.path.join(TEMPLATES, "debian-12", sorted(
        v for v in os.listdir(os.path.join(TEMPLATES, "debian-12")) if v.isdigit())[-1])
    rc, cp = interrupt_while_copying(["template", "create", "halft", "--from-dir", src],
                                     os.path.join(TEMPLATES, ".halft.part"))
    assert rc == -signal.SIGTERM
    assert [n for n in os.listdir(TEMPLATES) if "halft" in n] == []


def test_parallel_create_and_destroy(debian, clean):
    """Ten creates while five other jails are destroyed: a jail.conf.d file
    that goes while another command reads the folder is no error, and every
    command succeeds."""
    old = [f"pd{i}" for i in range(5)]
    # Ten at once: a claim once gave two of five the same range (see ids.c).
    new = [f"pc{i}" for i in range(10)]
    for name in old:
        ok("create", name)
    env = dict(os.environ, LJAIL_ROOT=ROOT)
    procs = [subprocess.Popen([LJAIL, "destroy", n], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for n in old]
    procs += [subprocess.Popen([LJAIL, "create", n], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for n in new]
    results = [(p.args[1:], p.wait(timeout=600), p.stderr.read()) for p in procs]
    assert [r for r in results if r[1] != 0] == []
    assert sorted(os.listdir(CONTAINERS)) == new
    assert sorted(os.listdir(CONF_D)) == [f"{n}.conf" for n in new]
    # Made at once, each still got a range no other holds.
    assert len({idmap_of(n) for n in new}) == len(new)
