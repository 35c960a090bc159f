#!/usr/bin/env python3
"""SMTP AUTH client for tests/e2e/harden.sh: one session, N messages.

harden-smtp.py PORT USER PASSWORD N
Prints one line per message: the reply code to RCPT when it is not 250
(Exim's ratelimit ACL), else to DATA or to the final dot (Postfix's policy
service at DATA), so that the test sees where the limit starts to defer.
"""
import smtplib
import sys

port, user, password, count = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
s = smtplib.SMTP("127.0.0.1", port, timeout=20)
s.ehlo("client.mw.test")
s.login(user, password)
for i in range(count):
    s.mail(user)
    code, _ = s.rcpt("r%d@example.com" % i)
    if code != 250:
        s.rset()
        print(code)
        continue
    code, _ = s.docmd("DATA")
    if code == 354:
        s.send("Subject: %d\r\n\r\nbody\r\n.\r\n" % i)
        code, _ = s.getreply()
    else:
        s.rset()
    print(code)
s.quit()
