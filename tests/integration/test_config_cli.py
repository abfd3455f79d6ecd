"""The command line around the configuration: config check, config show, -R,
-f, --json, help, version and exit statuses, run as a user would."""
import json
import os
import re
import shutil
import subprocess
import tempfile

from conftest import LJAIL, SOURCE, run


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_help_and_version():
    rc, out, err = run("help")
    assert rc == 0 and "config check" in out and "Exit status" in out
    rc, out, _ = run("config", "--help")
    assert rc == 0 and out.startswith("usage: ljail config")
    rc, out, _ = run("help", "config")
    assert rc == 0 and "usage: ljail config" in out
    rc, out, _ = run("version")
    assert rc == 0 and out.startswith("ljail ")
    rc, out, _ = run("--json", "version")
    assert rc == 0 and "version" in json.loads(out)


def test_usage_errors_exit_2():
    for args in (["nosuch"], [], ["config"], ["config", "frob"], ["-Z", "help"],
                 ["config", "show", "-e"], ["config", "check", "extra"]):
        rc, out, err = run(*args)
        assert rc == 2, args
        assert err.startswith("ljail: "), args
        assert out == "", args


def test_check_default_files_under_root(root):
    write(root / "etc/ljail/jail.conf", "path = \"/j/$name\";\n")
    write(root / "etc/ljail/jail.conf.d/b.conf", "b { persist; }\n")
    write(root / "etc/ljail/jail.conf.d/a.conf", "a { persist; }\n")
    write(root / "etc/ljail/jail.conf.d/ignored.txt", "this is not read\n")
    rc, out, err = run("-R", str(root), "config", "check")
    assert (rc, out, err) == (0, "", "")
    rc, out, err = run("-R", str(root), "config", "show", "-e", "|")
    assert rc == 0, err
    # jail.conf first, then jail.conf.d/*.conf in name order.
    assert out == "name=a|path=/j/a|persist\nname=b|path=/j/b|persist\n"
    # LJAIL_ROOT works as -R does.
    rc, out2, _ = run("config", "show", "-e", "|", env={"LJAIL_ROOT": str(root)})
    assert rc == 0 and out2 == out


def test_no_configuration_is_empty(root):
    rc, out, err = run("-R", str(root), "config", "check")
    assert (rc, out, err) == (0, "", "")
    rc, out, err = run("-R", str(root), "--json", "config", "show")
    assert rc == 0 and json.loads(out) == {"jails": []}


def test_check_reports_every_error(root):
    conf = root / "bad.conf"
    write(conf, "a {\n  host.hostnmae = x;\n  persist = yes;\n  securelevel = 3;\n}\n"
                "b { path = /b; frob; }\n")
    rc, out, err = run("-f", str(conf), "config", "check")
    assert rc == 2 and out == ""
    assert err.splitlines() == [
        f"{conf}:2:3: unknown parameter 'host.hostnmae'; did you mean 'host.hostname'?",
        f"{conf}:3:3: jail 'a': persist: 'yes' is not a boolean (true, false or a number)",
        f"{conf}:4:3: jail 'a': parameter 'securelevel' is not supported on Linux: "
        "Linux has no securelevel",
        f"{conf}:6:16: unknown parameter 'frob'",
    ]
    write(conf, "a {\n  persist = yes;\n  securelevel = 3;\n}\n")
    rc, out, err = run("-f", str(conf), "config", "check")
    assert rc == 2
    assert err.splitlines() == [
        f"{conf}:2:3: jail 'a': persist: 'yes' is not a boolean (true, false or a number)",
        f"{conf}:3:3: jail 'a': parameter 'securelevel' is not supported on Linux: "
        "Linux has no securelevel",
    ]


def test_show_prints_what_check_refuses(root):
    conf = root / "j.conf"
    write(conf, "a { securelevel = 3; exec.fib = 1; }\n")
    rc, _, err = run("-f", str(conf), "config", "check")
    assert rc == 2 and "securelevel" in err and "exec.fib" in err
    rc, out, err = run("-f", str(conf), "config", "show", "-e", ",")
    assert (rc, out, err) == (0, "name=a,securelevel=3,exec.fib=1\n", "")


