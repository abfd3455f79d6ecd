"""Real jails, as root, on a Debian tree: start, stop, list, exec, run.

Each test gets its own copy-on-write view of the cached Debian tree (an
overlay mount the fixture makes and removes) and its own ljail root (-R), so
tests never touch the cached tree or each other. After every test the fixture
checks that nothing is left: no process in a namespace of its own, no mount,
no run state.
"""
import json
import os
import pty
import re
import select
import shutil
import signal
import secrets
import subprocess
import time

import pytest

from conftest import LJAIL, PROBE, SOURCE


def all_pids():
    return [int(d) for d in os.listdir("/proc") if d.isdigit()]


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return None


def pid_ns(pid):
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def jail_processes(root):
    """Live processes of jails made on root, this test's own overlay.

    A process counts when it is in a PID namespace other than ours and its
    root folder is on root's file system (the overlay this test mounted, so
    the device number is the test's alone), so that other runs' and the
    user's jails are never touched. Zombies are left out: a jail's init that has ended waits as a
    zombie until the host's init (its parent once ljail has exited) reaps it;
    it holds no mount, process or network namespace any more.
    """
    own, dev = pid_ns("self"), os.stat(root).st_dev
    found = []
    for pid in all_pids():
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(") ", 1)[1].startswith("Z"):
                    continue
            on_root = os.stat(f"/proc/{pid}/root").st_dev == dev
        except (OSError, IndexError):
            continue
        if on_root and pid_ns(pid) not in (own, None):
            found.append(pid)
    return found


def mount_points():
    with open("/proc/self/mountinfo") as f:
        return {line.split()[4] for line in f}




class Ljail:
    """A private ljail instance (-R) with its configuration file."""

    def __init__(self, base, root):
        self.base = base
        self.R = base / "R"
        self.conf = self.R / "etc" / "ljail" / "jail.conf"
        self.conf.parent.mkdir(parents=True)
        (self.conf.parent / "jail.conf.d").mkdir()
        self.root = root
        self.files = root  # where files meant for the jail's tree go
        self.ids = 0  # the host id the jail's root stands for
        self.cgroups = set()

    def config(self, text):
        self.conf.write_text(text.replace("@ROOT@", str(self.root)))

    def run(self, *args, input=None, timeout=120):
        env = dict(os.environ, LJAIL_ROOT=str(self.R))
        p = subprocess.run([LJAIL, *args], input=input, capture_output=True, text=True,
                           env=env, timeout=timeout)
        self.note_cgroups()
        return p.returncode, p.stdout, p.stderr

    def note_cgroups(self):
        """The cgroups this instance's jails have had, for the check that none stays."""
        d = self.run_dir()
        for f in d.glob("*.state") if d.exists() else []:
            try:
                # Some tests damage states on purpose: read whatever is there.
                m = re.search(r"^plat.cgroup=(\S+)$", f.read_text(errors="replace"), re.M)
            except OSError:
                continue
            if m:
                self.cgroups.add(m.group(1))

    def ok(self, *args, **kw):
        rc, out, err = self.run(*args, **kw)
        assert rc == 0, f"ljail {' '.join(args)}: exit {rc}\n{out}\n{err}"
        return out

    def fails(self, *args, **kw):
        rc, out, err = self.run(*args, **kw)
        assert rc != 0, f"ljail {' '.join(args)} should fail:\n{out}\n{err}"
        lines = [line for line in err.splitlines() if line]
        # "ljail: message", or a configuration diagnostic "FILE:LINE:COLUMN: message".
        assert lines and (lines[0].startswith("ljail: ") or
                          re.match(r"^\S+:\d+:\d+: ", lines[0])), err
        return err

    def run_dir(self):
        return self.R / "run" / "ljail"

    def states(self):
        d = self.run_dir()
        return sorted(p.name for p in d.iterdir() if not p.name.startswith(".")) \
            if d.exists() else []


@pytest.fixture
def lj(tmp_path, tree):
    before_mounts = mount_points()
    # pytest's tmp_path is closed to all but the host's root: a jail with its
    # own ids starts from it too (ljail finds the tree without its path).
    base = tmp_path
    root = base / "root"
    for d in ("upper", "work", "root"):
        (base / d).mkdir()
    subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                    f"lowerdir={tree},upperdir={base}/upper,workdir={base}/work", str(root)],
                   check=True)
    inst = Ljail(base, root)
    try:
        yield inst
    finally:
        inst.run("stop", "-a", "-q")
        leaked = []
        for pid in jail_processes(root):
            leaked.append(pid)
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for _ in range(50):
            if subprocess.run(["umount", str(root)]).returncode == 0:
                break
            time.sleep(0.1)
        else:
            subprocess.run(["umount", "-l", str(root)])
        # Only mounts of this test's trees: other runs may mount meanwhile.
        left_mounts = {m for m in mount_points() - before_mounts
                       if (m + "/").startswith(str(base) + "/")}
        left_state = inst.states()
        left_cgroups = [d for rel in inst.cgroups for d in cgroup_dirs(rel)]
        assert not leaked, f"processes left in jail namespaces: {leaked}"
        assert not left_mounts, f"mounts left on the host: {left_mounts}"
        assert not left_state, f"run state left: {left_state}"
        assert not left_cgroups, f"cgroups left: {left_cgroups}"


@pytest.fixture(params=["privileged", "userns"])
def mode(request, lj, tree):
    """The two ways a jail's root can be: the host's root, confined (userns =
    inherit), or root of a user namespace of its own. Then the jail is thin,
    as ljail create makes it: the cached tree idmapped below, an upper layer
    owned by this run's range of host ids (above the range ljail create hands
    out, so no jail of a user's has it); files for the jail go there."""
    if request.param == "privileged":
        return ""
    base = 1879048192 + secrets.randbelow(4096) * 65536
    for d in ("thin", "thin/upper", "thin/work"):
        (lj.base / d).mkdir()
        os.chown(lj.base / d, base, base)
    lj.files = lj.base / "thin" / "upper"
    lj.ids = base
    return (f'userns = new; userns.idmap = "{base}:65536"; overlay.lower = "{tree}"; '
            f'overlay.upper = "{lj.files}";')


def basic(name="t1", extra=""):
    return f"""
{name} {{
    path = "@ROOT@";
    host.hostname = "{name}.jails.test";
    persist;
    mount.devfs;
    mount.procfs;
    mount += "tmpfs @ROOT@/tmp tmpfs rw,mode=1777,size=32m 0 0";
    {extra}
}}
"""


def add_user(lj, name, uid, groups=()):
    """Adds a user to the jail's own files, as the jail's useradd would: in a
    jail with its own ids, to its own layer, owned by the ids it stands for."""
    root = lj.files
    if not (root / "etc" / "passwd").exists():
        (root / "etc").mkdir(exist_ok=True)
        (root / "home").mkdir(exist_ok=True)
        for f in ("passwd", "group"):
            shutil.copy(lj.root / "etc" / f, root / "etc" / f)
        for p in (root / "etc", root / "home", root / "etc" / "passwd", root / "etc" / "group"):
            os.chown(p, lj.ids, lj.ids)
    with open(root / "etc" / "passwd", "a") as f:
        f.write(f"{name}:x:{uid}:{uid}::/home/{name}:/bin/bash\n")
    with open(root / "etc" / "group", "a") as f:
        f.write(f"{name}:x:{uid}:\n")
        for gname, gid in groups:
            f.write(f"{gname}:x:{gid}:{name}\n")
    home = root / "home" / name
    home.mkdir(parents=True)
    os.chown(home, lj.ids + uid, lj.ids + uid)


# --- what a running jail is ---------------------------------------------------

