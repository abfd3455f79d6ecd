"""The default network: jails as `ljail create` makes them, with no network flags.

Each instance is a private ljail root of this run's own (-R), with a template
copied from the cached Debian tree, so its networks, bridges, name servers
and nft table are named after that root and never meet a user's or another
run's. Traffic goes only to the instance's bridges, the jails on them, the
host's loopback and the bridges' own addresses. Every test leaves no jail,
interface, name server or nft table behind, and the fixture checks that.
"""
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time

import pytest

from conftest import PROBE, Ljail, free_prefix
from test_net import links, read_until, table_name, wait_for

RUN = secrets.token_hex(3)


def free_port():
    """A TCP and UDP port nothing on the host listens on now."""
    with socket.socket() as t, socket.socket(type=socket.SOCK_DGRAM) as u:
        t.bind(("0.0.0.0", 0))
        port = t.getsockname()[1]
        u.bind(("0.0.0.0", port))
        return port


def dnsmasq_pids(bridges=None):
    """The pids of live dnsmasq processes (an ended one waits a moment to be reaped):
    those ljail started for one of bridges, or all."""
    out = subprocess.run(["ps", "-C", "dnsmasq", "-o", "pid=,stat=,args="], capture_output=True,
                         text=True).stdout
    pids = set()
    for line in out.splitlines():
        pid, stat, args = line.split(None, 2)
        if stat.startswith("Z"):
            continue
        if bridges is None or any(f"--pid-file=/tmp/{b}.pid" in args for b in bridges):
            pids.add(int(pid))
    return pids


class Instance(Ljail):
    def __init__(self, root, tree):
        self.R = root
        (root / "etc" / "ljail" / "jail.conf.d").mkdir(parents=True)
        self.ok("template", "create", "t", "--from-dir", tree, timeout=600)

    def networks(self):
        return {n["name"]: n for n in json.loads(self.ok("--json", "network", "list"))}

    def address(self, jail):
        text = (self.R / "etc" / "ljail" / "jail.conf.d" / f"{jail}.conf").read_text()
        return re.search(r'ip4\.addr = "([\d.]+)/\d+"', text).group(1)

    def table(self):
        name = table_name(str(self.R / "run" / "ljail"))
        p = subprocess.run(["nft", "list", "table", "ip", name], capture_output=True,
                           text=True)
        return p.stdout if p.returncode == 0 else ""

    def listening(self, jail, port):
        wait_for(lambda: f":{port} " in self.ok("exec", jail, "ss", "-Hltn"),
                 f"port {port} in {jail}")

    def tidy(self):
        """Stops and destroys every jail, removes every network; returns what was left."""
        bridges = {n["bridge"] for n in self.networks().values()}
        self.run("stop", "-a", "-q")
        containers = self.R / "var" / "lib" / "ljail" / "containers"
        for name in os.listdir(containers) if containers.is_dir() else []:
            if not name.startswith("."):
                self.run("destroy", "-f", name)
        for name in self.networks():
            self.run("network", "destroy", name)
        left = [f"dnsmasq {p}" for p in dnsmasq_pids(bridges)]
        if self.table():
            left.append("nft table")
        net_dir = self.R / "run" / "ljail" / "net"
        if net_dir.is_dir() and os.listdir(net_dir):
            left.append(f"run/ljail/net: {os.listdir(net_dir)}")
        return left


@pytest.fixture(scope="module")
def instances(tmp_path_factory, tree):
    made = []

    def make():
        inst = Instance(tmp_path_factory.mktemp(f"ljnet{RUN}"), tree)
        made.append(inst)
        return inst

    try:
        yield make
    finally:
        for inst in made:
            inst.tidy()
            inst.run("template", "destroy", "t")
            shutil.rmtree(inst.R, ignore_errors=True)


@pytest.fixture(scope="module")
def first(instances):
    return instances()


def kept_tidy(inst):
    """Yields inst; then removes every jail and network of it and checks nothing is left."""
    before = links()
    try:
        yield inst
    finally:
        left = inst.tidy()
        left += [f"interface {n}" for n in links() - before if n.startswith("lj")]
        assert not left, f"left behind: {left}"


@pytest.fixture
def lj(first):
    """The module's instance, with no jail and no network before and after each test."""
    yield from kept_tidy(first)