def test_show_names_and_formats(root):
    conf = root / "j.conf"
    write(conf, "a { path = /a; ip4.addr = 10.0.0.1, 10.0.0.2; persist; }\n"
                "b { path = \"/b c\"; nopersist; }\n")
    rc, out, _ = run("-f", str(conf), "config", "show", "b")
    assert rc == 0 and out == "name=b\npath=\"/b c\"\nnopersist\n"
    rc, out, _ = run("-f", str(conf), "config", "show")
    assert out == ("name=a\npath=/a\nip4.addr=10.0.0.1,10.0.0.2\npersist\n\n"
                   "name=b\npath=\"/b c\"\nnopersist\n")
    rc, out, _ = run("-f", str(conf), "--json", "config", "show", "a")
    assert rc == 0
    assert json.loads(out) == {"jails": [{"name": "a", "parameters": {
        "name": "a", "path": "/a", "ip4.addr": ["10.0.0.1", "10.0.0.2"], "persist": True}}]}
    rc, out, _ = run("-f", str(conf), "config", "show", "--json", "b")
    assert json.loads(out)["jails"][0]["parameters"]["persist"] is False
    rc, out, err = run("-f", str(conf), "config", "show", "zzz")
    assert rc == 2 and "jail 'zzz' is not in the configuration" in err and out == ""
    rc, _, err = run("-f", str(conf), "--json", "config", "show", "-e", "|")
    assert rc == 2


def test_config_from_stdin():
    rc, out, err = run("-f", "-", "config", "show", "-e", " ", input="x { persist; }\n")
    assert (rc, out, err) == (0, "name=x persist\n", "")
    rc, out, err = run("-f", "-", "config", "check", input="x { path = ; }\n")
    assert rc == 2 and err == "STDIN:1:12: expected a value after '=' for 'path', found ';'\n"


def test_missing_config_file(root):
    rc, out, err = run("-f", str(root / "nope.conf"), "config", "check")
    assert rc == 2
    assert err == f"{root}/nope.conf: cannot read '{root}/nope.conf': No such file or directory\n"


def test_shipped_examples():
    """The example tree in the repository: a global jail.conf that includes
    jail.conf.d/*.conf, with variables defined in the jail blocks."""
    conf = os.path.join(SOURCE, "examples", "jail.conf")
    rc, out, err = run("-f", conf, "config", "check")
    assert (rc, err) == (0, "")
    rc, out, err = run("-f", conf, "config", "show", "-e", "|")
    assert rc == 0, err
    assert out.splitlines() == [
        "name=d2l|exec.clean|mount.devfs|mount.procfs|path=/var/lib/ljail/containers/d2l/root|"
        "host.hostname=d2l.jails.example|persist|exec.start=/bin/true|"
        "mount=\"tmpfs /var/lib/ljail/containers/d2l/root/dev/shm tmpfs "
        "rw,size=1g,mode=1777 0 0\",\"linsysfs /var/lib/ljail/containers/d2l/root/sys "
        "linsysfs ro 0 0\",\"/tmp /var/lib/ljail/containers/d2l/root/tmp nullfs rw 0 0\"",
        "name=web.front|exec.clean|mount.devfs|mount.procfs|"
        "path=/var/lib/ljail/containers/web.front/root|host.hostname=web.front.jails.example|"
        "exec.start=/usr/sbin/nginx|stop.timeout=20|vnet|vnet.interface=epair7b",
    ]


def test_default_dir_not_read_twice(root, tmp_path):
    """jail.conf may .include jail.conf.d itself; its files are read once."""
    shutil.copy(os.path.join(SOURCE, "examples", "jail.conf"), root / "etc/ljail/jail.conf")
    for name in ("d2l.conf", "web.conf"):
        shutil.copy(os.path.join(SOURCE, "examples", "jail.conf.d", name),
                    root / "etc/ljail/jail.conf.d" / name)
    rc, out, err = run("-R", str(root), "config", "check")
    assert (rc, err) == (0, "")
    rc, out, err = run("-R", str(root), "config", "show", "-e", "|")
    assert rc == 0 and len(out.splitlines()) == 2