def test_processes_hostname_and_mounts_are_the_jail_s(lj):
    lj.config(basic())
    assert lj.ok("start", "t1") == "t1: created\n"
    ps = lj.ok("exec", "t1", "ps", "-e", "-o", "pid=,args=")
    rows = [line.split(None, 1) for line in ps.strip().splitlines()]
    pids = [int(r[0]) for r in rows]
    assert pids[0] == 1 and len(rows) == 2, ps          # init and ps, nothing of the host
    assert rows[0][1] == "ljail-init"                  # not ljail's command line
    assert "ps -e" in rows[1][1]
    # PID 1 is ljail's init: the host sees the same process in the state file.
    host_pid = int(lj.ok("list", "-j", "t1", "pid").strip())
    # The jail's init, run from ljail's sealed copy of itself.
    assert os.readlink(f"/proc/{host_pid}/exe") == "/memfd:ljail (deleted)"

    assert lj.ok("exec", "t1", "hostname").strip() == "t1.jails.test"
    assert lj.ok("exec", "t1", "hostname").strip() != os.uname().nodename
    points = {line.split()[4] for line in
              lj.ok("exec", "t1", "cat", "/proc/self/mountinfo").splitlines()}
    assert {"/", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/proc", "/tmp"} <= points
    assert not any(p.startswith(("/work", "/var/cache", "/run/ljail", "/home")) for p in points)
    # Nothing the jail has mounted is on the host.
    assert not any(p.startswith(str(lj.root) + "/") for p in mount_points())
    # Own network namespace with only loopback, up.
    links = lj.ok("exec", "t1", "ip", "-o", "link")
    assert re.findall(r"^\d+: (\S+):", links, re.M) == ["lo"], links
    assert "UP" in links
    lj.ok("stop", "t1")


def test_ip4_inherit_shares_the_host_s_stack(lj):
    lj.config(basic(extra="ip4 = inherit;"))
    lj.ok("start", "t1")
    inside = lj.ok("exec", "t1", "ip", "-o", "link")
    host = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    names = lambda text: sorted(re.findall(r"^\d+: ([^:@]+)", text, re.M))
    assert names(inside) == names(host)
    lj.ok("stop", "t1")


def test_nullfs_fstab_sysfs_and_fdescfs(lj, victim):
    import pathlib
    shared = pathlib.Path(victim)
    (shared / "hello").write_text("from the host\n")
    for d in ("ro", "rw"):
        (lj.root / "mnt" / d).mkdir()
    fstab = lj.base / "fstab"
    fstab.write_text(f"# a comment\n{shared} {lj.root}/mnt/rw nullfs rw 0 0\n")
    lj.config(basic(extra=f"""
        mount += "{shared} @ROOT@/mnt/ro nullfs ro 0 0";
        mount += "linsysfs @ROOT@/sys linsysfs ro 0 0";
        mount.fstab = "{fstab}";
        mount.fdescfs;
    """).replace("mount.devfs;", ""))
    lj.ok("start", "t1")
    assert lj.ok("exec", "t1", "cat", "/mnt/ro/hello") == "from the host\n"
    err = lj.run("exec", "t1", "touch", "/mnt/ro/new")[2]
    assert "Read-only file system" in err
    lj.ok("exec", "t1", "sh", "-c", "echo from the jail > /mnt/rw/new")
    assert (shared / "new").read_text() == "from the jail\n"
    err = lj.run("exec", "t1", "sh", "-c", "echo x > /sys/kernel/uevent_helper")[2]
    assert "Read-only file system" in err
    # fdescfs without devfs: the links, made in the jail's own /dev.
    assert lj.ok("exec", "t1", "readlink", "/dev/fd") == "/proc/self/fd\n"
    lj.ok("stop", "t1")
    assert sorted(os.listdir(shared)) == ["hello", "new"]


def test_exec_jail_user_and_clean(lj):
    add_user(lj, "carol", 23458)
    lj.config(basic(extra=f"""
        exec.jail_user = "carol";
        exec.clean;
        exec.start = "echo $(id -un) $HOME $(pwd) ${{LJT_LEAK:-clean}} > /home/carol/who";
    """.replace("$(", "\\$(").replace("$HOME", "\\$HOME").replace("${", "\\${")))
    # exec.clean: nothing of the caller's environment reaches the command.
    os.environ["LJT_LEAK"] = "leaked"
    try:
        lj.ok("start", "t1")
    finally:
        del os.environ["LJT_LEAK"]
    who = lj.root / "home" / "carol" / "who"
    assert who.read_text() == "carol /home/carol /home/carol clean\n"
    assert who.stat().st_uid == 23458
    lj.ok("stop", "t1")


def test_dev_has_the_jail_set_and_proc_is_masked(lj):
    lj.config(basic())
    lj.ok("start", "t1")
    dev = set(lj.ok("exec", "t1", "ls", "/dev").split())
    assert {"null", "zero", "full", "random", "urandom", "tty", "console", "ptmx", "pts",
            "shm", "mqueue", "fd", "stdin", "stdout", "stderr"} <= dev
    assert not any(d.startswith(("sd", "vd", "nvme", "loop", "mem", "kmsg")) for d in dev)
    assert lj.ok("exec", "t1", "sh", "-c", "echo hi > /dev/null && head -c4 /dev/zero | wc -c"
                 ).strip() == "4"
    assert lj.ok("exec", "t1", "readlink", "/dev/fd") == "/proc/self/fd\n"
    # Masked proc files read as empty; /proc/sys is read-only.
    assert lj.ok("exec", "t1", "cat", "/proc/keys") == ""
    err = lj.run("exec", "t1", "sh", "-c", "echo 1 > /proc/sys/kernel/panic")[2]
    assert "Read-only" in err
    lj.ok("stop", "t1")


def test_devfs_ruleset_chooses_the_nodes(lj):
    lj.config(basic(extra="devfs_ruleset = 2;"))
    lj.ok("start", "t1")
    dev = set(lj.ok("exec", "t1", "ls", "/dev").split())
    assert {"null", "zero", "urandom", "fd"} <= dev
    assert "tty" not in dev and "pts" not in dev
    lj.ok("stop", "t1")


def test_exec_U_uses_the_jail_s_users_and_groups(lj, mode):
    add_user(lj, "alice", 23456, groups=[("jailonly", 34567)])
    lj.config(basic(extra=mode))
    lj.ok("start", "t1")
    ident = lj.ok("exec", "-U", "alice", "t1", "id").strip()
    assert ident == "uid=23456(alice) gid=23456(alice) groups=23456(alice),34567(jailonly)"
    env = lj.ok("exec", "-l", "-U", "alice", "t1", "sh", "-c", 'pwd; echo "$HOME $USER $SHELL"')
    assert env.splitlines() == ["/home/alice", "/home/alice alice /bin/bash"]
    assert lj.ok("exec", "-d", "/tmp", "t1", "pwd") == "/tmp\n"
    # -u looks on the host, where alice does not exist.
    err = lj.fails("exec", "-u", "alice", "t1", "id")
    assert "t1" in err and "alice" in err and "host" in err
    err = lj.fails("exec", "-U", "nobody-here", "t1", "id")
    assert err.strip() == "ljail: jail 't1': no user 'nobody-here' in the jail's /etc/passwd"
    # The exit status is the command's.
    assert lj.run("exec", "t1", "sh", "-c", "exit 7")[0] == 7
    lj.ok("stop", "t1")


def test_exec_by_jid_and_run_by_path(lj):
    lj.config(basic())
    lj.ok("start", "t1")
    jid = lj.ok("list", "-j", "t1", "jid").strip()
    assert lj.ok("exec", jid, "hostname") == "t1.jails.test\n"
    lj.ok("stop", "t1")
    rc, out, err = lj.run("run", str(lj.root), "--", "sh", "-c",
                          "cat /etc/debian_version; hostname; exit 5")
    assert rc == 5, err
    lines = out.splitlines()
    assert lines[0].startswith("12.") and lines[1].startswith("run-")
    assert lj.states() == []


def test_run_passes_stdin_users_and_stop(lj):
    add_user(lj, "bob", 23457)
    rc, out, err = lj.run("run", str(lj.root), "--", "cat", input="through the jail\n")
    assert (rc, out) == (0, "through the jail\n"), err
    rc, out, err = lj.run("run", "-U", "bob", str(lj.root), "--", "sh", "-c", "id -un; pwd")
    assert (rc, out) == (0, "bob\n/home/bob\n"), err
    err = lj.fails("run", "-U", "nobody-here", str(lj.root), "--", "true")
    assert "no user 'nobody-here' in the jail's /etc/passwd" in err
    # `ljail stop` ends a running `ljail run`: its command gets SIGTERM.
    lj.config(basic())
    env = dict(os.environ, LJAIL_ROOT=str(lj.R))
    p = subprocess.Popen([LJAIL, "run", "t1", "--", "sleep", "1000"], env=env)
    for _ in range(200):
        if "t1.jails.test" in lj.ok("list"):
            break
        time.sleep(0.05)
    lj.ok("stop", "t1")
    assert p.wait(timeout=30) == 128 + signal.SIGTERM
    assert lj.states() == []


def test_run_a_configured_jail_keeps_its_commands(lj):
    log = lj.base / "run.log"
    lj.config(basic(extra=f"""
        exec.prestart = "echo prestart >> {log}";
        exec.poststop = "echo poststop >> {log}";
    """))
    rc, out, err = lj.run("run", "t1", "--", "hostname")
    assert rc == 0, err
    assert out == "t1.jails.test\n"
    assert log.read_text() == "prestart\npoststop\n"


# --- jail(8)'s order and behaviour ------------------------------------------

def test_exec_commands_run_in_freebsd_order(lj):
    log = "@ROOT@/order.log"
    host = lambda n: f'"echo {n} $JID $JNAME $JPATH >> {log}"'
    jail = lambda n: f'"echo {n} $(hostname) >> /order.log"'
    lj.config(basic(extra=f"""
        exec.prepare = {host("prepare")};
        exec.prestart = {host("prestart")};
        exec.created = {host("created")};
        exec.start = {jail("start")};
        command = {jail("command")};
        exec.poststart = {host("poststart")};
        exec.prestop = {host("prestop")};
        exec.stop = {jail("stop")};
        exec.poststop = {host("poststop")};
        exec.release = {host("release")};
    """).replace("$JID", "\\$JID").replace("$JNAME", "\\$JNAME")
        .replace("$JPATH", "\\$JPATH").replace("$(hostname)", "\\$(hostname)"))
    lj.ok("start", "t1")
    lj.ok("stop", "t1")
    root = str(lj.root)
    lines = (lj.root / "order.log").read_text().splitlines()
    jid = "1"
    assert lines == [
        f"prepare {jid} t1 {root}", f"prestart {jid} t1 {root}", f"created {jid} t1 {root}",
        "start t1.jails.test", "command t1.jails.test", f"poststart {jid} t1 {root}",
        f"prestop {jid} t1 {root}", "stop t1.jails.test", f"poststop {jid} t1 {root}",
        f"release {jid} t1 {root}"]


def test_freebsd_behaviour_cases(lj):
    # exec.prestart output is printed on start; exec.poststart sees JID,
    # JNAME and JPATH; exec.prestop runs on stop; a numeric name is the jid.
    lj.config(basic(name="7", extra=r"""
        exec.prestart = "echo prestart output";
        exec.poststart = "echo poststart \$JID \$JNAME \$JPATH";
        exec.prestop = "echo prestop ran";
    """))
    out = lj.ok("start", "7")
    assert out.splitlines() == ["prestart output", f"poststart 7 7 {lj.root}", "7: created"]
    table = lj.ok("list").splitlines()
    assert table[0] == "   JID  IP Address      Hostname                      Path"
    assert table[1].split() == ["7", "7.jails.test", str(lj.root)]
    assert lj.ok("stop", "7").splitlines() == ["prestop ran", "7: removed"]


def test_failing_exec_start_undoes_the_start(lj):
    log = lj.base / "undo.log"
    lj.config(basic(extra=f"""
        exec.prepare = "echo prepare >> {log}";
        exec.prestart = "echo prestart >> {log}";
        exec.start = "sleep 100 & exit 3";
        exec.poststop = "echo poststop >> {log}";
        exec.release = "echo release >> {log}";
    """))
    err = lj.fails("start", "t1")
    assert "jail 't1': exec.start 'sleep 100 & exit 3' failed (exit status 3)" in err
    assert log.read_text().splitlines() == ["prepare", "prestart", "poststop", "release"]
    assert lj.states() == []
    assert "t1" not in lj.ok("list")


def test_failing_prestop_keeps_the_jail(lj):
    lj.config(basic(extra='exec.prestop = "false";'))
    lj.ok("start", "t1")
    err = lj.fails("stop", "t1")
    assert "exec.prestop 'false' failed" in err
    assert "t1.jails.test" in lj.ok("list")
    lj.config(basic())
    lj.ok("stop", "t1")


def test_stop_timeout_kills_what_ignores_sigterm(lj):
    lj.config(basic(extra='stop.timeout = 1;'))
    lj.ok("start", "t1")
    # It notes SIGTERM and goes on: only SIGKILL, after stop.timeout, ends it.
    got = lj.root / "root" / "got"
    script = "trap 'echo term >> /root/got' TERM; echo ready > /root/got; " \
             "while :; do sleep 0.1; done"
    p = subprocess.Popen([LJAIL, "exec", "t1", "sh", "-c", script],
                         env=dict(os.environ, LJAIL_ROOT=str(lj.R)))
    for _ in range(400):
        if got.exists() and got.read_text() == "ready\n":
            break
        time.sleep(0.05)
    lj.ok("stop", "t1")
    assert p.wait(timeout=30) == 128 + signal.SIGKILL
    assert got.read_text() == "ready\nterm\n"


def test_without_persist_the_jail_ends_with_its_last_process(lj):
    lj.config(basic().replace("persist;", "") .replace(
        "mount.devfs;", 'mount.devfs; exec.start = "sleep 1 >/dev/null 2>&1 &";'))
    lj.ok("start", "t1")
    for _ in range(200):
        if "t1.jails.test" not in lj.ok("list"):
            break
        time.sleep(0.05)
    assert "t1.jails.test" not in lj.ok("list")
    assert lj.states() == []
    assert "not running" in lj.fails("stop", "t1")


def test_consolelog_gets_jail_command_output(lj):
    log = lj.base / "console.log"
    log.write_text("before\n")
    lj.config(basic(extra=f'exec.consolelog = "{log}"; exec.start = "echo from the jail";'))
    out = lj.ok("start", "t1")
    assert "from the jail" not in out
    assert log.read_text() == "before\nfrom the jail\n"
    lj.ok("stop", "t1")


def test_exec_timeout_kills_a_slow_command(lj):
    # A command that never ends by itself: only the kill lets start return
    # (within the run's own deadline), and the jail is undone.
    cmd = "trap : TERM; while :; do sleep 1; done"
    lj.config(basic(extra=f'exec.timeout = 1; exec.start = "{cmd}";'))
    err = lj.fails("start", "t1")
    assert f"exec.start '{cmd}' timed out after 1 seconds" in err
    assert lj.states() == []


def test_depend_starts_dependencies_first(lj):
    lj.config(basic("a") + basic("b", 'depend = "a";'))
    assert lj.ok("start", "b").splitlines() == ["a: created", "b: created"]
    assert lj.ok("stop", "-a").splitlines() == ["b: removed", "a: removed"]


# --- run state ---------------------------------------------------------------

def test_list_formats(lj):
    lj.config(basic(extra='meta = "note";'))
    lj.ok("start", "t1")
    data = json.loads(lj.ok("list", "--json"))
    (j,) = data["jails"]
    assert j["name"] == "t1" and j["jid"] == 1 and j["path"] == str(lj.root)
    assert j["hostname"] == "t1.jails.test" and j["persist"] is True
    assert j["parameters"]["meta"] == "note"
    # No ip4 and no vnet: a network stack of its own with only loopback.
    assert j["own_network"] is True
    state = (lj.run_dir() / "t1.state").read_text()
    assert f"plat.pid={j['pid']}\n" in state
    verbose = lj.ok("list", "-v")
    assert verbose.startswith(f"jid=1 name=t1 path={lj.root} host.hostname=t1.jails.test")
    assert "meta=note" in verbose
    assert lj.ok("list", "-j", "t1", "name", "host.hostname") == "t1 t1.jails.test\n"
    assert lj.ok("list", "-n", "-j", "t1", "jid", "name") == "jid=1 name=t1\n"
    assert "not running" in lj.fails("list", "-j", "nope")
    # A name no jail has is an error, as in jls.
    rc, out, err = lj.run("list", "-j", "t1", "nosuch")
    assert (rc, out, err) == (2, "", "ljail: unknown parameter 'nosuch'\n")
    lj.ok("stop", "t1")


def test_list_json_is_data(lj):
    """--json gives each parameter its type; rows come in jid order."""
    lj.config(basic("b") + basic("a", 'allow.nomount; devfs_ruleset = 3; meta = "x\\\\y";'))
    lj.ok("start", "b", "a")
    data = json.loads(lj.ok("--json", "list"))
    assert [j["name"] for j in data["jails"]] == ["b", "a"]
    params = data["jails"][1]["parameters"]
    assert params["persist"] is True and params["allow.mount"] is False
    assert params["devfs_ruleset"] == 3 and params["meta"] == "x\\y"
    assert isinstance(params["mount"], list) and len(params["mount"]) == 1
    assert params["mount"][0].startswith("tmpfs ") and params["mount.devfs"] is True
    assert json.loads(lj.ok("--json", "list", "-j", "a", "jid", "persist", "meta")) == \
        {"jid": 2, "persist": True, "meta": "x\\y"}
    lj.ok("stop", "-a")


def test_two_starts_at_once_start_one_jail(lj):
    lj.config(basic(extra='exec.prestart = "sleep 1";'))
    env = dict(os.environ, LJAIL_ROOT=str(lj.R))
    procs = [subprocess.Popen([LJAIL, "start", "t1"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=60), p.stdout.read(), p.stderr.read()) for p in procs]
    assert sorted(r[0] for r in results) == [0, 1], results
    loser = [r for r in results if r[0] == 1][0]
    assert loser[2] in ("ljail: jail 't1': another ljail is starting or stopping it\n",
                        "ljail: jail 't1' is already running\n"), loser
    assert len(lj.ok("list").splitlines()) == 2
    lj.ok("stop", "t1")


def test_jids_are_small_and_reused(lj):
    lj.config(basic("a") + basic("b") + basic("c"))
    lj.ok("start", "a", "b")
    lj.ok("stop", "a")
    lj.ok("start", "c")
    assert lj.ok("list", "-j", "c", "jid") == "1\n"
    assert lj.ok("list", "-j", "b", "jid") == "2\n"
    lj.ok("stop", "-a")


def test_a_start_killed_halfway_is_cleaned_by_the_next(lj):
    lj.config(basic(extra='exec.start = "sleep 1000"; rctl = "maxproc:deny=50";'))
    env = dict(os.environ, LJAIL_ROOT=str(lj.R))
    p = subprocess.Popen([LJAIL, "start", "t1"], env=env)
    state = lj.run_dir() / "t1.state"
    # Killed while exec.start runs: once the jail's own sleep exists.
    def in_exec_start():
        if not state.exists() or "plat.pid=0" in state.read_text():
            return False
        m = re.search(r"^plat.pid=(\d+)$", state.read_text(), re.M)
        if not m:
            return False
        try:
            ns = os.readlink(f"/proc/{m.group(1)}/ns/pid")
        except OSError:
            return False
        return any(comm(pid) == "sleep" and pid_ns(pid) == ns for pid in all_pids())
    for _ in range(400):
        if in_exec_start():
            break
        time.sleep(0.05)
    else:
        pytest.fail("exec.start never ran")
    p.send_signal(signal.SIGKILL)
    p.wait()
    # The jail's init dies with the ljail that was making it.
    pid = int(re.search(r"^plat.pid=(\d+)$", state.read_text(), re.M).group(1))
    for _ in range(100):
        if not os.path.exists(f"/proc/{pid}") or \
                open(f"/proc/{pid}/stat").read().split(") ")[1][0] == "Z":
            break
        time.sleep(0.05)
    rel = re.search(r"^plat.cgroup=(\S+)$", state.read_text(), re.M).group(1)
    assert cgroup_dirs(rel)
    lj.config(basic())
    lj.ok("start", "t1")
    assert len(lj.ok("list").splitlines()) == 2
    # The killed start's cgroup went with its state.
    assert not cgroup_dirs(rel)
    lj.ok("stop", "t1")


# --- confinement --------------------------------------------------------------

def test_root_in_a_jail_cannot_reach_the_host(lj, mode):
    shutil.copy(PROBE, lj.files / "probe")
    lj.config(basic(extra=mode))
    lj.ok("start", "t1")
    out = lj.ok("exec", "t1", "/probe", str(os.getpid()))
    results = dict(line.split(" ", 1) for line in out.splitlines())
    expected = {"init_module", "finit_module", "delete_module", "reboot", "clock_settime",
                "settimeofday", "mount_tmpfs", "umount_proc", "mknod_block", "mknod_char",
                "open_block_dev", "kill_host_pid", "sethostname", "keyctl", "ptrace_init",
                "read_init_exe", "raw_socket", "swapoff", "write_sysctl", "unshare_user",
                "unshare_net", "packet_inet", "io_uring_setup"}
    assert expected <= set(results), out
    allowed = {k: v for k, v in results.items() if not v.startswith("refused")}
    assert not allowed, out
    # The jail's init runs under the jail's filter too.
    state = (lj.run_dir() / "t1.state").read_text()
    init = int(re.search(r"^plat.pid=(\d+)$", state, re.M).group(1))
    assert re.search(r"^Seccomp:\s+2$", open(f"/proc/{init}/status").read(), re.M)
    # The init keeps one folder open, its own proc: nothing of the host's or
    # of the first stage's mount namespace, where ".." leads out of the tree.
    fds = os.listdir(f"/proc/{init}/fd")
    assert len([n for n in fds if os.path.isdir(f"/proc/{init}/fd/{n}")]) == 1, fds
    # With its own ids, the init is the jail's root and no one on the host.
    uid_map = open(f"/proc/{init}/uid_map").read().split()
    assert (uid_map[1] != "0") == bool(mode), uid_map
    assert os.stat(f"/proc/{init}").st_uid == (int(uid_map[1]) if mode else 0)
    # Capabilities: none of the host-wide ones.
    status = lj.ok("exec", "t1", "grep", "CapBnd", "/proc/self/status")
    bnd = int(status.split()[1], 16)
    for cap in (21, 16, 22, 25, 27, 19, 2, 12, 24, 23):  # SYS_ADMIN, MODULE, BOOT, ...
        assert not bnd & (1 << cap), (cap, status)
    lj.ok("stop", "t1")


def test_allow_raw_sockets_decides(lj, mode):
    shutil.copy(PROBE, lj.files / "probe")
    lj.config(basic("off", mode) + basic("inh", "ip4 = inherit;" + mode) +
              basic("on", "allow.raw_sockets;" + mode))
    lj.ok("start", "off", "inh", "on")
    on = lj.ok("exec", "on", "/probe", "raw")
    # Without allow.raw_sockets, in its own stack or the host's: no raw
    # socket, no packet socket, and not the old packet interface either.
    for jail in ("off", "inh"):
        off = lj.ok("exec", jail, "/probe", "raw")
        assert "raw_socket refused Operation not permitted" in off, (jail, off)
        assert "packet_socket refused" in off, (jail, off)
        assert "packet_inet refused" in off, (jail, off)
    assert "raw_socket ALLOWED" in on and "packet_inet ALLOWED" in on, on
    lj.ok("stop", "-a")


def test_allow_io_uring_decides(lj, mode):
    shutil.copy(PROBE, lj.files / "probe")
    lj.config(basic("off", mode) + basic("on", "allow.io_uring;" + mode))
    lj.ok("start", "off", "on")
    assert lj.ok("exec", "off", "/probe", "uring") == \
        "io_uring_setup refused Function not implemented\n"
    assert lj.ok("exec", "on", "/probe", "uring") == "io_uring_setup ALLOWED\n"
    lj.ok("stop", "-a")


@pytest.fixture
def victim():
    """A host folder outside every jail, which no test may change."""
    import tempfile
    d = tempfile.mkdtemp(prefix="ljail-victim-", dir="/var/tmp")
    try:
        yield d
    finally:
        shutil.rmtree(d)


def test_symlink_at_a_mount_target_cannot_reach_the_host(lj, victim):
    import pathlib
    victim = pathlib.Path(victim)
    (victim / "keep").write_text("host data\n")
    os.symlink(str(victim), lj.root / "mnt" / "abs")
    os.symlink("../../../../../../../../" + str(victim).lstrip("/"), lj.root / "mnt" / "rel")
    (lj.root / "tmp" / "inside").mkdir()
    lj.config(basic(extra=f"""
        mount += "tmpfs @ROOT@/mnt/abs tmpfs rw 0 0";
        mount += "/tmp @ROOT@/mnt/rel nullfs ro 0 0";
    """))
    rc, out, err = lj.run("start", "t1")
    # Either way the targets resolve inside the jail: here they do not exist.
    assert rc != 0 and "mount target '/mnt/abs' inside the jail" in err, err
    assert (victim / "keep").read_text() == "host data\n"
    assert sorted(os.listdir(victim)) == ["keep"]
    assert str(victim) not in mount_points()
    # Planting the same folder inside the jail makes the mounts land there.
    (lj.root / str(victim).lstrip("/")).mkdir(parents=True)
    lj.ok("start", "t1")
    assert str(victim) not in mount_points()
    assert sorted(os.listdir(victim)) == ["keep"]
    inside = lj.ok("exec", "t1", "cat", "/proc/self/mountinfo")
    assert f" {victim} " in inside
    lj.ok("stop", "t1")


# --- bad input ------------------------------------------------------------------

def test_bad_input_is_one_clear_line(lj, tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    lj.config(basic() + f"""
    nopath {{ path = "{tmp_path}/missing"; persist; }}
    filepath {{ path = "{a_file}"; persist; }}
    notarget {{ path = "@ROOT@"; persist; mount += "tmpfs @ROOT@/etc/hostname/d tmpfs rw 0 0"; }}
    nosource {{ path = "@ROOT@"; persist; mount += "{tmp_path}/gone @ROOT@/mnt nullfs rw 0 0"; }}
    badtmpfs {{ path = "@ROOT@"; persist; mount += "tmpfs @ROOT@/mnt tmpfs rw,bogus=1 0 0"; }}
    """)
    cases = {
        ("start", "nopath"): f"ljail: jail 'nopath': path '{tmp_path}/missing': "
                             "No such file or directory",
        ("start", "filepath"): f"ljail: jail 'filepath': path '{a_file}' is not a folder",
        ("start", "notarget"): "mount target '/etc/hostname/d' inside the jail: "
                               "Not a directory",
        ("start", "nosource"): f"mount source '{tmp_path}/gone' on the host: "
                               "No such file or directory",
        ("start", "badtmpfs"): "unknown tmpfs option 'bogus=1'",
        ("stop", "t1"): "ljail: jail 't1' is not running",
        ("exec", "t1", "true"): "ljail: jail 't1' is not running",
        ("start", "nosuch"): "ljail: jail 'nosuch' is not in the configuration",
    }
    for args, msg in cases.items():
        err = lj.fails(*args)
        assert msg in err, (args, err)
        assert len(err.strip().splitlines()) == 1, (args, err)
        assert lj.states() == [], args
    # A mistake in the configuration found while the jail is made is still
    # a usage error: the error crosses from the jail's first process whole.
    assert lj.run("start", "badtmpfs")[0] == 2
    assert lj.run("start", "notarget")[0] == 1
    lj.ok("start", "t1")
    err = lj.fails("start", "t1")
    assert err == "ljail: jail 't1' is already running\n"
    lj.ok("stop", "t1")


def test_unsupported_parameters_are_refused_before_anything_runs(lj):
    log = lj.base / "never"
    lj.config(basic(extra=f'allow.mount; exec.prepare = "touch {log}";'))
    err = lj.fails("start", "t1")
    assert "allow.mount" in err and "not supported" in err
    assert not log.exists()


# --- the terminal ---------------------------------------------------------------

def read_until(fd, pattern, timeout=20):
    buf = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            if re.search(pattern, buf):
                return buf
    raise AssertionError(f"{pattern!r} not seen in {buf!r}")


def test_interactive_shell_on_a_terminal(lj):
    import fcntl
    import struct
    import termios
    lj.config(basic())
    lj.ok("start", "t1")
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["LJAIL_ROOT"] = str(lj.R)
        os.environ["TERM"] = "dumb"
        os.execv(LJAIL, [LJAIL, "exec", "-l", "t1"])
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 33, 111, 0, 0))
        os.write(fd, b"PS1='jail$ '; stty size\n")
        read_until(fd, rb"33 111")
        # Ctrl-C ends the foreground job, not the shell.
        os.write(fd, b"sleep 100\n")
        # The shell runs on the jail's own terminal, where sleep is now the
        # foreground job (its process group is the terminal's).
        state = (lj.run_dir() / "t1.state").read_text()
        jail_ns = pid_ns(int(re.search(r"^plat.pid=(\d+)$", state, re.M).group(1)))

        def sleep_in_front():
            for pid in all_pids():
                if comm(pid) == "sleep" and pid_ns(pid) == jail_ns:
                    f = open(f"/proc/{pid}/stat").read().rsplit(") ", 1)[1].split()
                    return f[2] == f[5]  # pgrp == the terminal's foreground group
            return False
        for _ in range(400):
            if sleep_in_front():
                break
            time.sleep(0.05)
        else:
            pytest.fail("sleep never became the terminal's foreground job")
        os.write(fd, b"\x03")
        os.write(fd, b"echo after-$((6*7))\n")
        read_until(fd, rb"after-42")
        # Job control: a background job and fg.
        os.write(fd, b"sleep 100 &\njobs\n")
        read_until(fd, rb"\[1\]\+?\s+Running\s+sleep 100")
        os.write(fd, b"kill %1; exit 4\n")
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 4
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except OSError:
            pass
        os.close(fd)
    lj.ok("stop", "t1")