def test_default_network_as_an_ordinary_user(lj):
    port = free_port()
    lj.ok("create", "web", "--user", "alice", "--publish", f"{port}:8000")
    lj.ok("create", "db", "--user", "bob")
    net = lj.networks()["default"]
    gw = net["gateway"].split("/")[0]
    assert re.fullmatch(r"10\.\d+\.\d+\.1/24", net["gateway"]), net
    web, db = lj.address("web"), lj.address("db")
    assert web != db and web.rsplit(".", 1)[0] == gw.rsplit(".", 1)[0]
    assert not net["up"]
    lj.ok("start", "web", "db")
    assert lj.networks()["default"]["up"]

    def as_alice(*cmd):
        return lj.ok("exec", "-U", "alice", "web", *cmd)

    # The account's first failure: ping as an ordinary user, the gateway and a jail by name.
    assert "1 received" in as_alice("ping", "-c1", "-W5", gw)
    assert f"PING db ({db})" in as_alice("ping", "-c1", "-W5", "db")
    # Names over UDP from the network's name server, through the C library and dig.
    assert as_alice("getent", "hosts", "db").split()[0] == db
    assert as_alice("dig", "+short", "+notcp", "db", f"@{gw}").strip() == db
    assert as_alice("cat", "/etc/resolv.conf").strip() == f"nameserver {gw}"
    # Netlink as an ordinary user: the jail's own address and routes.
    assert f"inet {web}/24" in as_alice("ip", "addr", "show", "eth0")
    assert f"default via {gw} dev eth0" in as_alice("ip", "route")

    # A server alice starts answers on the host's port: on localhost, on a
    # host address (the bridge's), and from another jail through the host.
    server = lj.popen("exec", "-U", "alice", "web", "nc", "-l", "-k", "8000")
    try:
        lj.listening("web", 8000)
        for addr in ("127.0.0.1", gw):
            with socket.create_connection((addr, port), timeout=5) as s:
                s.sendall(f"from the host via {addr}\n".encode())
        lj.ok("exec", "-U", "bob", "db", "sh", "-c", f"echo from db | nc -N {gw} {port}")
        read_until(server, [f"from the host via 127.0.0.1\n", f"from the host via {gw}\n",
                            "from db\n"])
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=10)

    # The last jail's stop takes the bridge, the name server and the rules away.
    pid = int((lj.R / "run" / "ljail" / "net" / f"{net['bridge']}.pid").read_text())
    lj.ok("stop", "web")
    assert f"dport {port}" not in lj.table()
    lj.ok("stop", "db")
    assert not lj.table()
    assert net["bridge"] not in links()
    assert pid not in dnsmasq_pids()


def test_names_follow_the_jails_that_run(lj):
    lj.ok("create", "a")
    lj.ok("create", "b")
    lj.ok("start", "a")
    rc, _, _ = lj.run("exec", "a", "getent", "hosts", "b")
    assert rc != 0, "b does not run: its name must not resolve"
    lj.ok("start", "b")
    assert lj.ok("exec", "a", "getent", "hosts", "b").split()[0] == lj.address("b")
    lj.ok("stop", "b")
    rc, _, _ = lj.run("exec", "a", "getent", "hosts", "b")
    assert rc != 0


def test_addresses_are_never_given_twice_and_come_back(lj):
    lj.ok("create", "a")
    lj.ok("create", "b")
    a, b = lj.address("a"), lj.address("b")
    assert a != b
    lj.ok("destroy", "a")
    lj.ok("create", "c")
    assert lj.address("c") == a, "destroy gives the address back"
    # Asked for by hand: refused while another jail has it, named with its file and line.
    err = lj.fails("create", "d", "--ip4", b)
    assert f"--ip4 {b}: jail 'b'" in err and "b.conf:" in err
    err = lj.fails("create", "d", "--ip4", "192.0.2.77")
    assert "not an address for a jail on network 'default'" in err
    # Two jails given one address by hand-written configuration: the second start is refused.
    (lj.R / "etc" / "ljail" / "jail.conf.d" / "c.conf").write_text(
        (lj.R / "etc" / "ljail" / "jail.conf.d" / "c.conf").read_text().replace(
            f'"{a}/24"', f'"{b}/24"'))
    lj.ok("start", "b")
    err = lj.fails("start", "c")
    assert f"address {b} on network 'default' is jail 'b''s, which runs" in err


def test_a_published_port_is_one_jails(lj):
    port = free_port()
    lj.ok("create", "a", "--publish", f"{port}:80")
    err = lj.fails("create", "b", "--publish", f"127.0.0.1:{port}:81")
    assert f"jail 'a' publishes that host port" in err and "a.conf:" in err
    # UDP is another port; a second jail may publish it.
    lj.ok("create", "b", "--publish", f"{port}:81/udp")
    for bad in ("80", "0:80", "70000:80", "1.2.3:80:80", f"{port}:80/sctp"):
        assert "--publish" in lj.fails("create", "x", "--publish", bad)
    # Written into configuration by hand, the clash is caught at start.
    conf = lj.R / "etc" / "ljail" / "jail.conf.d" / "b.conf"
    conf.write_text(conf.read_text().replace(f'"{port}:81/udp"', f'"{port}:81"'))
    lj.ok("start", "a")
    err = lj.fails("start", "b")
    assert f"published host port {port}/tcp is jail 'a''s, which runs" in err
    assert "b" not in lj.ok("list", "-q").split()


