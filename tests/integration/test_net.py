"""The account's network failures, as an ordinary user inside vnet jails.

Only addresses on this machine: bridges and addresses the tests make
themselves (10.N.x.0/24, with N a /16 no route on the host touches), a
dnsmasq the test starts on a bridge address, and the jails. Bridges and
interfaces carry this run's suffix, so that two runs, or a run and a user's
own jails, never take each other's; each test removes what it made, and only
that. Readiness is waited for (a bound socket, a file), never slept for.
"""
import os
import re
import select
import shutil
import signal
import secrets
import socket
import subprocess
import time

import pytest

from conftest import PROBE, Ljail, free_prefix

RUN = secrets.token_hex(3)
BR, BR2 = f"ljt{RUN}a", f"ljt{RUN}b"
VETH0, VETH1 = f"ljd{RUN}0", f"ljd{RUN}1"
OURS = {BR, BR2, VETH0, VETH1}


S = free_prefix()


def links():
    out = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    return set(re.findall(r"^\d+: ([^:@]+)", out, re.M))


def table_name(run_dir):
    """The nft table of the ljail instance whose run folder is run_dir."""
    if run_dir == "/run/ljail":
        return "ljail"
    h = 2166136261
    for b in run_dir.encode():
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return f"ljail-{h:08x}"


def nft_table(net):
    """This instance's NAT table, as nft lists it, or "" when there is none."""
    name = table_name(str(net.R / "run" / "ljail"))
    p = subprocess.run(["nft", "list", "table", "ip", name], capture_output=True, text=True)
    return p.stdout if p.returncode == 0 else ""


def wait_for(cond, what, timeout=15):
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def udp_bound(addr, port):
    """Whether a UDP socket is bound to addr:port in the host's network stack."""
    want = "%s:%04X" % (socket.inet_aton(addr)[::-1].hex().upper(), port)
    with open("/proc/net/udp") as f:
        return any(line.split()[1] == want for line in f.readlines()[1:])


def read_until(proc, wanted, timeout=15):
    """Reads proc's stdout until every string in wanted has appeared."""
    fd, got, end = proc.stdout.fileno(), b"", time.monotonic() + timeout
    while not all(w.encode() in got for w in wanted):
        left = end - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            pytest.fail(f"gave up waiting for {wanted}; got {got!r}")
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        got += chunk
    return got.decode()




class Net(Ljail):
    def __init__(self, base, tree, userns=False):
        self.base, self.tree = base, tree
        self.R = base / "R"
        (self.R / "etc" / "ljail").mkdir(parents=True)
        self.roots = {}
        self.mounted = []
        # With userns, jails are thin as ljail create makes them, with their
        # own ids: this run's range, above the range create hands out.
        self.ids = 1879048192 + secrets.randbelow(4096) * 65536 if userns else 0

    def root(self, name):
        """A copy-on-write view of the Debian tree for one jail, with alice."""
        if name not in self.roots:
            d = self.base / name
            for sub in ("upper", "work", "root"):
                (d / sub).mkdir(parents=True)
            if self.ids:
                # ljail mounts the overlay itself, in the jail; alice is
                # written into the jail's own layer, owned by its ids.
                files = d / "upper"
                (files / "etc").mkdir()
                for f in ("passwd", "group"):
                    shutil.copy(os.path.join(self.tree, "etc", f), files / "etc" / f)
            else:
                subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                                f"lowerdir={self.tree},upperdir={d}/upper,workdir={d}/work",
                                str(d / "root")], check=True)
                self.mounted.append(d / "root")
                files = d / "root"
            self.roots[name] = d / "root"
            with open(files / "etc" / "passwd", "a") as f:
                f.write("alice:x:23456:23456::/home/alice:/bin/sh\n")
            with open(files / "etc" / "group", "a") as f:
                f.write("alice:x:23456:\n")
            home = files / "home" / "alice"
            home.mkdir(parents=True)
            (home / ".profile").write_text("# skel\n")
            os.chown(home, self.ids + 23456, self.ids + 23456)
            if self.ids:
                for p in (d / "upper", d / "work", files / "etc", files / "etc" / "passwd",
                          files / "etc" / "group", files / "home", home / ".profile"):
                    os.chown(p, self.ids, self.ids)
        return self.roots[name]

    def extra(self, name):
        """The lines that make a jail's root what root() made it."""
        if not self.ids:
            return ""
        d = self.base / name
        return (f'userns = new; userns.idmap = "{self.ids}:65536"; '
                f'overlay.lower = "{self.tree}"; overlay.upper = "{d}/upper";')

    def config(self, text):
        (self.R / "etc" / "ljail" / "jail.conf").write_text(text)

    def listening(self, jail, proto, port):
        """Waits until something in jail listens on port (ss -t or -u)."""
        wait_for(lambda: f":{port} " in self.ok("exec", jail, "ss", "-Hln" + proto),
                 f"port {port} in {jail}")