def test_handbook_linux_jail(root):
    conf = root / "ubuntu.conf"
    write(conf, r'''
ubuntu {
  # STARTUP/LOGGING
  exec.start = "/bin/sh /etc/rc";
  exec.stop = "/bin/sh /etc/rc.shutdown";
  exec.consolelog = "/var/log/jail_console_${name}.log";

  # PERMISSIONS
  allow.raw_sockets;
  exec.clean;
  mount.devfs;
  devfs_ruleset = 4;

  # HOSTNAME/PATH
  host.hostname = "${name}";
  path = "/usr/local/jails/containers/${name}";

  # NETWORK
  ip4.addr = 192.168.1.155;
  interface = em0;

  # MOUNT
  mount += "devfs     $path/compat/ubuntu/dev     devfs     rw  0 0";
  mount += "tmpfs     $path/compat/ubuntu/dev/shm tmpfs     rw,size=1g,mode=1777  0 0";
  mount += "fdescfs   $path/compat/ubuntu/dev/fd  fdescfs   rw,linrdlnk 0 0";
  mount += "linprocfs $path/compat/ubuntu/proc    linprocfs rw  0 0";
  mount += "linsysfs  $path/compat/ubuntu/sys     linsysfs  rw  0 0";
  mount += "/tmp      $path/compat/ubuntu/tmp     nullfs    rw  0 0";
  mount += "/home     $path/compat/ubuntu/home    nullfs    rw  0 0";
}
''')
    rc, out, err = run("-f", str(conf), "config", "check")
    assert (rc, err) == (0, "")
    rc, out, err = run("-f", str(conf), "config", "show", "-e", "|")
    p = "/usr/local/jails/containers/ubuntu"
    assert out == (
        'name=ubuntu|exec.start="/bin/sh /etc/rc"|exec.stop="/bin/sh /etc/rc.shutdown"|'
        'exec.consolelog=/var/log/jail_console_ubuntu.log|allow.raw_sockets|exec.clean|'
        'mount.devfs|devfs_ruleset=4|host.hostname=ubuntu|'
        f'path={p}|ip4.addr=192.168.1.155|interface=em0|'
        f'mount="devfs     {p}/compat/ubuntu/dev     devfs     rw  0 0",'
        f'"tmpfs     {p}/compat/ubuntu/dev/shm tmpfs     rw,size=1g,mode=1777  0 0",'
        f'"fdescfs   {p}/compat/ubuntu/dev/fd  fdescfs   rw,linrdlnk 0 0",'
        f'"linprocfs {p}/compat/ubuntu/proc    linprocfs rw  0 0",'
        f'"linsysfs  {p}/compat/ubuntu/sys     linsysfs  rw  0 0",'
        f'"/tmp      {p}/compat/ubuntu/tmp     nullfs    rw  0 0",'
        f'"/home     {p}/compat/ubuntu/home    nullfs    rw  0 0"\n')


def test_global_options_after_command(root):
    conf = root / "j.conf"
    write(conf, "a { persist; }\n")
    rc, out, _ = run("config", "show", "-f", str(conf), "-e", "|")
    assert rc == 0 and out == "name=a|persist\n"


def test_refuses_files_others_may_change(root):
    """jail.conf makes ljail run commands as root: a file that someone else
    could write is refused, as doas refuses such a doas.conf."""
    conf = root / "etc/ljail/jail.conf"
    write(conf, "a { persist; }\n")
    inc = root / "etc/ljail/common.conf"
    write(inc, "persist;\n")
    conf.write_text(f'.include "{inc}";\na {{ persist; }}\n')
    assert run("-R", str(root), "config", "check")[0] == 0
    os.chmod(inc, 0o664)
    rc, out, err = run("-R", str(root), "config", "check")
    assert rc == 2 and out == ""
    assert f"refusing '{inc}': others than its owner may write it" in err
    assert len(err.splitlines()) == 1
    os.chmod(inc, 0o644)
    os.chmod(conf, 0o646)
    rc, _, err = run("-R", str(root), "config", "check")
    assert rc == 2 and f"refusing '{conf}'" in err
    os.chmod(conf, 0o644)
    if os.geteuid() == 0:
        os.chown(inc, 65534, 65534)
        rc, _, err = run("-R", str(root), "config", "check")
        assert rc == 2 and f"refusing '{inc}': it belongs to uid 65534, not to root" in err


