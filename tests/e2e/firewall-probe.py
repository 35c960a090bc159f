#!/usr/bin/python3
# Helper for tests/e2e/firewall.sh (not a test itself).
#   firewall-probe.py serve PORT...        listen on 127.0.0.1 and ::1, accept and close
#   firewall-probe.py connect HOST:PORT... one line per target: HOST PORT RESULT MS
# RESULT is ok, refused (a TCP reset: ECONNREFUSED), timeout or error:ERRNO.
import selectors
import socket
import sys
import time


def serve(ports):
    sel = selectors.DefaultSelector()
    for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        for p in ports:
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, p))
            s.listen(128)
            sel.register(s, selectors.EVENT_READ)
    print("ready", flush=True)
    while True:
        for key, _ in sel.select():
            c, _ = key.fileobj.accept()
            c.close()


def connect(targets):
    for t in targets:
        host, port = t.rsplit(":", 1)
        host = host.strip("[]")
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(2)
        start = time.monotonic()
        try:
            s.connect((host, int(port)))
            r = "ok"
        except ConnectionRefusedError:
            r = "refused"
        except socket.timeout:
            r = "timeout"
        except OSError as e:
            r = "error:%d" % e.errno
        ms = (time.monotonic() - start) * 1000
        s.close()
        print("%s %s %s %.1f" % (host, port, r, ms), flush=True)


if sys.argv[1] == "serve":
    serve([int(p) for p in sys.argv[2:]])
else:
    connect(sys.argv[2:])
