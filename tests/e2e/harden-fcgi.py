#!/usr/bin/env python3
"""Minimal FastCGI client for tests/e2e/harden.sh: run one PHP script.

harden-fcgi.py SOCKET SCRIPT_FILENAME
Prints the response's stdout records (headers and body).
"""
import socket
import struct
import sys


def record(rtype, content, req=1):
    return struct.pack("!BBHHBx", 1, rtype, req, len(content), 0) + content


def pairs(d):
    out = b""
    for k, v in d.items():
        k, v = k.encode(), v.encode()
        out += bytes([len(k)]) + (bytes([len(v)]) if len(v) < 128 else struct.pack("!I", len(v) | 0x80000000)) + k + v
    return out


sock_path, script = sys.argv[1], sys.argv[2]
params = {"SCRIPT_FILENAME": script, "SCRIPT_NAME": "/x.php", "REQUEST_METHOD": "GET",
          "SERVER_NAME": "a.mw.test", "SERVER_PROTOCOL": "HTTP/1.1", "GATEWAY_INTERFACE": "CGI/1.1",
          "REMOTE_ADDR": "127.0.0.1", "QUERY_STRING": ""}
s = socket.socket(socket.AF_UNIX)
s.settimeout(20)
s.connect(sock_path)
s.sendall(record(1, struct.pack("!HB5x", 1, 0)) + record(4, pairs(params)) + record(4, b"") + record(5, b""))
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
out = b""
while len(data) >= 8:
    _, rtype, _, clen, plen = struct.unpack("!BBHHB", data[:7])
    body = data[8:8 + clen]
    if rtype == 6:
        out += body
    data = data[8 + clen + plen:]
    if rtype == 3:
        break
sys.stdout.write(out.decode("utf-8", "replace"))