BAD_NAMES = ["../../../outside/victim", "a/b", "x" * 300, "\u00e9t\u00e9", "", "a\nb", ".."]
NAMED = [["stop", "{}"], ["restart", "{}"], ["start", "{}"], ["exec", "{}", "true"],
         ["list", "-j", "{}"], ["useradd", "{}", "bob"], ["destroy", "{}"],
         ["destroy", "-f", "{}"], ["create", "{}"], ["template", "create", "{}"],
         ["template", "destroy", "{}"]]


def test_every_command_checks_every_name(root):
    """A name is checked before any path is made from it: a usage error
    (exit 2) in one line, and nothing outside the instance is touched."""
    outside = root / "outside"
    outside.mkdir()
    (outside / "victim.lock").write_text("keep\n")
    (outside / "victim.state").write_text("keep\n")
    # The run folder is inst/run/ljail: "../../../outside" from there is root/outside.
    inst = root / "inst"
    inst.mkdir()
    for bad in BAD_NAMES:
        for form in NAMED:
            args = [a.replace("{}", bad) for a in form]
            rc, out, err = run("-R", str(inst), *args)
            lines = err.splitlines()
            assert sorted(os.listdir(outside)) == ["victim.lock", "victim.state"], args
            assert rc == 2 and len(lines) == 1 and lines[0].startswith("ljail: "), \
                (args, rc, out, err)
    assert sorted(os.listdir(outside)) == ["victim.lock", "victim.state"]
    assert (outside / "victim.lock").read_text() == "keep\n"


def test_each_jail_its_own_file(root):
    """config show NAME reads jail.conf and NAME's own file; without names it
    reads every file, reports a broken one, and shows the others."""
    conf_d = root / "etc/ljail/jail.conf.d"
    write(root / "etc/ljail/jail.conf", "persist;\n")
    write(conf_d / "a.conf", 'a { depend = b; }\n')
    write(conf_d / "b.conf", 'b { host.hostname = bee; }\n')
    write(conf_d / "x.conf", 'x { path = "unterminated; }\n')
    # a's own file, and b's because a depends on it; x's is never read.
    rc, out, err = run("-R", str(root), "config", "show", "-e", "|", "a", "b")
    assert (rc, out, err) == (0, "name=a|persist|depend=b\nname=b|persist|host.hostname=bee\n",
                              "")
    rc, out, err = run("-R", str(root), "config", "show", "-e", "|")
    assert rc == 2 and out == "name=a|persist|depend=b\nname=b|persist|host.hostname=bee\n"
    assert err.startswith(f"{conf_d}/x.conf:1:12: unterminated string"), err


def test_an_ordinary_user_is_told_to_be_root():
    """Run as nobody, every command that needs root says so in one line;
    config, help and version work."""
    d = tempfile.mkdtemp(dir="/var/tmp")
    try:
        os.chmod(d, 0o755)
        exe = os.path.join(d, "ljail")
        shutil.copy(LJAIL, exe)
        as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", exe]
        for args in (["list"], ["template", "list"], ["start", "-a"], ["create", "x"],
                     ["doctor"], ["exec", "x", "true"]):
            p = subprocess.run(as_nobody + args, capture_output=True, text=True, timeout=60,
                               env=dict(os.environ, LJAIL_ROOT=d))
            assert p.returncode == 1 and p.stderr == \
                f"ljail: {args[0]} must run as root (config, help and version need not)\n", \
                (args, p.stderr)
        p = subprocess.run(as_nobody + ["version"], capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
    finally:
        shutil.rmtree(d)


def test_the_boot_unit_is_sound(tmp_path):
    """The unit ninja install puts in place passes systemd-analyze verify
    (with ExecStart and ExecStop pointing at the binary under test)."""
    unit = os.path.join(os.path.dirname(LJAIL), "ljail.service")
    text = open(unit).read()
    assert "ExecStart=" in text and " start -a --boot" in text and " stop -a" in text
    copy = tmp_path / "ljail.service"
    copy.write_text(re.sub(r"^(Exec\w+=)\S+/ljail ", rf"\1{os.path.realpath(LJAIL)} ", text,
                           flags=re.M))
    # The man pages are not installed in a build: their check is left out.
    p = subprocess.run(["systemd-analyze", "verify", "--man=no", str(copy)], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0, p.stderr
