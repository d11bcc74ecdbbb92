#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora under Fuzz/Corpus/<Target>/ from the repository's own
material: the RADIUS test vectors (Tests/RADIUSTests), Disconnect-Requests for the seed-example
scenario's sessions, the transcripts' typed lines, small transcripts, the shipped scenario.
Run from the repository root; the output is committed (small), so the script is only rerun when
the material changes."""
import hashlib, os, re, struct, shutil

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
corpus = os.path.join(root, "Fuzz", "Corpus")

def write(target, name, data):
    folder = os.path.join(corpus, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)

def attr(t, value):
    if isinstance(value, str):
        value = value.encode()
    return bytes([t, len(value) + 2]) + value

def cisco(text):
    sub = bytes([1, len(text) + 2]) + text.encode()
    return attr(26, struct.pack(">I", 9) + sub)

def packet(code, ident, attrs, secret=b"cisco"):
    body = b"".join(attrs)
    length = 20 + len(body)
    auth = hashlib.md5(bytes([code, ident]) + struct.pack(">H", length) + bytes(16) + body + secret).digest()
    return bytes([code, ident]) + struct.pack(">H", length) + auth + body

# RADIUSDecoder: the verified vectors of radius-das.md and radclient's (TestVectorTests), and an
# Accounting-Request.
vectors = {
    "disconnect-request-nosuch": "284d001cc36edeef28570bd656a3d545a7bb5cf701086e6f73756368",
    "disconnect-nak-503": "2a4d001a10c05354d5eae21eecfc8101f85be26f6506000001f7",
    "disconnect-request-alice": "2842001bb8796fe8f4f31d69b3b816dc965ae89e0107616c696365",
    "disconnect-ack-alice": "2942001480b13ce04dfb768ca0bd2ba0e7f82b7b",
    "radclient-request-message-authenticator": "287a002dca687c2b93e6f0af343903701c8715ad0107616c69636550121b8a5f65972f619fd75d01fb5f2c0f3e",
    "radclient-reply-message-authenticator": "297a00262cfa9235909e3f5304a7964d5c50a08350124bf45a267a0a12f41fe43c436fffd768",
}
for name, text in vectors.items():
    write("FuzzRADIUSDecoder", name, bytes.fromhex(text))
write("FuzzRADIUSDecoder", "accounting-start", packet(4, 7, [
    attr(1, "pskuser2.g1.engdt.com"), attr(40, struct.pack(">I", 1)), attr(44, "0000001E"),
    attr(4, bytes([192, 168, 202, 1])), cisco("audit-session-id=L2L433010101ZO2L4C0A8CA02ZH119404ZP37"),
    attr(151, "1771D693")]))

# DAS: settings byte, then records [op][length:2][payload]; op 0 has the harness sign the
# datagram with the client's key. The seed-example sessions: pskuser2 (audit-session-id
# ...ZP37, session key 1771D693), pskuser4, and one without a user name.
def record(op, payload):
    return bytes([op]) + struct.pack(">H", len(payload)) + payload

audit = "L2L433010101ZO2L4C0A8CA02ZH119404ZP37"
event_timestamp = attr(55, struct.pack(">I", 1415040964))  # the scenario's capture moment
ack = packet(40, 1, [cisco("audit-session-id=" + audit)])
write("FuzzDAS", "ack-then-retransmission", bytes([0]) + record(0, ack) + record(0, ack))
write("FuzzDAS", "ack-debug-message-authenticator", bytes([0x40 | 0x80]) + record(0, packet(40, 2, [
    attr(80, bytes(16)), cisco("audit-session-id=" + audit), event_timestamp, attr(33, "state1")])))
write("FuzzDAS", "nak-no-match", bytes([0]) + record(0, packet(40, 3, [attr(1, "nosuch")])))
write("FuzzDAS", "user-name-any-stripping", bytes([4 | 16]) + record(0, packet(40, 4, [
    attr(1, "pskuser4.g2.engdt.com@example"), attr(8, bytes([192, 168, 202, 4]))])))
write("FuzzDAS", "session-key", bytes([8]) + record(0, packet(40, 5, [attr(151, "1771D693")])))
write("FuzzDAS", "nas-mismatch-and-missing", bytes([0]) + record(0, packet(40, 6, [
    attr(4, bytes([10, 0, 0, 1])), attr(1, "pskuser4.g2.engdt.com")])) + record(0, packet(40, 7, [attr(33, "x")])))
write("FuzzDAS", "coa-and-stranger", bytes([2]) + record(0, packet(43, 8, [attr(1, "x")]))
      + record(2, packet(40, 9, [attr(1, "pskuser4.g2.engdt.com")])))
write("FuzzDAS", "connect-advance-unsigned", bytes([1]) + record(7, b"") + record(1, packet(40, 10, [
    attr(1, "fuzz1@example.com")])) + record(3, bytes([31])) + record(1, packet(40, 10, [attr(1, "fuzz1@example.com")])))

# Console lines: the typed lines of each transcript, from user EXEC (first byte 0; 0x80 with
# the seed-example scenario loaded).
prompt = re.compile(r"^[A-Za-z0-9_.\-@/:]{1,63}(\([A-Za-z0-9_.\-@/:+]{0,32}\))?[>#] ?")
transcripts = []
for folder in ("console", "seed"):
    for name in sorted(os.listdir(os.path.join(root, "Transcripts", folder))):
        if name.endswith(".txt"):
            transcripts.append((folder, name, open(os.path.join(root, "Transcripts", folder, name)).read()))
for folder, name, text in transcripts:
    lines = text.split("\n")
    scenario = any(l.startswith("! replay: scenario seed-example") for l in lines)
    typed = []
    for line in lines:
        m = prompt.match(line)
        if m:
            typed.append(line[m.end():].replace("^I", "\t").replace("^Z", "\x1a"))
    keys = "".join(t if t.endswith(("\t", "\x1a")) else t + "\n" for t in typed)
    write("FuzzConsoleLine", name[:-4], bytes([0x80 if scenario else 0]) + keys.encode())
# Every mode, with help and completion.
for mode in range(8):
    write("FuzzConsoleLine", "mode-%d" % mode, bytes([mode]) + b"?\x01show \x01no \t\x01 exit\n")

# Transcripts: the small ones, whole.
for folder, name, text in transcripts:
    if len(text) <= 3000:
        write("FuzzTranscript", folder + "-" + name[:-4], text)

# Startup-configs: the configuration part of the shipped scenario and of the transcripts'
# running-configs.
# (The shipped scenario is compiled in: its text is the Swift multi-line string literal.)
builtin = open(os.path.join(root, "Sources", "Shell", "Scenario", "BuiltInScenarios.swift")).read()
literal = re.search(r'static let seedExample = """\n(.*?)\n *"""', builtin, re.S).group(1)
scenario = "\n".join(line[4:] for line in literal.split("\n")) + "\n"
write("FuzzScenario", "seed-example", scenario)
config = scenario.split("\nend\n")[0] + "\nend\n"
write("FuzzStartupConfig", "seed-example", config)
for folder, name, text in transcripts:
    m = re.search(r"Current configuration : \d+ bytes\n(.*?\nend\n)", text, re.S)
    if m:
        write("FuzzStartupConfig", folder + "-" + name[:-4], m.group(1))
write("FuzzStartupConfig", "rejected-lines", "hostname R1\nbogus line\n service password-encryption\n"
      "username u privilege 15 secret 9 $9$bad\naaa new-model\naaa server radius dynamic-author\n"
      " client 1.2.3.4 server-key 7 0822455D0A16\n port 70000\nend\n")

# Telnet: the first byte cuts the stream into reads; then what clients send: Debian telnet's and
# netmiko's answers to the greeting, NAWS and TTYPE reports, IAC doubled in data, CR NUL and
# CR LF, commands (IP, EC, EL, AYT), a subnegotiation cut short, unknown options.
IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
telnet = {
    "debian-telnet": bytes([IAC, DO, 1, IAC, DO, 3, IAC, WILL, 24, IAC, WILL, 31,
                            IAC, SB, 31, 0, 80, 0, 24, IAC, SE, IAC, SB, 24, 0]) + b"XTERM" + bytes([IAC, SE])
                     + b"admin\r\0cisco\r\n",
    "netmiko-refuses": bytes([IAC, DONT, 1, IAC, DONT, 3, IAC, WONT, 24, IAC, WONT, 31]) + b"admin\r\ncisco\r\n",
    "naws-with-iac": bytes([IAC, SB, 31, 0, IAC, IAC, 0, 24, IAC, SE]) + b"show version\r\n",
    "commands": b"conf" + bytes([IAC, 247]) + b"f t" + bytes([IAC, 248, IAC, 244, IAC, 246, IAC, 241]) + b"\r\0",
    "unknown-options": bytes([IAC, WILL, 39, IAC, DO, 5, IAC, WILL, 39, IAC, DO, 5, IAC, SB, 39, 1, 2, IAC, 250]),
    "subnegotiation-cut": bytes([IAC, SB, 24, 0]) + b"VT100" + bytes([IAC, DO, 1]) + b"x" * 300 + bytes([IAC, SE]),
}
for name, data in telnet.items():
    write("FuzzTelnet", name, bytes([7]) + data)

# The vty line: first byte bit 0 telnet (else SSH channel data), bit 1 the privilege-1 user, the
# rest cuts the reads; then keys as a terminal sends them: commands, ?, Tab, arrows and Ctrl keys,
# --More-- answered, a configuration session, a paged show, enable at privilege 1.
ESC = "\x1b"
vty = {
    "ssh-show": (0, "show version\rshow aaa sessions\r"),
    "ssh-help-tab-arrows": (4, "sh?\x7f\x7f\x7f\tconf\tt\r" + ESC + "[A" + ESC + "[B\x1a\r"),
    "ssh-configure": (8, "configure terminal\rhostname R2\rline vty 0 4\rexec-timeout 0 0\rend\rshow running-config | section line\r"),
    "ssh-paged": (12, "terminal length 5\rshow running-config\r q\rshow aaa user all\r \r\x03"),
    "ssh-editing": (16, "show\x01clock\x05 detail\x02\x02\x06\x04\x15show users\x17\x0bwho\r"),
    "ssh-oper-enable": (2, "enable\rwrong\renable\rcisco\rshow privilege\rdisable\r"),
    "telnet-naws": (1, "\xff\xfa\x1f\x00\x50\x00\x0a\xff\xf0show running-config\r\0 \r\n"),
    "telnet-refuse": (3, "\xff\xfe\x01\xff\xfe\x03show users\r\n"),
    "ssh-debug-monitor": (20, "terminal monitor\rdebug aaa pod\rlab session connect fuzz\rclear crypto session\r\ry\rundebug all\r"),
}
for name, (first, keys) in vty.items():
    write("FuzzVtyLine", name, bytes([first]) + keys.encode("latin-1"))
