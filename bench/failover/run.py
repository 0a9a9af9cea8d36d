#!/usr/bin/env python3
"""Failover benchmark: time from kill -9 of the leader to the new leader's first published backup.

Two clusters run side by side, one with the embedded coordinator, one with ZooKeeper (a real standalone server of
the Debian 'zookeeper' package, started here on a free loopback port). Each is made by
'resilient replicate NAME 2 --shared-pbs --https --metrics --coordinator ...' with default settings otherwise: a
leader, a standby and a pull-backup node, each its own 'resilient node' process. A round kills the leader with
SIGKILL and polls the standby's GET /health until it leads and its export step succeeded for a new backup; the
figure is that step's recorded end time (the backup is published) minus the time of the kill. Then the old leader
is started again, comes back as a standby, is re-seeded by a backup of the new leader, and the next round kills the
new leader. Rounds alternate between the two clusters. Only the standard library; see README.md.
"""
import argparse
import datetime
import glob
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ZK_JAR = "/usr/share/java/zookeeper.jar"  # Debian's zookeeper package; its manifest names its dependencies
MIN_STANDBY_AGE = 10.0  # a standby that has just started waits one failure timeout before an election: not measured


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def instant(text):
    """An ISO-8601 instant from a node (Java's Instant.toString) as seconds since the epoch."""
    date, _, frac = text.rstrip("Z").partition(".")
    t = datetime.datetime.fromisoformat(date).replace(tzinfo=datetime.timezone.utc).timestamp()
    return t + (float("0." + frac) if frac else 0.0)


def wait(what, deadline, probe, interval=0.05):
    end = time.time() + deadline
    while True:
        v = probe()
        if v:
            return v
        if time.time() > end:
            raise RuntimeError("waited %d s in vain for %s" % (deadline, what))
        time.sleep(interval)