def test_twenty_jails_start_and_stop_in_parallel(lj):
    """Each start and stop on its own: none fails for the others' sake, and
    no two jails ever hold one jid."""
    names = [f"p{i}" for i in range(20)]
    lj.config("".join(basic(n) for n in names))
    env = dict(os.environ, LJAIL_ROOT=str(lj.R))

    def all_at_once(verb):
        procs = [subprocess.Popen([LJAIL, verb, n], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for n in names]
        return [(n, p.wait(timeout=120), p.stderr.read()) for n, p in zip(names, procs)]

    started = all_at_once("start")
    assert [r for r in started if r[1] != 0] == []
    jids = [int(lj.ok("list", "-j", n, "jid")) for n in names]
    assert sorted(jids) == list(range(1, 21))
    stopped = all_at_once("stop")
    assert [r for r in stopped if r[1] != 0] == []
    assert lj.states() == []


@pytest.mark.parametrize("damage", ["empty", "random", "folder", "symlink"])
def test_a_damaged_state_still_stops(lj, damage):
    """The record the state's head is written to again finds the jail's
    processes when the state itself is damaged."""
    lj.config(basic())
    lj.ok("start", "t1")
    state = lj.run_dir() / "t1.state"
    pid = int(re.search(r"^plat.pid=(\d+)$", state.read_text(), re.M).group(1))
    state.unlink()
    if damage == "empty":
        state.write_text("")
    elif damage == "random":
        state.write_bytes(os.urandom(4096))
    elif damage == "folder":
        state.mkdir()
    else:
        state.symlink_to("/etc/passwd")
    assert "t1.jails.test" in lj.ok("list")
    lj.ok("stop", "t1")
    assert not os.path.exists(f"/proc/{pid}") or \
        open(f"/proc/{pid}/stat").read().rsplit(") ", 1)[1].startswith("Z")
    assert lj.states() == []


def test_state_and_record_both_damaged(lj):
    """With nothing left to find its processes by, stop says so and leaves
    what it cannot read; the jail is never taken for a stopped one."""
    lj.config(basic())
    lj.ok("start", "t1")
    state, record = lj.run_dir() / "t1.state", lj.run_dir() / "t1.record"
    pid = int(re.search(r"^plat.pid=(\d+)$", state.read_text(), re.M).group(1))
    rel = re.search(r"^plat.cgroup=(\S+)$", state.read_text(), re.M).group(1)
    state.write_text("")
    record.write_text("")
    try:
        err = lj.fails("stop", "t1")
        assert f"run state '{state}' is damaged" in err
        # Nor started a second time over the first.
        assert f"run state '{state}' is damaged" in lj.fails("start", "t1")
    finally:
        # What an administrator does once the jail is known to be gone.
        os.kill(pid, signal.SIGKILL)
        state.unlink()
        record.unlink()
        for d in cgroup_dirs(rel):
            for _ in range(100):
                try:
                    os.rmdir(d)
                    break
                except OSError:
                    time.sleep(0.01)


def test_a_zombie_init_is_not_a_running_jail(lj):
    """While nobody has reaped the jail's ended init, the jail is gone all
    the same. The test becomes the init's reaper (a subreaper) to hold it
    as a zombie."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_CHILD_SUBREAPER = 36
    assert libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    try:
        lj.config(basic())
        lj.ok("start", "t1")
        state = (lj.run_dir() / "t1.state").read_text()
        pid = int(re.search(r"^plat.pid=(\d+)$", state, re.M).group(1))
        assert os.getppid() != pid and open(f"/proc/{pid}/stat").read().split(") ")[1].split()[1] \
            == str(os.getpid())
        os.kill(pid, signal.SIGKILL)
        for _ in range(400):
            if open(f"/proc/{pid}/stat").read().rsplit(") ", 1)[1].startswith("Z"):
                break
            time.sleep(0.05)
        else:
            pytest.fail("the init never became a zombie")
        assert "t1.jails.test" not in lj.ok("list")
        assert "not running" in lj.fails("stop", "t1")
        assert lj.states() == []
    finally:
        libc.prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
        try:
            os.waitpid(pid, 0)
        except (OSError, NameError):
            pass


def test_restart_reports_a_failed_poststop_and_starts(lj):
    lj.config(basic(extra='exec.poststop = "false";'))
    # Not running: restart starts it.
    rc, out, err = lj.run("restart", "t1")
    assert (rc, out, err) == (0, "t1: created\n", "")
    rc, out, err = lj.run("restart", "t1")
    assert rc == 1 and out == "t1: created\n", (out, err)
    assert err == "ljail: jail 't1': exec.poststop 'false' failed (exit status 1)\n"
    assert "t1.jails.test" in lj.ok("list")
    lj.fails("stop", "t1")
    assert lj.states() == []


def test_list_never_removes_a_jail_started_meanwhile(lj, tmp_path):
    """list tidies a stale state only after taking the jail's lock and
    reading the state again: a start that came in between keeps its state.
    strace holds list back at the lock (a delayed flock) while the jail,
    whose old init was killed, is started again."""
    lj.config(basic())
    lj.ok("start", "t1")
    state = lj.run_dir() / "t1.state"
    pid = int(re.search(r"^plat.pid=(\d+)$", state.read_text(), re.M).group(1))
    os.kill(pid, signal.SIGKILL)
    for _ in range(400):
        if not os.path.exists(f"/proc/{pid}") or \
                open(f"/proc/{pid}/stat").read().rsplit(") ", 1)[1].startswith("Z"):
            break
        time.sleep(0.05)
    trace = tmp_path / "list.trace"
    lister = subprocess.Popen(
        ["strace", "-f", "-o", str(trace), "-e", "trace=openat,flock",
         "-e", "inject=flock:delay_enter=2000000", LJAIL, "list"],
        # LeakSanitizer stops the world with ptrace, which it cannot under strace.
        env=dict(os.environ, LJAIL_ROOT=str(lj.R),
                 ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0"),
        stdout=subprocess.DEVNULL)
    try:
        for _ in range(400):
            if trace.exists() and "t1.lock" in trace.read_text():
                break
            time.sleep(0.05)
        else:
            pytest.fail("list never reached the jail's lock")
        lj.ok("start", "t1")
        assert lister.wait(timeout=60) == 0
    finally:
        if lister.poll() is None:
            lister.kill()
            lister.wait()
    assert state.exists()
    assert "t1.jails.test" in lj.ok("list")
    lj.ok("stop", "t1")


def test_no_process_in_a_jail_reaches_the_ljail_binary(lj, mode):
    """ljail puts processes into jails only from a sealed copy of itself:
    the init's and exec's helper's /proc/PID/exe name that copy, never the
    host's file. A planted "#!/proc/self/exe" resolves through the helper's
    exe, so it finds the copy too."""
    lj.config(basic(extra=mode))
    lj.ok("start", "t1")
    state = (lj.run_dir() / "t1.state").read_text()
    init = int(re.search(r"^plat.pid=(\d+)$", state, re.M).group(1))
    assert os.readlink(f"/proc/{init}/exe") == "/memfd:ljail (deleted)"
    p = subprocess.Popen([LJAIL, "exec", "t1", "sleep", "1000"],
                         env=dict(os.environ, LJAIL_ROOT=str(lj.R)))
    try:
        # The command runs in the jail; its parent is exec's helper, which
        # joined the jail to make it.
        for _ in range(400):
            sleeps = [c for c in all_pids() if comm(c) == "sleep" and pid_ns(c) == pid_ns(init)]
            if sleeps:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the command never ran in the jail")
        helper = int(open(f"/proc/{sleeps[0]}/stat").read().rsplit(") ", 1)[1].split()[1])
        assert os.readlink(f"/proc/{helper}/exe") == "/memfd:ljail (deleted)"
    finally:
        p.terminate()
        p.wait(timeout=30)
    lj.ok("stop", "t1")


def test_a_broken_file_costs_only_its_own_jails(lj):
    """jail.conf.d gives each jail a file of its own, as FreeBSD's rc.d/jail
    does: a command on named jails reads jail.conf and their own files, and
    one over every jail reports a broken file and goes on with the rest."""
    lj.config(basic("t1"))
    conf_d = lj.conf.parent / "jail.conf.d"
    (conf_d / "good.conf").write_text(basic("good").replace("@ROOT@", str(lj.root)))
    (conf_d / "bad.conf").write_text("bad { path = /nowhere; nosuchparameter; }\n")
    lj.ok("start", "t1", "good")
    lj.ok("stop", "good")
    # Every jail: bad's error is reported, the others are acted on, exit 2.
    rc, out, err = lj.run("start", "-a")
    assert rc == 2, (out, err)
    assert err == f"{conf_d}/bad.conf:1:24: unknown parameter 'nosuchparameter'\n", err
    assert out == "good: created\n"
    rc, out, err = lj.run("config", "check")
    assert rc == 2 and "bad.conf:1:24: unknown parameter 'nosuchparameter'" in err
    rc, out, err = lj.run("stop", "-a")
    assert rc == 2 and sorted(out.splitlines()) == ["good: removed", "t1: removed"], (out, err)
    assert lj.states() == []


def test_exec_passes_no_descriptor_of_its_caller(lj, mode):
    """Only stdin, stdout and stderr go into the jail: a folder descriptor
    the caller holds (the host's root here) would hand the host over."""
    lj.config(basic(extra=mode))
    lj.ok("start", "t1")
    fd = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
    try:
        p = subprocess.run([LJAIL, "exec", "t1", "sh", "-c",
                            f"ls /proc/self/fd/{fd}/ && echo LEAKED; ls /proc/self/fd"],
                           pass_fds=(fd,), capture_output=True, text=True,
                           env=dict(os.environ, LJAIL_ROOT=str(lj.R)), timeout=60)
    finally:
        os.close(fd)
    assert "LEAKED" not in p.stdout, p.stdout
    # ls's own folder descriptor is the only one beyond 0, 1 and 2.
    assert p.stdout.split() == ["0", "1", "2", "3"], p.stdout
    lj.ok("stop", "t1")


def test_exec_on_a_terminal_gives_the_jail_its_own(lj, mode):
    """On a terminal, exec's command gets a pseudo-terminal of the jail's
    own: tty works inside, and what it leaves running in the background
    holds the jail's terminal, never the caller's."""
    lj.config(basic(extra=mode))
    lj.ok("start", "t1")
    fd, slave = os.openpty()
    # The caller's terminal. Device numbers repeat between devpts instances
    # (the jail's /dev/pts/0 and the host's are both 136:0): compare inodes.
    st = os.fstat(slave)
    ours = (st.st_dev, st.st_ino)
    # The background jobs ignore the hangup the end of the session sends.
    p = subprocess.Popen([LJAIL, "exec", "t1", "sh", "-c",
                          "trap '' HUP; tty; sleep 1000 >/dev/null 2>&1 </dev/null & "
                          "echo bg=$!; sleep 1000 & echo bg2=$!"],
                         stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                         env=dict(os.environ, LJAIL_ROOT=str(lj.R)))
    os.close(slave)
    try:
        out = read_until(fd, rb"bg2=\d+")
        assert p.wait(timeout=30) == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        os.close(fd)
    text = out.decode()
    assert re.search(r"^/dev/pts/\d+\r?$", text, re.M), text
    state = (lj.run_dir() / "t1.state").read_text()
    jail_ns = pid_ns(int(re.search(r"^plat.pid=(\d+)$", state, re.M).group(1)))
    # Each was forked before its pid was printed, but may not have run sleep yet.
    for _ in range(400):
        left = [p for p in all_pids() if comm(p) == "sleep" and pid_ns(p) == jail_ns]
        if len(left) == 2:
            break
        time.sleep(0.05)
    assert len(left) == 2, left
    for left_pid in left:
        # Not in the caller's session (whose leader is ljail), so the
        # caller's terminal is not its controlling terminal ...
        fields = open(f"/proc/{left_pid}/stat").read().rsplit(") ", 1)[1].split()
        assert int(fields[3]) != p.pid, "a jail process is in the caller's session"
        # ... and no descriptor of it is the caller's terminal.
        for link in os.listdir(f"/proc/{left_pid}/fd"):
            st = os.stat(f"/proc/{left_pid}/fd/{link}")
            assert (st.st_dev, st.st_ino) != ours, (left_pid, link)
    lj.ok("stop", "t1")


def test_start_all_and_dependencies_that_already_run(lj):
    """start -a starts what is not running and succeeds when every jail runs
    at the end; a dependency that runs already is as wanted. A jail named
    on the command line that runs already is still an error, as jail -c."""
    lj.config(basic("a", 'depend = "b";') + basic("b") + basic("c"))
    lj.ok("start", "b")
    rc, out, err = lj.run("start", "a")
    assert (rc, out, err) == (0, "a: created\n", ""), (out, err)
    rc, out, err = lj.run("start", "-a")
    assert (rc, out, err) == (0, "c: created\n", ""), (out, err)
    assert lj.run("start", "-a")[0:2] == (0, "")
    assert "'c' is already running" in lj.fails("start", "c")
    lj.ok("stop", "-a")


def test_missing_mount_targets_are_made_inside(lj, victim):
    """A missing mount target is made inside the jail's root, as mkdir -p
    would, and a symlink the jail planted cannot steer that outside: evil
    points at VICTIM, a folder that exists on the host and (made here) in
    the jail, and sub is made in the jail's."""
    os.symlink(str(victim), lj.root / "evil")
    os.makedirs(lj.root / str(victim).lstrip("/"))
    before = sorted(os.listdir(victim))
    lj.config(basic(extra='mount += "tmpfs @ROOT@/srv/share tmpfs rw 0 0"; '
                          'mount += "tmpfs @ROOT@/evil/sub tmpfs rw 0 0";'))
    try:
        lj.ok("start", "t1")
        points = {line.split()[4] for line in
                  lj.ok("exec", "t1", "cat", "/proc/self/mountinfo").splitlines()}
        assert "/srv/share" in points
        # evil -> VICTIM resolves inside the root: the folder is made there.
        assert f"{victim}/sub" in points
        assert sorted(os.listdir(victim)) == before
        assert (lj.root / str(victim).lstrip("/") / "sub").is_dir()
        lj.ok("stop", "t1")
    finally:
        os.unlink(lj.root / "evil")


def test_list_all_shows_configured_jails_and_their_state(lj):
    lj.config(basic("a") + basic("b"))
    conf_d = lj.conf.parent / "jail.conf.d"
    (conf_d / "x.conf").write_text("x { nosuchparameter; }\n")
    lj.ok("start", "b")
    out = lj.ok("list", "-a")
    assert out.splitlines() == ["NAME                           STATE",
                                "a                              stopped",
                                "b                              running",
                                "x                              broken"], out
    data = json.loads(lj.ok("--json", "list", "-a"))
    assert data == {"jails": [{"name": "a", "state": "stopped"},
                              {"name": "b", "state": "running"},
                              {"name": "x", "state": "broken"}]}
    lj.run("stop", "b")


def test_start_boot_starts_the_jails_marked_boot(lj):
    """What the boot unit runs: the jails marked boot and what they depend on."""
    lj.config(basic("a", 'boot; depend = "c";') + basic("b") + basic("c", "noboot;"))
    rc, out, err = lj.run("start", "-a", "--boot")
    assert (rc, err) == (0, ""), err
    assert out.splitlines() == ["c: created", "a: created"]
    assert "b.jails.test" not in lj.ok("list")
    assert "--boot goes with start -a" in lj.fails("start", "--boot", "b")
    lj.ok("stop", "-a")


def test_cp_in_and_out_never_past_the_root(lj, victim, tmp_path):
    """ljail cp copies one file in or out, stopped or running, keeping owner
    and mode; the jail's side is looked up inside its root, so no link the
    jail makes sends the copy to a host file."""
    lj.config(basic())
    src = tmp_path / "in.txt"
    src.write_text("into the jail\n")
    os.chown(src, 1234, 1234)
    os.chmod(src, 0o640)
    secret = os.path.join(victim, "secret")
    with open(secret, "w") as f:
        f.write("host only\n")
    lj.ok("cp", str(src), "t1:/root/")  # stopped: into its tree
    lj.ok("start", "t1")
    assert lj.ok("exec", "t1", "cat", "/root/in.txt") == "into the jail\n"
    assert lj.ok("exec", "t1", "stat", "-c", "%u %g %a", "/root/in.txt") == "1234 1234 640\n"
    # Running: out of the jail's own /tmp, a mount only its processes see.
    lj.ok("exec", "t1", "sh", "-c", "echo from the jail > /tmp/out.txt")
    lj.ok("cp", "t1:/tmp/out.txt", str(tmp_path / "out.txt"))
    assert (tmp_path / "out.txt").read_text() == "from the jail\n"
    # Links the jail planted: to the host's secret, and to its own root.
    lj.ok("exec", "t1", "sh", "-c", f"ln -s {secret} /tmp/evil; ln -s / /tmp/up")
    assert "a symlink; refused" in lj.fails("cp", "t1:/tmp/evil", str(tmp_path / "x"))
    assert "a symlink; refused" in lj.fails("cp", str(src), "t1:/tmp/evil")
    assert "No such file" in lj.fails("cp", f"t1:/tmp/up{secret}", str(tmp_path / "y"))
    assert open(secret).read() == "host only\n"
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()
    assert "one side, and only one" in lj.fails("cp", str(src), str(tmp_path / "z"))
    lj.ok("stop", "t1")


def test_exec_with_only_stdin_on_a_terminal(lj):
    """Typed input reaches the command through the jail's terminal, and its
    output, on a pipe, comes through that pipe untouched."""
    lj.config(basic())
    lj.ok("start", "t1")
    fd, slave = os.openpty()
    p = subprocess.Popen([LJAIL, "exec", "t1", "sh", "-c", "read x; echo got $x"],
                         stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=dict(os.environ, LJAIL_ROOT=str(lj.R)))
    os.close(slave)
    try:
        os.write(fd, b"hello\r")
        out, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        os.close(fd)
    assert (p.returncode, out, err) == (0, "got hello\n", "")
    lj.ok("stop", "t1")


def test_doctor_tells_whether_jails_can_have_their_own_ids(lj):
    """userns = new needs idmapped mounts where the store is: this run's
    overlay cannot be idmapped (overlayfs does not support it), a plain
    folder of the host's can."""
    line = "user namespaces and idmapped mounts for jails' own ids"
    out = lj.ok("doctor")
    assert f"ok    host: {line}" in out, out
    env = dict(os.environ, LJAIL_ROOT=str(lj.root))
    p = subprocess.run([LJAIL, "doctor"], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 1, p.stdout
    fails = [x for x in p.stdout.splitlines() if x.startswith("FAIL")]
    assert len(fails) == 1 and line in fails[0], p.stdout
    assert f"an idmapped mount of '{lj.root}/var/lib' failed" in fails[0], p.stdout


def test_doctor_pings_nothing_of_the_host_s_from_an_inherit_jail(lj):
    """In a jail on the host's stack the default route is the host's: doctor
    pings loopback there, never the host's router."""
    lj.config(basic("inh", "ip4 = inherit;"))
    lj.ok("start", "inh")
    rc, out, err = lj.run("doctor", "inh")
    ping = [x for x in out.splitlines() if ": ping " in x]
    assert len(ping) == 1 and "ping 127.0.0.1 (the host's stack; loopback)" in ping[0], out
    # Nor does it ask the host's name servers: it says what an inherit jail is instead.
    assert "DNS not probed (the host's stack and resolvers)" in out, out
    assert "the host's network stack (ip4 = inherit): ping_group_range is the host's" in out
    lj.ok("stop", "inh")


def test_sysfs_shows_nothing_of_the_host_s_mounts(lj, mode):
    """A jail on the host's stack with its own ids gets the host's /sys
    (it may not mount a sysfs of the host's network namespace): the host's
    mounts below it are hidden, as a new sysfs has none, and its cgroups
    are the jail's own."""
    lj.config(basic(extra=mode + 'ip4 = inherit; mount += "sysfs @ROOT@/sys sysfs ro 0 0";'))
    lj.ok("start", "t1")
    assert lj.ok("exec", "t1", "ls", "-A", "/sys/kernel/debug", "/sys/kernel/security") == \
        "/sys/kernel/debug:\n\n/sys/kernel/security:\n"
    # Of the cgroups, the jail's own only: the host's hierarchy names none of its own.
    view = lj.ok("exec", "t1", "ls", "/sys/fs/cgroup").split()
    if os.path.exists("/sys/fs/cgroup/pids/cgroup.procs"):
        assert set(view) <= {"memory", "pids", "cpu", "cpuacct", "blkio", "cpuset"}
        assert "pids" in view
        assert "ljail" not in lj.ok("exec", "t1", "ls", "/sys/fs/cgroup/pids").split()
    assert "lo" in lj.ok("exec", "t1", "ls", "/sys/class/net").split()
    rc, _, err = lj.run("exec", "t1", "touch", "/sys/kernel/x")
    assert rc != 0 and "Read-only file system" in err
    lj.ok("stop", "t1")


# --- resource limits (rctl) ---------------------------------------------------

def cgroup_dirs(rel):
    """The folders of a jail's cgroup that exist on this host, v1 or v2."""
    base = "/sys/fs/cgroup"
    found = [os.path.join(base, c, rel)
             for c in ("memory", "pids", "cpu", "cpuacct", "blkio", "cpuset")
             if os.path.exists(os.path.join(base, c, rel))]
    if os.path.exists(os.path.join(base, rel, "cgroup.procs")):
        found.append(os.path.join(base, rel))
    return found


def test_rctl_limits_hold_the_jail_and_go_with_it(lj, mode):
    """memoryuse and maxproc in rctl's words: a process that takes 200 MB is
    ended by the jail's own limit (the jail's init and the host go on), a fork
    loop stops at the limit, an exec'd process is under the same limits and
    cannot leave the jail's cgroup, and stop removes the cgroup."""
    shutil.copy(PROBE, lj.files / "probe")
    # I/O limits go on the disk that holds what the jail writes: the thin
    # jail's upper folder has one; the privileged jail's path is this test's
    # own overlay, which has none, and says so.
    io = ', "writebps:deny=1m", "readiops:deny=500"'
    if not mode:
        lj.config(basic(extra='rctl = "writebps:deny=1m";'))
        assert "rctl I/O limits: no block device holds" in lj.fails("start", "t1")
    lj.config(basic(extra=mode + 'rctl = "memoryuse:deny=64M", "maxproc:deny=40", '
                    f'"openfiles:deny=100"{io if mode else ""}; '
                    'mount += "sysfs @ROOT@/sys sysfs ro 0 0";'))
    lj.ok("start", "t1")
    state = (lj.run_dir() / "t1.state").read_text()
    init = int(re.search(r"^plat.pid=(\d+)$", state, re.M).group(1))
    rel = re.search(r"^plat.cgroup=(\S+)$", state, re.M).group(1)
    dirs = cgroup_dirs(rel)
    assert dirs, rel
    # I/O on the disk that holds the jail's files (the test's folder is on it).
    dev = os.stat(lj.files).st_dev
    disk = f"{os.major(dev)}:{os.minor(dev)}"
    if os.path.exists(f"/sys/dev/block/{disk}/partition"):
        disk = open(f"/sys/dev/block/{disk}/../dev").read().strip()
    blkio = [d for d in dirs if "/blkio/" in d]
    if blkio and mode:
        assert open(f"{blkio[0]}/blkio.throttle.write_bps_device").read().split() == \
            [disk, "1048576"]
        assert open(f"{blkio[0]}/blkio.throttle.read_iops_device").read().split() == \
            [disk, "500"]
    # Every process of the jail is in it: the init, and what exec runs.
    for d in dirs:
        assert str(init) in open(os.path.join(d, "cgroup.procs")).read().split(), d
    rc, out, _ = lj.run("exec", "t1", "/probe", "alloc", "200")
    assert rc != 0, out
    got = int(out.split()[-1]) if out.split() else 0
    assert got < 64, out
    assert os.path.exists(f"/proc/{init}")
    assert lj.ok("exec", "t1", "echo", "still here") == "still here\n"
    # maxproc counts the jail's tasks: the init, exec's helper, its command
    # and the probe itself take four of the forty.
    forked = int(lj.ok("exec", "t1", "/probe", "forks", "100").split()[1])
    assert 30 <= forked < 40, forked
    assert int(lj.ok("exec", "t1", "/probe", "nofile").split()[1]) < 100
    # rctl and rctl -u, as rctl(8) prints them for jail:t1.
    assert lj.ok("rctl", "t1").splitlines()[:3] == [
        "jail:t1:memoryuse:deny=64M", "jail:t1:maxproc:deny=40", "jail:t1:openfiles:deny=100"]
    use = dict(x.split("=") for x in lj.ok("rctl", "-u", "t1").split())
    assert 0 < int(use["memoryuse"]) < 64 << 20 and 1 <= int(use["maxproc"]) < 40, use
    assert 0 <= int(use["pcpu"]) <= 200, use
    assert set(json.loads(lj.ok("--json", "rctl", "-u", "t1"))) >= {"memoryuse", "maxproc", "pcpu"}
    assert json.loads(lj.ok("--json", "rctl", "t1"))[1] == "jail:t1:maxproc:deny=40"
    # The jail sees its cgroup as the root and no way out of it.
    assert lj.ok("exec", "t1", "sh", "-c", "cut -d: -f3 /proc/self/cgroup | sort -u") == "/\n"
    # Its /sys/fs/cgroup shows its own cgroup as the root, read-only.
    v1 = os.path.exists("/sys/fs/cgroup/pids/cgroup.procs")
    pids = "/sys/fs/cgroup/pids" if v1 else "/sys/fs/cgroup"
    assert lj.ok("exec", "t1", "cat", f"{pids}/pids.max") == "40\n"
    inside = lj.ok("exec", "t1", "cat", f"{pids}/cgroup.procs").split()
    assert "1" in inside and all(int(p) < 100 for p in inside), inside
    for target in (f"{pids}/cgroup.procs", f"{pids}/pids.max"):
        rc, _, err = lj.run("exec", "t1", "sh", "-c", f"echo 1000 > {target}")
        assert rc != 0 and "Read-only file system" in err, (target, err)
    lj.ok("stop", "t1")
    assert not cgroup_dirs(rel)


def test_rctl_rules_that_cannot_be_enforced_are_refused(lj):
    lj.config(basic(extra='rctl = "memoryuse:log=1G", "cputime:deny=10", '
                    '"maxproc:deny=10/process", "nosuch:deny=1", "memoryuse:deny=lots";'))
    rc, _, err = lj.run("config", "check")
    assert rc == 2, err
    lines = err.splitlines()
    assert any("'memoryuse:log=1G' is not possible on Linux: only deny" in x for x in lines), err
    assert any("'cputime:deny=10' is not possible on Linux: no cgroup ends a jail" in x
               for x in lines), err
    assert any("'maxproc:deny=10/process' is not possible on Linux: only the jail as a whole"
               in x for x in lines), err
    assert any("'nosuch:deny=1' names no resource rctl(8) knows" in x for x in lines), err
    assert any("'memoryuse:deny=lots' has no amount rctl(8) reads" in x for x in lines), err
    assert all(re.match(r"^\S+:\d+:\d+: jail 't1': rctl rule ", x) for x in lines), err
    lj.fails("start", "t1")
    assert lj.states() == []


def test_cpuset_cpus_pins_the_jail(lj, mode):
    """cpuset.cpus: every process of the jail runs on those CPUs alone."""
    cpus = sorted(os.sched_getaffinity(0))
    lj.config(basic(extra=mode + f'cpuset.cpus = "{cpus[-1]}";'))
    lj.ok("start", "t1")
    allowed = lj.ok("exec", "t1", "grep", "Cpus_allowed_list", "/proc/self/status")
    assert allowed.split()[1] == str(cpus[-1]), allowed
    lj.ok("stop", "t1")
    lj.config(basic(extra='cpuset.cpus = "0-1,x";'))
    assert "cpuset.cpus '0-1,x' is not a list of CPUs" in lj.fails("start", "t1")
    lj.config(basic(extra='cpuset.cpus = "4095";'))
    assert "cpuset.cpus '4095'" in lj.fails("start", "t1")
    assert lj.states() == []


def test_cgroup_v2_jails_are_born_in_their_cgroup(lj):
    """cgroup v2, for real: this host mounts the unified hierarchy (without
    controllers) beside its v1 ones; in a private mount namespace with it at
    /sys/fs/cgroup, ljail takes the v2 path. The init and exec's processes
    are cloned straight into the jail's cgroup (CLONE_INTO_CGROUP, nothing
    moved), see it as their root, and stop removes it."""
    unified = "/sys/fs/cgroup/unified"
    if not os.path.exists(f"{unified}/cgroup.procs"):
        unified = "/sys/fs/cgroup"
    lj.config(basic())
    run = lj.run_dir()
    script = f"""
set -e
mount -t cgroup2 none /sys/fs/cgroup
trap '"{LJAIL}" stop -q t1 || true' EXIT
"{LJAIL}" start -q t1
rel=$(sed -n 's/^plat.cgroup=//p' "{run}/t1.state")
pid=$(sed -n 's/^plat.pid=//p' "{run}/t1.state")
echo "rel=$rel"
echo "init=$(grep '^0::' /proc/$pid/cgroup)"
echo "inside=$("{LJAIL}" exec t1 grep '^0::' /proc/self/cgroup)"
strace -f -e trace=clone3,openat -o "{lj.base}/exec.trace" "{LJAIL}" exec t1 true
"{LJAIL}" stop -q t1
test ! -e "/sys/fs/cgroup/$rel" && echo removed
"""
    p = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                       capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, LJAIL_ROOT=str(lj.R)))
    out = dict(line.split("=", 1) for line in p.stdout.splitlines() if "=" in line)
    assert p.returncode == 0, (p.stdout, p.stderr)
    rel = out["rel"]
    assert out["init"] == f"0::/{rel}" and out["inside"] == "0::/", out
    assert "removed" in p.stdout
    assert not os.path.exists(f"{unified}/{rel}")
    trace = (lj.base / "exec.trace").read_text()
    assert "CLONE_INTO_CGROUP" in trace and "cgroup.procs" not in trace, trace


def test_exec_hooks_in_both_modes(lj, mode, tmp_path):
    """exec.start runs inside the jail as its root, in its user namespace
    when it has one; exec.poststart on the host."""
    log = tmp_path / "host.log"
    lj.config(basic(extra=mode + 'exec.start = "id -u > /tmp/start; '
                    'cat /proc/self/uid_map >> /tmp/start"; '
                    f'exec.poststart = "echo poststart >> {log}";'))
    lj.ok("start", "t1")
    uid, inside, base, count = lj.ok("exec", "t1", "cat", "/tmp/start").split()
    assert uid == "0" and inside == "0", (uid, inside)
    assert (base != "0") == bool(mode) and (count == "65536") == bool(mode), (base, count)
    assert log.read_text() == "poststart\n"
    lj.ok("stop", "t1")
