"""The account's network failures, as an ordinary user inside vnet jails.

Only addresses on this machine: bridges and addresses the tests make
themselves (10.77.x.0/24), a dnsmasq the test starts on a bridge address,
and the jails. Each test removes its bridges, interfaces and nft table.
"""
import json
import os
import re
import signal
import socket
import subprocess
import time

import pytest

from conftest import LJAIL, SOURCE

BR = "ljt0"
BR2 = "ljt1"


def links():
    out = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    return set(re.findall(r"^\d+: ([^:@]+)", out, re.M))


def nft_table():
    p = subprocess.run(["nft", "list", "table", "ip", "ljail"], capture_output=True, text=True)
    return p.stdout if p.returncode == 0 else ""




class Net:
    def __init__(self, base, tree):
        self.base, self.tree = base, tree
        self.R = base / "R"
        (self.R / "etc" / "ljail").mkdir(parents=True)
        self.roots = {}

    def root(self, name):
        """A copy-on-write view of the Debian tree for one jail."""
        if name not in self.roots:
            d = self.base / name
            for sub in ("upper", "work", "root"):
                (d / sub).mkdir(parents=True)
            subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                            f"lowerdir={self.tree},upperdir={d}/upper,workdir={d}/work",
                            str(d / "root")], check=True)
            self.roots[name] = d / "root"
            with open(d / "root" / "etc" / "passwd", "a") as f:
                f.write("alice:x:23456:23456::/home/alice:/bin/sh\n")
            with open(d / "root" / "etc" / "group", "a") as f:
                f.write("alice:x:23456:\n")
            home = d / "root" / "home" / "alice"
            home.mkdir(parents=True)
            (home / ".profile").write_text("# skel\n")
            os.chown(home, 23456, 23456)
        return self.roots[name]

    def config(self, text):
        (self.R / "etc" / "ljail" / "jail.conf").write_text(text)

    def run(self, *args, timeout=60):
        p = subprocess.run([LJAIL, *args], capture_output=True, text=True, timeout=timeout,
                           env=dict(os.environ, LJAIL_ROOT=str(self.R)))
        return p.returncode, p.stdout, p.stderr

    def ok(self, *args, **kw):
        rc, out, err = self.run(*args, **kw)
        assert rc == 0, f"ljail {' '.join(args)}: exit {rc}\n{out}\n{err}"
        return out

    def popen(self, *args):
        return subprocess.Popen([LJAIL, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=dict(os.environ, LJAIL_ROOT=str(self.R)))


@pytest.fixture
def net(tmp_path, tree):
    before = links()
    n = Net(tmp_path, tree)
    try:
        yield n
    finally:
        n.run("stop", "-a", "-q")
        for root in n.roots.values():
            for _ in range(50):
                if subprocess.run(["umount", str(root)]).returncode == 0:
                    break
                time.sleep(0.1)
        left = links() - before
        for br in (BR, BR2):
            subprocess.run(["ip", "link", "del", br], capture_output=True)
        subprocess.run(["ip", "link", "del", "ljdummy0"], capture_output=True)
        subprocess.run(["ip", "link", "del", "ljdummy1"], capture_output=True)
        left -= {BR, BR2, "ljdummy0", "ljdummy1"}
        assert not left, f"interfaces left on the host: {left}"
        assert not nft_table(), "ljail's nft table is still there"


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
                              "--no-hosts", "--address=/jail.test/10.77.0.99"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(p)
        time.sleep(0.3)
    yield start
    for p in procs:
        p.terminate()
        p.wait()


def test_ping_dns_netlink_as_an_ordinary_user(net, dnsmasq):
    vnet_conf(net, {"a": (BR, "10.77.0.2", "10.77.0.1"), "b": (BR, "10.77.0.3", "10.77.0.1")})
    net.ok("start", "a", "b")
    # As jls: the first address, without its prefix.
    rows = net.ok("list").splitlines()[1:]
    assert [r.split()[:2] for r in rows] == [["1", "10.77.0.2"], ["2", "10.77.0.3"]]
    dnsmasq("10.77.0.1")
    for user in ("root", "alice"):
        for target in ("10.77.0.1", "10.77.0.3"):
            out = net.ok("exec", "-U", user, "a", "ping", "-c1", "-W3", target)
            assert "1 received" in out, (user, target, out)
    # DNS over UDP, as the account's `dig` could not.
    assert net.ok("exec", "-U", "alice", "a", "getent", "hosts", "x.jail.test").split()[0] == \
        "10.77.0.99"
    assert net.ok("exec", "-U", "alice", "a", "dig", "+short", "+notcp", "@10.77.0.1",
                  "y.jail.test").strip() == "10.77.0.99"
    # netlink: ip addr, ip route and ip link work inside.
    assert "10.77.0.2/24" in net.ok("exec", "-U", "alice", "a", "ip", "addr")
    assert "default via 10.77.0.1" in net.ok("exec", "-U", "alice", "a", "ip", "route")
    assert re.search(r"eth0.*state UP", net.ok("exec", "-U", "alice", "a", "ip", "link"))


def test_listening_sockets_tcp_udp_unix(net):
    vnet_conf(net, {"a": (BR, "10.77.0.2", "10.77.0.1"), "b": (BR, "10.77.0.3", "10.77.0.1")})
    net.ok("start", "a", "b")
    # A non-root TCP server in b, reached from the host and from a.
    server = net.popen("exec", "-U", "alice", "b", "nc", "-l", "-k", "8080")
    time.sleep(0.5)
    try:
        with socket.create_connection(("10.77.0.3", 8080), timeout=5) as s:
            s.sendall(b"from the host\n")
        net.ok("exec", "-U", "alice", "a", "sh", "-c", "echo from a | nc -N 10.77.0.3 8080")
        time.sleep(0.3)
    finally:
        server.send_signal(signal.SIGTERM)
        out, _ = server.communicate(timeout=10)
    assert "from the host" in out and "from a" in out
    # UDP both ways: a server in the jail answers the host.
    udp = net.popen("exec", "-U", "alice", "b", "nc", "-u", "-l", "-W1", "9090")
    time.sleep(0.5)
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(5)
        s.sendto(b"ping over udp\n", ("10.77.0.3", 9090))
        out, _ = udp.communicate(timeout=10)
        assert "ping over udp" in out
    finally:
        udp.kill()
    # UNIX sockets inside a jail.
    out = net.ok("exec", "-U", "alice", "a", "sh", "-c",
                 "nc -U -l /tmp/sock > /tmp/got & sleep 0.3; echo over unix | nc -N -U /tmp/sock;"
                 " sleep 0.3; cat /tmp/got")
    assert out == "over unix\n"


def test_bridges_separate_jails(net):
    vnet_conf(net, {"a": (BR, "10.77.0.2", "10.77.0.1"), "b": (BR, "10.77.0.3", "10.77.0.1"),
                    "c": (BR2, "10.77.1.2", "10.77.1.1", False)})
    net.ok("start", "a", "b", "c")
    assert "1 received" in net.ok("exec", "a", "ping", "-c1", "-W3", "10.77.0.3")
    # c is on another bridge and has no route beyond it.
    rc, out, err = net.run("exec", "c", "ping", "-c1", "-W1", "10.77.0.2")
    assert rc != 0 and ("0 received" in out or "unreachable" in err), (out, err)
    net.ok("stop", "-a")
    assert not any(name.startswith(("ljv", "ljp")) for name in links())


def test_raw_sockets_follow_allow_raw_sockets(net):
    vnet_conf(net, {"a": (BR, "10.77.0.2", "10.77.0.1")})
    net.ok("start", "a")
    # Root's ping in a jail without allow.raw_sockets still works (ICMP datagram
    # sockets), while a raw socket is refused.
    assert "1 received" in net.ok("exec", "a", "ping", "-c1", "-W3", "10.77.0.1")
    out = net.ok("exec", "a", "sh", "-c", "ping -c1 -W3 -4 -I eth0 -M do 10.77.0.1 >/dev/null; "
                 "ip -o link > /dev/null; echo fine")
    assert out == "fine\n"


def test_vnet_interface_moves_in_and_back(net):
    # A veth pair stands in for a physical interface (no dummy module here).
    subprocess.run(["ip", "link", "add", "ljdummy0", "type", "veth", "peer", "name",
                    "ljdummy1"], check=True)
    net.config(f"""
m {{
    path = "{net.root('m')}";
    persist;
    vnet;
    vnet.interface = "ljdummy0";
    ip4.addr = "ljdummy0|10.77.9.2/24";
    mount.procfs;
}}""")
    net.ok("start", "m")
    assert "ljdummy0" not in links()
    inside = net.ok("exec", "m", "ip", "-o", "addr", "show", "ljdummy0")
    assert "10.77.9.2/24" in inside
    net.ok("stop", "m")
    assert "ljdummy0" in links()


def test_nat_rule_lives_with_its_jails(net):
    vnet_conf(net, {"a": (BR, "10.77.0.2", "10.77.0.1"), "b": (BR, "10.77.0.3", "10.77.0.1")},
              extra="vnet.nat;")
    net.ok("start", "a")
    assert "ip saddr 10.77.0.0/24" in nft_table() and "masquerade" in nft_table()
    assert open("/proc/sys/net/ipv4/ip_forward").read().strip() == "1"
    net.ok("start", "b")
    net.ok("stop", "a")
    assert "10.77.0.0/24" in nft_table()  # b still needs it
    net.ok("stop", "b")
    assert nft_table() == ""


def test_doctor(net, dnsmasq):
    vnet_conf(net, {"a": (BR, "10.77.0.2", "10.77.0.1")})
    net.ok("start", "a")
    dnsmasq("10.77.0.1")
    out = net.ok("doctor", "a")
    assert "FAIL" not in out and "as alice: DNS over UDP" in out, out
    # Broken: no DNS server answers any more, and alice's home is taken from her.
    subprocess.run(["pkill", "-f", "listen-address=10.77.0.1"])
    time.sleep(0.3)
    os.chown(net.root("a") / "home" / "alice", 0, 0)
    rc, out, _ = net.run("doctor", "a")
    assert rc == 1
    fails = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert len(fails) == 2, out
    assert "DNS over UDP" in fails[0] and "home folder" in fails[1] and "belongs to uid 0" in fails[1]


def test_address_without_a_place_is_refused(net):
    net.config(f"""
x {{ path = "{net.root('x')}"; persist; ip4.addr = "10.77.5.2/24"; }}
y {{ path = "{net.root('x')}"; persist; ip4 = inherit; ip4.addr = "10.77.5.2/24"; }}
z {{ path = "{net.root('x')}"; persist; vnet.bridge = "{BR}"; ip4.addr = "10.77.5.2"; }}
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
g {{ path = "{net.root('g')}"; persist; mount.procfs; dns.resolvconf = 10.77.0.1, 10.77.0.2; }}
""")
    net.ok("start", "h", "g")
    assert net.ok("exec", "h", "cat", "/etc/resolv.conf") == open("/etc/resolv.conf").read()
    assert net.ok("exec", "g", "cat", "/etc/resolv.conf") == \
        "nameserver 10.77.0.1\nnameserver 10.77.0.2\n"
    # Read-only, and the jail's own file underneath is untouched.
    rc, _, err = net.run("exec", "g", "sh", "-c", "echo x >> /etc/resolv.conf")
    assert rc != 0 and "Read-only" in err
    net.ok("stop", "h", "g")