class Cluster:
    """One cluster of three node processes: NAME0 (leader at first), NAME1 (standby), NAME-pbs."""

    def __init__(self, name, coordinator, base, resilient, coordinator_args):
        self.name, self.coordinator, self.resilient = name, coordinator, resilient
        self.dir = os.path.join(base, name)
        self.procs, self.started = {}, {}
        data = os.path.join(self.dir, "data")
        os.makedirs(os.path.join(data, name + "0"))
        with open(os.path.join(data, name + "0", "hello.txt"), "w") as f:
            f.write("hello from the first leader\n")
        subprocess.run([resilient, "replicate", name, "2", "--shared-pbs", "--https", "--metrics",
                        "--dir", os.path.join(self.dir, "nodes"), "--configs", os.path.join(self.dir, "configs"),
                        "--export-set", "files.source=%s/%s0" % (data, name),
                        "--export-set", "files.target=%s/%s0" % (data, name),
                        "--import-set", "files.source=%s/${node}" % data,
                        "--import-set", "files.target=%s/${node}" % data] + coordinator_args,
                       check=True, stdout=subprocess.DEVNULL)
        self.leader, self.standby, self.pbs = name + "0", name + "1", name + "-pbs"
        self.last_backup = None

    def config(self, node):
        return os.path.join(self.dir, "configs", node + ".properties")

    def setting(self, node, key):
        with open(self.config(node)) as f:
            for line in f:
                if line.startswith(key + "="):
                    return line[len(key) + 1:].strip()
        return None

    def health(self, node):
        try:
            url = "http://%s/health" % self.setting(node, "node.metrics-listen")
            with urllib.request.urlopen(url, timeout=5) as r:
                return json.load(r)
        except urllib.error.HTTPError as e:  # unhealthy: 503 with the same document
            return json.load(e)
        except (OSError, ValueError):
            return None

    def start(self, node):
        log = open(os.path.join(self.dir, node + ".log"), "ab")
        self.procs[node] = subprocess.Popen([self.resilient, "node", "--config", self.config(node)], stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        self.started[node] = time.time()

    def step(self, node, step):
        h = self.health(node)
        return (h or {}).get("steps", {}).get(step) or {}

    def boot(self):
        for n in (self.pbs, self.standby, self.leader):
            self.start(n)
        first = wait(self.leader + "'s first export", 180, lambda: self.step(self.leader, "export").get("ok")
                     and self.step(self.leader, "export").get("backupId"), 0.2)
        wait(self.standby + " to import " + first, 180,
             lambda: ((self.health(self.standby) or {}).get("lastImport") or {}).get("backupId") == first, 0.2)
        self.last_backup = first

    def round(self):
        """Kills the leader; returns (seconds to leading, seconds to the first published backup, new epoch)."""
        s, l = self.standby, self.leader
        wait(s + " to hold the newest backup", 180,
             lambda: ((self.health(s) or {}).get("lastImport") or {}).get("backupId") == self.last_backup, 0.2)
        age = time.time() - self.started[s]
        if age < MIN_STANDBY_AGE:
            time.sleep(MIN_STANDBY_AGE - age)
        before = self.health(l)["epoch"]
        previous = self.step(s, "export").get("backupId")
        t0 = time.time()
        os.kill(self.procs[l].pid, signal.SIGKILL)
        self.procs[l].wait()
        seen = {}

        def published():
            h = self.health(s)
            if not h or h.get("epoch", 0) <= before or h.get("role") != "export":
                return None
            seen.setdefault("lead", time.time())
            e = (h.get("steps") or {}).get("export") or {}
            if e.get("ok") and e.get("backupId") not in (None, previous) and e["backupId"].endswith("-" + s):
                return h
            return None

        h = wait(s + " to lead and publish a backup", 120, published)
        export = h["steps"]["export"]
        took = instant(export["time"]) - t0
        self.last_backup = export["backupId"]
        # The old leader comes back as a standby and is re-seeded by a backup of the new leader; when it is
        # promoted again in a later round, its promotion resets the export plan of its earlier term.
        self.start(l)
        epoch = h["epoch"]
        wait(l + " to return as a standby in epoch %d" % epoch, 180,
             lambda: (self.health(l) or {}).get("role") == "import" and self.health(l).get("epoch") == epoch, 0.2)
        out = subprocess.run([self.resilient, "export", "-c", self.config(s)], check=True, capture_output=True,
                             text=True).stdout.strip()
        self.last_backup = out.splitlines()[-1].strip()
        self.leader, self.standby = s, l
        return seen["lead"] - t0, took, epoch

    def stop(self):
        for p in self.procs.values():
            if p.poll() is None:
                p.terminate()
        for p in self.procs.values():
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def start_zookeeper(base):
    port = free_port()
    zk = os.path.join(base, "zookeeper")
    os.makedirs(os.path.join(zk, "data"))
    with open(os.path.join(zk, "zoo.cfg"), "w") as f:
        # Debian's defaults (tickTime 2000: sessions of 4 s to 40 s), on loopback only.
        f.write("tickTime=2000\ndataDir=%s/data\nclientPort=%d\nclientPortAddress=127.0.0.1\n"
                "admin.enableServer=false\n" % (zk, port))
    log = open(os.path.join(zk, "zookeeper.log"), "ab")
    p = subprocess.Popen(["java", "-cp", ZK_JAR, "org.apache.zookeeper.server.ZooKeeperServerMain",
                          os.path.join(zk, "zoo.cfg")], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def listens():
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return True
        except OSError:
            if p.poll() is not None:
                raise RuntimeError("ZooKeeper exited; see " + zk + "/zookeeper.log")
            return False

    wait("ZooKeeper to listen on port %d" % port, 60, listens, 0.2)
    return p, "127.0.0.1:%d" % port


def main():
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--runs", type=int, default=20, help="kills per coordinator (default 20)")
    built = sorted(glob.glob(os.path.join(HERE, "../../resilient-dist/target/resilient-*/resilient/bin/resilient")))
    a.add_argument("--resilient", default=built[-1] if built else "bin/resilient",
                   help="the resilient command (default: the distribution built in resilient-dist/target)")
    a.add_argument("--dir", help="work directory (default: a new temporary one, removed at the end)")
    a.add_argument("--out", default=os.path.join(HERE, "results"), help="where the TSV of the runs goes")
    args = a.parse_args()
    if not os.access(args.resilient, os.X_OK):
        sys.exit("no resilient command at %s: build it (mvn -B -DskipTests package -pl resilient-dist -am) or "
                 "pass --resilient" % args.resilient)
    if not os.path.exists(ZK_JAR):
        sys.exit("no ZooKeeper server: apt-get install zookeeper")
    base = args.dir or tempfile.mkdtemp(prefix="resilient-failover-bench-")
    zk, clusters, rows, loads = None, [], [], [load()]
    try:
        zk, connect = start_zookeeper(base)
        clusters = [Cluster("e", "embedded", base, args.resilient, ["--coordinator", "embedded"]),
                    Cluster("z", "zookeeper", base, args.resilient,
                            ["--coordinator", "zookeeper", "--zookeeper-connect", connect])]
        for c in clusters:
            c.boot()
        for r in range(1, args.runs + 1):
            for c in clusters:  # the rounds alternate between the two coordinators
                lead, published, epoch = c.round()
                loads.append(load())
                rows.append((c.coordinator, r, epoch, lead, published, loads[-1]))
                print("%-9s run %2d  epoch %2d  leads after %5.2f s  first backup published after %5.2f s  load %.2f"
                      % (c.coordinator, r, epoch, lead, published, loads[-1]), flush=True)
    finally:
        for c in clusters:
            c.stop()
        if zk:
            zk.terminate()
            zk.wait(30)
        if not args.dir:
            for root, dirs, _ in os.walk(base):  # demoted nodes leave their live directory fenced (mode 0000)
                for d in dirs:
                    os.chmod(os.path.join(root, d), 0o700)
            shutil.rmtree(base, ignore_errors=True)
    os.makedirs(args.out, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    with open(os.path.join(args.out, "failover-%s.tsv" % stamp), "w") as f:
        f.write("coordinator\trun\tepoch\tleads_s\tfirst_backup_s\tload1\n")
        for row in rows:
            f.write("%s\t%d\t%d\t%.3f\t%.3f\t%.2f\n" % row)
    print("\n| coordinator | runs | median to first backup | max | median to leading | max |")
    print("|---|---|---|---|---|---|")
    for coord in ("embedded", "zookeeper"):
        p = [row[4] for row in rows if row[0] == coord]
        l = [row[3] for row in rows if row[0] == coord]
        if p:
            print("| %s | %d | %.1f s | %.1f s | %.1f s | %.1f s |" % (coord, len(p), statistics.median(p), max(p),
                                                                     statistics.median(l), max(l)))
    print("\nload (1 min, /proc/loadavg) during the run: min %.2f, median %.2f, max %.2f on %d cores"
          % (min(loads), statistics.median(loads), max(loads), os.cpu_count()))


if __name__ == "__main__":
    main()