@pytest.fixture
def net(request, tmp_path, tree):
    before = links()
    n = Net(tmp_path, tree, userns=getattr(request, "param", "") == "userns")
    try:
        yield n
    finally:
        n.run("stop", "-a", "-q")
        for root in n.mounted:
            for _ in range(50):
                if subprocess.run(["umount", str(root)]).returncode == 0:
                    break
                time.sleep(0.1)
        # Only what this run made: its bridges and its veth stand-in.
        for name in sorted((links() - before) & OURS):
            subprocess.run(["ip", "link", "del", name], capture_output=True)
        left = links() - before
        assert not left, f"interfaces left on the host: {left}"
        assert not nft_table(n), "the instance's nft table is still there"


def vnet_conf(net, jails, extra=""):
    blocks = []
    for name, spec in jails.items():
        bridge, addr, gw = spec[:3]
        route = len(spec) < 4 or spec[3]
        blocks.append(f"""
{name} {{
    path = "{net.root(name)}";
    host.hostname = "{name}";
    persist;
    vnet;
    mount.devfs;
    mount.procfs;
    mount += "tmpfs {net.root(name)}/tmp tmpfs rw,mode=1777 0 0";
    vnet.bridge = "{bridge}";
    vnet.bridge.addr = "{gw}/24";
    ip4.addr = "{addr}/24";
    {f'ip4.defaultrouter = "{gw}";' if route else ""}
    dns.resolvconf = "{gw}";
    {net.extra(name)}
    {extra}
}}""")
    net.config("\n".join(blocks))