def test_networks_by_name(lj):
    sub = f"{free_prefix()}.7.0/24"
    out = lj.ok("network", "create", "lab", "--subnet", sub, "--no-nat")
    assert "lab: made" in out
    assert "overlaps network 'lab'" in lj.fails("network", "create", "lab2", "--subnet", sub)
    assert "already exists" in lj.fails("network", "create", "lab")
    assert "is not an IPv4 subnet" in lj.fails("network", "create", "x", "--subnet", "10.1.2.3/24")
    # A subnet the host routes elsewhere is refused: its routes say so.
    routes = subprocess.run(["ip", "-4", "-o", "route", "show", "table", "main"],
                            capture_output=True, text=True).stdout
    routed = re.search(r"^(\d+\.\d+\.\d+\.\d+/(?:[89]|[12]\d|30)) dev (\S+)", routes, re.M)
    if routed:
        err = lj.fails("network", "create", "x", "--subnet", routed.group(1))
        assert f"the host routes part of it through '{routed.group(2)}'" in err
    lj.ok("create", "l1", "--network", "lab")
    lj.ok("create", "l2", "--network", "lab", "--ip4", sub.replace(".0/24", ".9"))
    assert lj.address("l2") == sub.replace(".0/24", ".9")
    assert "jail 'l1'" in lj.fails("network", "destroy", "lab")
    lj.ok("start", "l1", "l2")
    assert "1 received" in lj.ok("exec", "l1", "ping", "-c1", "-W5", "l2")
    # No NAT on this one: no masquerading rule for its subnet.
    assert sub not in lj.table()
    lj.ok("stop", "l1", "l2")
    lj.ok("destroy", "l1")
    lj.ok("destroy", "l2")
    lj.ok("network", "destroy", "lab")
    assert "lab" not in lj.networks()
    assert "does not exist" in lj.fails("create", "z", "--network", "lab")


def test_jails_cannot_reach_the_hosts_localhost(lj):
    """route_localnet on a bridge (for published ports) must not open the host's
    127.0.0.0/8 to its jails: root in a jail with packet sockets sends a datagram
    to 127.0.0.1 through the bridge, and one to the gateway to show that the
    frame itself arrives."""
    port = free_port()
    lj.ok("create", "web", "--publish", f"{port}:80")
    conf = lj.R / "etc" / "ljail" / "jail.conf.d" / "web.conf"
    conf.write_text(conf.read_text().replace("\tpersist;", "\tpersist;\n\tallow.raw_sockets;"))
    lj.ok("start", "web")
    net = lj.networks()["default"]
    gw = net["gateway"].split("/")[0]
    mac = open(f"/sys/class/net/{net['bridge']}/address").read().strip()
    lj.ok("cp", PROBE, "web:/usr/local/bin/probe")
    inside, outside = socket.socket(type=socket.SOCK_DGRAM), socket.socket(type=socket.SOCK_DGRAM)
    try:
        inside.bind(("127.0.0.1", 0))
        outside.bind((gw, 0))
        for s in (inside, outside):
            lj.ok("exec", "web", "/usr/local/bin/probe", "spoof", "eth0", mac, lj.address("web"),
                  s.getsockname()[0], str(s.getsockname()[1]))
        outside.settimeout(5)
        assert outside.recv(64) == b"spoofed\n"
        inside.settimeout(1)
        with pytest.raises(socket.timeout):
            inside.recv(64)
    finally:
        inside.close()
        outside.close()


def test_two_instances_keep_to_their_own(lj, instances):
    other = instances()
    try:
        lj.ok("create", "a")
        other.ok("create", "a")
        mine, theirs = lj.networks()["default"], other.networks()["default"]
        assert mine["bridge"] != theirs["bridge"] and mine["subnet"] != theirs["subnet"]
        lj.ok("start", "a")
        other.ok("start", "a")
        other.ok("stop", "a")
        # The other's stop took its own bridge and rules, not ours.
        assert mine["bridge"] in links() and theirs["bridge"] not in links()
        gw = mine["gateway"].split("/")[0]
        assert "1 received" in lj.ok("exec", "a", "ping", "-c1", "-W5", gw)
        assert mine["subnet"] in lj.table()
        assert lj.ok("exec", "a", "dig", "+short", "-q", "a", f"@{gw}").strip() == lj.address("a")
    finally:
        assert not other.tidy()


def test_an_interface_of_the_bridge_s_name_is_not_taken_over(lj):
    """The last jail's stop removes the bridge: one this instance did not make
    is never used, so never removed."""
    lj.ok("create", "a")
    bridge = lj.networks()["default"]["bridge"]
    subprocess.run(["ip", "link", "add", bridge, "type", "bridge"], check=True)
    try:
        err = lj.fails("start", "a")
        assert f"interface '{bridge}' is there already and is not one this ljail made" in err
        assert bridge in links()
        assert not lj.table()
    finally:
        subprocess.run(["ip", "link", "del", bridge], capture_output=True)
    lj.ok("start", "a")
    lj.ok("stop", "a")
    assert bridge not in links()