@pytest.fixture
def dnsmasq(tmp_path):
    """A real DNS server on the bridge address, answering *.jail.test."""
    procs = []

    def start(addr):
        p = subprocess.Popen(["dnsmasq", "--no-daemon", "--conf-file=/dev/null",
                              f"--listen-address={addr}", "--bind-interfaces", "--no-resolv",
                              "--no-hosts", f"--address=/jail.test/{S}.0.99"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(p)
        wait_for(lambda: udp_bound(addr, 53) or p.poll() is not None, "dnsmasq")
        assert p.poll() is None, "dnsmasq ended at once"
        return p
    yield start
    for p in procs:
        p.terminate()
        p.wait()


BOTH_MODES = pytest.mark.parametrize("net", ["privileged", "userns"], indirect=True)


@BOTH_MODES
def test_ping_dns_netlink_as_an_ordinary_user(net, dnsmasq):
    vnet_conf(net, {"a": (BR, f"{S}.0.2", f"{S}.0.1"), "b": (BR, f"{S}.0.3", f"{S}.0.1")})
    net.ok("start", "a", "b")
    # As jls: the first address, without its prefix.
    rows = net.ok("list").splitlines()[1:]
    assert [r.split()[:2] for r in rows] == [["1", f"{S}.0.2"], ["2", f"{S}.0.3"]]
    dnsmasq(f"{S}.0.1")
    if net.ids:
        assert net.ok("exec", "a", "cat", "/proc/self/uid_map").split() == \
            ["0", str(net.ids), "65536"]
    for user in ("root", "alice"):
        for target in (f"{S}.0.1", f"{S}.0.3"):
            out = net.ok("exec", "-U", user, "a", "ping", "-c1", "-W3", target)
            assert "1 received" in out, (user, target, out)
    # DNS over UDP, as the account's `dig` could not.
    assert net.ok("exec", "-U", "alice", "a", "getent", "hosts", "x.jail.test").split()[0] == \
        f"{S}.0.99"
    assert net.ok("exec", "-U", "alice", "a", "dig", "+short", "+notcp", f"@{S}.0.1",
                  "y.jail.test").strip() == f"{S}.0.99"
    # netlink: ip addr, ip route and ip link work inside.
    assert f"{S}.0.2/24" in net.ok("exec", "-U", "alice", "a", "ip", "addr")
    assert f"default via {S}.0.1" in net.ok("exec", "-U", "alice", "a", "ip", "route")
    assert re.search(r"eth0.*state UP", net.ok("exec", "-U", "alice", "a", "ip", "link"))


@BOTH_MODES
def test_listening_sockets_tcp_udp_unix(net):
    vnet_conf(net, {"a": (BR, f"{S}.0.2", f"{S}.0.1"), "b": (BR, f"{S}.0.3", f"{S}.0.1")})
    net.ok("start", "a", "b")
    # A non-root TCP server in b, reached from the host and from a.
    server = net.popen("exec", "-U", "alice", "b", "nc", "-l", "-k", "8080")
    try:
        net.listening("b", "t", 8080)
        with socket.create_connection((f"{S}.0.3", 8080), timeout=5) as s:
            s.sendall(b"from the host\n")
        net.ok("exec", "-U", "alice", "a", "sh", "-c", f"echo from a | nc -N {S}.0.3 8080")
        read_until(server, ["from the host\n", "from a\n"])
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=10)
    # UDP both ways: a server in the jail answers the host.
    udp = net.popen("exec", "-U", "alice", "b", "nc", "-u", "-l", "-W1", "9090")
    try:
        net.listening("b", "u", 9090)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(5)
        s.sendto(b"ping over udp\n", (f"{S}.0.3", 9090))
        out, _ = udp.communicate(timeout=10)
        assert "ping over udp" in out
    finally:
        udp.kill()
    # UNIX sockets inside a jail.
    out = net.ok("exec", "-U", "alice", "a", "sh", "-c",
                 "nc -U -l /tmp/sock > /tmp/got & until [ -S /tmp/sock ]; do sleep 0.05; done; "
                 "echo over unix | nc -N -U /tmp/sock; wait; cat /tmp/got")
    assert out == "over unix\n"


def test_bridges_separate_jails(net):
    vnet_conf(net, {"a": (BR, f"{S}.0.2", f"{S}.0.1"), "b": (BR, f"{S}.0.3", f"{S}.0.1"),
                    "c": (BR2, f"{S}.1.2", f"{S}.1.1", False)})
    net.ok("start", "a", "b", "c")
    assert "1 received" in net.ok("exec", "a", "ping", "-c1", "-W3", f"{S}.0.3")
    # c is on another bridge and has no route beyond it.
    rc, out, err = net.run("exec", "c", "ping", "-c1", "-W1", f"{S}.0.2")
    assert rc != 0 and ("0 received" in out or "unreachable" in err), (out, err)
    veths = {"ljv" + re.search(r"^plat.tag=(\w+)$", (net.R / "run" / "ljail" / f"{j}.state")
                               .read_text(), re.M).group(1) for j in ("a", "b", "c")}
    assert veths <= links()
    net.ok("stop", "-a")
    assert not veths & links()


def test_raw_sockets_follow_allow_raw_sockets(net):
    vnet_conf(net, {"a": (BR, f"{S}.0.2", f"{S}.0.1"), "r": (BR, f"{S}.0.3", f"{S}.0.1")})
    conf = (net.R / "etc" / "ljail" / "jail.conf").read_text()
    net.config(conf.replace('host.hostname = "r";', 'host.hostname = "r"; allow.raw_sockets;'))
    for jail in ("a", "r"):
        shutil.copy(PROBE, net.root(jail) / "probe")
    net.ok("start", "a", "r")
    # Without allow.raw_sockets root's raw and packet sockets are refused, and
    # ping still works (ICMP datagram sockets); with it, both open.
    off = net.ok("exec", "a", "/probe", "raw")
    assert "raw_socket refused" in off and "packet_socket refused" in off, off
    assert "1 received" in net.ok("exec", "a", "ping", "-c1", "-W3", f"{S}.0.1")
    on = net.ok("exec", "r", "/probe", "raw")
    assert "raw_socket ALLOWED" in on and "packet_socket ALLOWED" in on, on


def test_vnet_interface_moves_in_and_back(net):
    # A veth pair stands in for a physical interface (no dummy module here).
    subprocess.run(["ip", "link", "add", VETH0, "type", "veth", "peer", "name", VETH1],
                   check=True)
    net.config(f"""
m {{
    path = "{net.root('m')}";
    persist;
    vnet;
    vnet.interface = "{VETH0}";
    ip4.addr = "{VETH0}|{S}.9.2/24";
    mount.procfs;
}}""")
    net.ok("start", "m")
    assert VETH0 not in links()
    inside = net.ok("exec", "m", "ip", "-o", "addr", "show", VETH0)
    assert f"{S}.9.2/24" in inside
    net.ok("stop", "m")
    assert VETH0 in links()


def test_nat_rule_lives_with_its_jails(net):
    vnet_conf(net, {"a": (BR, f"{S}.0.2", f"{S}.0.1"), "b": (BR, f"{S}.0.3", f"{S}.0.1")},
              extra="vnet.nat;")
    net.ok("start", "a")
    assert f"ip saddr {S}.0.0/24" in nft_table(net) and "masquerade" in nft_table(net)
    assert open("/proc/sys/net/ipv4/ip_forward").read().strip() == "1"
    net.ok("start", "b")
    net.ok("stop", "a")
    assert f"{S}.0.0/24" in nft_table(net)  # b still needs it
    net.ok("stop", "b")
    assert nft_table(net) == ""


def test_two_instances_never_touch_each_other(net, tree, tmp_path):
    """Two ljail instances (-R), each with a jail of jid 1 and NAT: their
    interfaces and NAT tables are their own, so starting and stopping in one
    leaves the other's jail with its network and its rule."""
    other = Net(tmp_path / "other", tree)
    try:
        vnet_conf(net, {"a": (BR, f"{S}.0.2", f"{S}.0.1")}, extra="vnet.nat;")
        vnet_conf(other, {"a": (BR2, f"{S}.1.2", f"{S}.1.1")}, extra="vnet.nat;")
        net.ok("start", "a")
        other.ok("start", "a")
        assert net.ok("list", "-j", "a", "jid") == other.ok("list", "-j", "a", "jid") == "1\n"
        assert nft_table(net) and nft_table(other) and nft_table(net) != nft_table(other)
        other.ok("stop", "a")
        assert nft_table(other) == ""
        assert f"ip saddr {S}.0.0/24" in nft_table(net)
        assert re.search(r"eth0.*state UP", net.ok("exec", "a", "ip", "link", "show", "eth0"))
        assert "1 received" in net.ok("exec", "a", "ping", "-c1", "-W3", f"{S}.0.1")
        net.ok("stop", "a")
    finally:
        other.run("stop", "-a", "-q")
        for root in other.mounted:
            subprocess.run(["umount", str(root)])
        assert not nft_table(other)


def test_a_duplicate_address_on_a_bridge_is_refused(net):
    """Two jails with one address on one bridge break each other: the second
    start is refused with the first's name, and nothing of it stays."""
    vnet_conf(net, {"a": (BR, f"{S}.0.2", f"{S}.0.1"), "b": (BR, f"{S}.0.2", f"{S}.0.1"),
                    "c": (BR2, f"{S}.0.2", f"{S}.1.1", False)})
    net.ok("start", "a")
    before = links()
    rc, _, err = net.run("start", "b")
    assert rc != 0
    assert err == (f"ljail: jail 'b': address {S}.0.2 on bridge '{BR}' is jail 'a''s, "
                   "which runs\n"), err
    assert links() == before and not (net.R / "run" / "ljail" / "b.state").exists()
    # Another bridge is another segment: the same address is fine there.
    net.ok("start", "c")
    assert "1 received" in net.ok("exec", "a", "ping", "-c1", "-W3", f"{S}.0.1")
    net.ok("stop", "a", "c")
    net.ok("start", "b")
    net.ok("stop", "b")


def test_doctor(net, dnsmasq):
    vnet_conf(net, {"a": (BR, f"{S}.0.2", f"{S}.0.1")})
    net.ok("start", "a")
    server = dnsmasq(f"{S}.0.1")
    out = net.ok("doctor", "a")
    assert "FAIL" not in out and "as alice: DNS over UDP" in out, out
    # Broken: no DNS server answers any more, and alice's home is taken from her.
    server.terminate()
    server.wait(timeout=10)
    os.chown(net.root("a") / "home" / "alice", 0, 0)
    rc, out, _ = net.run("doctor", "a")
    assert rc == 1
    fails = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert len(fails) == 2, out
    assert "DNS over UDP" in fails[0] and "home folder" in fails[1] and "belongs to uid 0" in fails[1]


def test_address_without_a_place_is_refused(net):
    net.config(f"""
x {{ path = "{net.root('x')}"; persist; ip4.addr = "{S}.5.2/24"; }}
y {{ path = "{net.root('x')}"; persist; ip4 = inherit; ip4.addr = "{S}.5.2/24"; }}
z {{ path = "{net.root('x')}"; persist; vnet.bridge = "{BR}"; ip4.addr = "{S}.5.2"; }}
""")
    rc, _, err = net.run("start", "x")
    assert rc != 0 and "ip4.addr needs somewhere to live" in err
    rc, _, err = net.run("start", "y")
    assert rc != 0 and "Linux cannot limit the host's network stack" in err
    rc, _, err = net.run("start", "z")
    assert rc != 0 and "needs a prefix length" in err


def test_resolvconf_from_the_host_or_given(net):
    net.config(f"""
h {{ path = "{net.root('h')}"; persist; mount.procfs; dns.resolvconf = host; }}
g {{ path = "{net.root('g')}"; persist; mount.procfs; dns.resolvconf = {S}.0.1, {S}.0.2; }}
""")
    net.ok("start", "h", "g")
    assert net.ok("exec", "h", "cat", "/etc/resolv.conf") == open("/etc/resolv.conf").read()
    assert net.ok("exec", "g", "cat", "/etc/resolv.conf") == \
        f"nameserver {S}.0.1\nnameserver {S}.0.2\n"
    # Read-only, and the jail's own file underneath is untouched.
    rc, _, err = net.run("exec", "g", "sh", "-c", "echo x >> /etc/resolv.conf")
    assert rc != 0 and "Read-only" in err
    net.ok("stop", "h", "g")


def test_nat_jails_start_and_stop_in_parallel(net):
    """Each start and stop rebuilds the NAT table from the running jails;
    done in parallel, none breaks another's, and the last leaves none."""
    jails = {f"n{i}": (BR, f"{S}.0.{10 + i}", f"{S}.0.1") for i in range(6)}
    vnet_conf(net, jails, extra="vnet.nat;")

    def all_at_once(verb):
        procs = [net.popen(verb, name) for name in jails]
        return [(name, p.wait(timeout=120), p.stderr.read()) for name, p in zip(jails, procs)]

    assert [r for r in all_at_once("start") if r[1] != 0] == []
    assert f"ip saddr {S}.0.0/24" in nft_table(net)
    assert [r for r in all_at_once("stop") if r[1] != 0] == []
    assert nft_table(net) == ""
    assert not [f for f in os.listdir(net.R / "run" / "ljail") if f.endswith(".nft")]
