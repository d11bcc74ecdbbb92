#!/usr/bin/env python3
"""Known-answer vectors for the IKEv2 module, from an implementation that shares nothing with it.

Writes Tests/IKEv2Tests/KnownAnswerVectors.swift: for each cipher suite, a whole IKE_SA_INIT +
IKE_AUTH exchange (PSK) built here with Python's struct, hmac, hashlib and pyca/cryptography
(OpenSSL), straight from RFC 7296 (messages, SKEYSEED, prf+, AUTH, NAT-D), RFC 5282 (AES-GCM in
the SK payload), RFC 3602 / RFC 4868 (AES-CBC with truncated HMAC-SHA2), RFC 5903 and RFC 7748
(the published ECP-256 and X25519 test keys) and RFC 3526 (the MODP primes computed from their
formulas with pi, not copied); and key exchanges in groups 20, 21 and 5. The Swift tests rebuild the same exchange with the module and
compare every octet.

Usage: python3 scripts/ikev2-vectors.py > Tests/IKEv2Tests/KnownAnswerVectors.swift
Needs: cryptography, mpmath (pip install cryptography mpmath).
"""
import hashlib
import hmac
import struct

import mpmath
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# --- RFC 3526 group 14: p = 2^2048 - 2^1984 - 1 + 2^64 * ([2^1918 pi] + 124476), g = 2.
mpmath.mp.prec = 2200
MODP2048 = 2**2048 - 2**1984 - 1 + 2**64 * (int(mpmath.floor(mpmath.mpf(2) ** 1918 * mpmath.pi)) + 124476)
# Group 5: p = 2^1536 - 2^1472 - 1 + 2^64 * ([2^1406 pi] + 741804).
MODP1536 = 2**1536 - 2**1472 - 1 + 2**64 * (int(mpmath.floor(mpmath.mpf(2) ** 1406 * mpmath.pi)) + 741804)

HASHES = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}
PRF_IDS = {"sha256": 5, "sha384": 6, "sha512": 7}
INTEG = {  # RFC 4868: id, hash, key length, ICV length
    "sha256": (12, hashlib.sha256, 32, 16),
    "sha384": (13, hashlib.sha384, 48, 24),
    "sha512": (14, hashlib.sha512, 64, 32),
}
SWIFT_PRF = {"sha256": ".hmacSHA2_256", "sha384": ".hmacSHA2_384", "sha512": ".hmacSHA2_512"}
SWIFT_INTEG = {"sha256": ".hmacSHA2_256_128", "sha384": ".hmacSHA2_384_192", "sha512": ".hmacSHA2_512_256"}


def prf(name, key, data):
    return hmac.new(key, data, HASHES[name]).digest()


def prf_plus(name, key, seed, length):
    out, t, n = b"", b"", 1
    while len(out) < length:
        t = prf(name, key, t + seed + bytes([n]))
        out += t
        n += 1
    return out[:length]


# --- Encoding (RFC 7296 §3), written independently of the Swift code.
def payload_chain(payloads):
    """payloads: list of (type, body). Returns (first type, bytes)."""
    out = b""
    for i, (ptype, body) in enumerate(payloads):
        nxt = payloads[i + 1][0] if i + 1 < len(payloads) else 0
        out += struct.pack("!BBH", nxt, 0, 4 + len(body)) + body
    return (payloads[0][0] if payloads else 0), out


def header(spi_i, spi_r, next_payload, exchange, flags, msg_id, length):
    return struct.pack("!QQBBBBII", spi_i, spi_r, next_payload, 0x20, exchange, flags, msg_id, length)


def message(spi_i, spi_r, exchange, flags, msg_id, payloads):
    first, chain = payload_chain(payloads)
    return header(spi_i, spi_r, first, exchange, flags, msg_id, 28 + len(chain)) + chain


def transform(ttype, tid, key_bits=None):
    attrs = struct.pack("!HH", 0x8000 | 14, key_bits) if key_bits else b""
    return ttype, tid, attrs


def proposal(number, protocol, spi, transforms):
    body = b""
    for i, (ttype, tid, attrs) in enumerate(transforms):
        last = i + 1 == len(transforms)
        body += struct.pack("!BBHBBH", 0 if last else 3, 0, 8 + len(attrs), ttype, 0, tid) + attrs
    return struct.pack("!BBBB", number, protocol, len(spi), len(transforms)) + spi + body


def sa(proposals):
    out = b""
    for i, p in enumerate(proposals):
        out += struct.pack("!BBH", 0 if i + 1 == len(proposals) else 2, 0, 4 + len(p)) + p
    return 33, out


def ke(group, data):
    return 34, struct.pack("!HH", group, 0) + data


def nonce(data):
    return 40, data


def notify(ntype, data=b""):
    return 41, struct.pack("!BBH", 0, 0, ntype) + data


def ident_body(id_type, data):
    return struct.pack("!B3x", id_type) + data


def cp(cfg_type, attributes):
    body = struct.pack("!B3x", cfg_type)
    for atype, value in attributes:
        body += struct.pack("!HH", atype, len(value)) + value
    return 47, body


def ts(ptype, selectors):
    body = struct.pack("!B3x", len(selectors))
    for start, end in selectors:
        body += struct.pack("!BBHHH", 7, 0, 16, 0, 65535) + start + end
    return ptype, body


def nat_d(spi_i, spi_r, address, port):
    return hashlib.sha1(struct.pack("!QQ", spi_i, spi_r) + address + struct.pack("!H", port)).digest()


# --- SK payload (RFC 7296 §3.14).
def seal(suite, ke_key, ka_key, hdr_fields, inner, iv):
    first, chain = payload_chain(inner)
    spi_i, spi_r, exchange, flags, msg_id = hdr_fields
    if suite["encr"][0] == "gcm":
        plaintext = chain + b"\x00"  # no padding, Pad Length 0
        sk_len = 4 + len(iv) + len(plaintext) + 16
        aad = header(spi_i, spi_r, 46, exchange, flags, msg_id, 28 + sk_len) + struct.pack("!BBH", first, 0, sk_len)
        key, salt = ke_key[:-4], ke_key[-4:]
        sealed = AESGCM(key).encrypt(salt + iv, plaintext, aad)
        return aad + iv + sealed
    _, hash_fn, _, icv_len = INTEG[suite["integ"]]
    pad = (16 - (len(chain) + 1) % 16) % 16
    plaintext = chain + b"\x00" * pad + bytes([pad])
    sk_len = 4 + len(iv) + len(plaintext) + icv_len
    head = header(spi_i, spi_r, 46, exchange, flags, msg_id, 28 + sk_len) + struct.pack("!BBH", first, 0, sk_len)
    encryptor = Cipher(algorithms.AES(ke_key), modes.CBC(iv)).encryptor()
    signed = head + iv + encryptor.update(plaintext) + encryptor.finalize()
    return signed + hmac.new(ka_key, signed, hash_fn).digest()[:icv_len]


# --- Key exchange.
def ecp256_keys(private_hex):
    key = ec.derive_private_key(int(private_hex, 16), ec.SECP256R1())
    n = key.public_key().public_numbers()
    return key, n.x.to_bytes(32, "big") + n.y.to_bytes(32, "big")


def dh(group, private_i, private_r):
    """Returns (public i, public r, shared secret computed by i, shared secret computed by r)."""
    if group == 19:
        ki, pub_i = ecp256_keys(private_i)
        kr, pub_r = ecp256_keys(private_r)
        return pub_i, pub_r, ki.exchange(ec.ECDH(), kr.public_key()), kr.exchange(ec.ECDH(), ki.public_key())
    if group == 31:
        ki = x25519.X25519PrivateKey.from_private_bytes(bytes.fromhex(private_i))
        kr = x25519.X25519PrivateKey.from_private_bytes(bytes.fromhex(private_r))
        raw = (serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return (ki.public_key().public_bytes(*raw), kr.public_key().public_bytes(*raw),
                ki.exchange(kr.public_key()), kr.exchange(ki.public_key()))
    if group in (20, 21):
        curve, size = (ec.SECP384R1(), 48) if group == 20 else (ec.SECP521R1(), 66)
        ki, kr = ec.derive_private_key(int(private_i, 16), curve), ec.derive_private_key(int(private_r, 16), curve)

        def xy(key):
            n = key.public_key().public_numbers()
            return n.x.to_bytes(size, "big") + n.y.to_bytes(size, "big")
        return xy(ki), xy(kr), ki.exchange(ec.ECDH(), kr.public_key()), kr.exchange(ec.ECDH(), ki.public_key())
    if group in (5, 14):
        p, size = (MODP2048, 256) if group == 14 else (MODP1536, 192)
        xi, xr = int(private_i, 16), int(private_r, 16)
        yi, yr = pow(2, xi, p), pow(2, xr, p)
        return (yi.to_bytes(size, "big"), yr.to_bytes(size, "big"),
                pow(yr, xi, p).to_bytes(size, "big"), pow(yi, xr, p).to_bytes(size, "big"))
    raise ValueError(group)


SUITES = [
    # strongSwan's first proposal (aes256gcm16-prfsha256-ecp256) and its default ESP proposal;
    # the RFC 5903 §8.1 key pair.
    dict(name="aes256gcm16-prfsha256-ecp256", encr=("gcm", 256), integ=None, prf="sha256", group=19,
         private_i="C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
         private_r="C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53",
         child_encr=("cbc", 256), child_integ="sha256"),
    # IOS XE's default proposal algorithms with Curve25519: the RFC 7748 §6.1 key pair.
    dict(name="aes256-sha512-prfsha512-x25519", encr=("cbc", 256), integ="sha512", prf="sha512", group=31,
         private_i="77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
         private_r="5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
         child_encr=("gcm", 256), child_integ=None),
    # MODP-2048 with SHA-384, exponents of 256 bits.
    dict(name="aes128-sha384-prfsha384-modp2048", encr=("cbc", 128), integ="sha384", prf="sha384", group=14,
         private_i=hashlib.sha256(b"IKEv2 KAT initiator MODP exponent").hexdigest(),
         private_r=hashlib.sha256(b"IKEv2 KAT responder MODP exponent").hexdigest(),
         child_encr=("cbc", 128), child_integ="sha256"),
]

SPI_I, SPI_R = 0x1D418169B24BF95A, 0xA645046F734260C6
NI, NR = bytes(range(0x00, 0x20)), bytes(range(0xA0, 0xC0))
ADDR_I, ADDR_R, PORT = bytes([10, 0, 0, 2]), bytes([10, 0, 0, 1]), 500
PSK = b"cisco123"
ESP_SPI_I, ESP_SPI_R = bytes.fromhex("c12a0007"), bytes.fromhex("5e1f00aa")


def encr_transforms(encr):
    return [transform(1, 20 if encr[0] == "gcm" else 12, encr[1])]


def ike_transforms(s):
    out = encr_transforms(s["encr"]) + [transform(2, PRF_IDS[s["prf"]])]
    if s["integ"]:
        out.append(transform(3, INTEG[s["integ"]][0]))
    return out + [transform(4, s["group"])]


def esp_transforms(s):
    out = encr_transforms(s["child_encr"])
    if s["child_integ"]:
        out.append(transform(3, INTEG[s["child_integ"]][0]))
    return out + [transform(5, 0)]


def key_length(encr):
    return encr[1] // 8 + (4 if encr[0] == "gcm" else 0)


def build(s):
    pub_i, pub_r, secret_i, secret_r = dh(s["group"], s["private_i"], s["private_r"])
    assert secret_i == secret_r
    # IKE_SA_INIT: a proposal we refuse (3DES, SHA-1, group 2), then the suite's, numbered 2.
    refused = proposal(1, 1, b"", [transform(1, 3), transform(2, 2), transform(3, 2), transform(4, 2)])
    init_request = message(SPI_I, 0, 34, 0x08, 0, [
        sa([refused, proposal(2, 1, b"", ike_transforms(s))]), ke(s["group"], pub_i), nonce(NI),
        notify(16388, nat_d(SPI_I, 0, ADDR_I, PORT)), notify(16389, nat_d(SPI_I, 0, ADDR_R, PORT)),
    ])
    init_response = message(SPI_I, SPI_R, 34, 0x20, 0, [
        sa([proposal(2, 1, b"", ike_transforms(s))]), ke(s["group"], pub_r), nonce(NR),
        notify(16388, nat_d(SPI_I, SPI_R, ADDR_R, PORT)), notify(16389, nat_d(SPI_I, SPI_R, ADDR_I, PORT)),
        notify(16418),
    ])
    # RFC 7296 §2.14.
    p = s["prf"]
    skeyseed = prf(p, NI + NR, secret_i)
    prf_len = HASHES[p]().digest_size
    integ_len = INTEG[s["integ"]][2] if s["integ"] else 0
    encr_len = key_length(s["encr"])
    keymat = prf_plus(p, skeyseed, NI + NR + struct.pack("!QQ", SPI_I, SPI_R),
                      3 * prf_len + 2 * integ_len + 2 * encr_len)
    keys, off = {}, 0
    for name, n in [("skD", prf_len), ("skAi", integ_len), ("skAr", integ_len), ("skEi", encr_len),
                    ("skEr", encr_len), ("skPi", prf_len), ("skPr", prf_len)]:
        keys[name], off = keymat[off:off + n], off + n
    # RFC 7296 §2.15.
    id_i, id_r = ident_body(2, b"client@lab"), ident_body(2, b"flexvpn.lab")
    pad_key = prf(p, PSK, b"Key Pad for IKEv2")
    auth_i = prf(p, pad_key, init_request + NR + prf(p, keys["skPi"], id_i))
    auth_r = prf(p, pad_key, init_response + NI + prf(p, keys["skPr"], id_r))
    iv_len = 8 if s["encr"][0] == "gcm" else 16
    iv_i = hashlib.sha256(b"IV i" + s["name"].encode()).digest()[:iv_len]
    iv_r = hashlib.sha256(b"IV r" + s["name"].encode()).digest()[:iv_len]
    any4 = (bytes(4), bytes([255] * 4))
    auth_request = seal(s, keys["skEi"], keys["skAi"], (SPI_I, SPI_R, 35, 0x08, 1), [
        (35, id_i), notify(16384), (39, struct.pack("!B3x", 2) + auth_i),
        cp(1, [(1, b""), (3, b"")]),
        sa([proposal(1, 3, ESP_SPI_I, esp_transforms(s))]),
        ts(44, [any4]), ts(45, [any4]),
    ], iv_i)
    pool_address = bytes([10, 99, 0, 1])
    auth_response = seal(s, keys["skEr"], keys["skAr"], (SPI_I, SPI_R, 35, 0x20, 1), [
        (36, id_r), (39, struct.pack("!B3x", 2) + auth_r),
        cp(2, [(1, pool_address), (3, bytes([10, 0, 0, 53]))]),
        sa([proposal(1, 3, ESP_SPI_R, esp_transforms(s))]),
        ts(44, [(pool_address, pool_address)]), ts(45, [any4]),
    ], iv_r)
    # RFC 7296 §2.17.
    child_encr_len = key_length(s["child_encr"])
    child_integ_len = INTEG[s["child_integ"]][2] if s["child_integ"] else 0
    child = prf_plus(p, keys["skD"], NI + NR, 2 * (child_encr_len + child_integ_len))
    c = [child[:child_encr_len], child[child_encr_len:child_encr_len + child_integ_len]]
    rest = child[child_encr_len + child_integ_len:]
    c += [rest[:child_encr_len], rest[child_encr_len:]]
    return dict(pub_i=pub_i, pub_r=pub_r, shared=secret_i, skeyseed=skeyseed, **keys, auth_i=auth_i, auth_r=auth_r,
                iv_i=iv_i, iv_r=iv_r, init_request=init_request, init_response=init_response,
                auth_request=auth_request, auth_response=auth_response,
                child_ei=c[0], child_ai=c[1], child_er=c[2], child_ar=c[3])


def swift_bytes(b, indent="            "):
    h = b.hex()
    if len(h) <= 96:
        return f'hex("{h}")'
    lines = [h[i:i + 96] for i in range(0, len(h), 96)]
    return 'hex("""\n' + "".join(f"{indent}    {line}\n" for line in lines) + f'{indent}    """)'


def swift_encr(encr):
    return f".aesGCM16(keyBits: {encr[1]})" if encr[0] == "gcm" else f".aesCBC(keyBits: {encr[1]})"


def main():
    out = ["// Generated by scripts/ikev2-vectors.py from an independent Python implementation (pyca/cryptography,",
           "// hashlib, hmac, struct) of RFC 7296, RFC 5282, RFC 4868, RFC 5903, RFC 7748 and RFC 3526. Do not edit.",
           "import XCTest", "@testable import IKEv2", "",
           "struct KnownAnswerSuite {",
           "    let name: String",
           "    let encryption: EncryptionAlgorithm",
           "    let integrity: IntegrityAlgorithm?",
           "    let prf: PRFAlgorithm",
           "    let group: DHGroupID",
           "    let childEncryption: EncryptionAlgorithm",
           "    let childIntegrity: IntegrityAlgorithm?",
           "    let vectors: [String: [UInt8]]",
           "    subscript(_ key: String) -> [UInt8] {",
           "        guard let value = vectors[key] else {",
           "            XCTFail(\"no vector named \\(key)\")",
           "            return []",
           "        }",
           "        return value",
           "    }",
           "}", "",
           "enum KnownAnswer {",
           f"    static let initiatorSPI: UInt64 = 0x{SPI_I:016X}",
           f"    static let responderSPI: UInt64 = 0x{SPI_R:016X}",
           f"    static let nonceI = {swift_bytes(NI)}",
           f"    static let nonceR = {swift_bytes(NR)}",
           f"    static let psk = Array(\"{PSK.decode()}\".utf8)",
           f"    static let espSPIi = {swift_bytes(ESP_SPI_I)}",
           f"    static let espSPIr = {swift_bytes(ESP_SPI_R)}",
           "    static let suites: [KnownAnswerSuite] = ["]
    for s in SUITES:
        v = build(s)
        v["private_i"], v["private_r"] = bytes.fromhex(s["private_i"]), bytes.fromhex(s["private_r"])
        out.append("        KnownAnswerSuite(")
        out.append(f'            name: "{s["name"]}", encryption: {swift_encr(s["encr"])},')
        out.append(f'            integrity: {SWIFT_INTEG[s["integ"]] if s["integ"] else "nil"}, prf: {SWIFT_PRF[s["prf"]]},'
                   f' group: DHGroupID(rawValue: {s["group"]}),')
        out.append(f'            childEncryption: {swift_encr(s["child_encr"])},'
                   f' childIntegrity: {SWIFT_INTEG[s["child_integ"]] if s["child_integ"] else "nil"},')
        out.append("            vectors: [")
        for key in ["private_i", "private_r", "pub_i", "pub_r", "shared", "skeyseed", "skD", "skAi", "skAr", "skEi",
                    "skEr", "skPi", "skPr", "auth_i", "auth_r", "iv_i", "iv_r", "init_request", "init_response",
                    "auth_request", "auth_response", "child_ei", "child_ai", "child_er", "child_ar"]:
            out.append(f'                "{key}": {swift_bytes(v[key], "            ")},')
        out.append("            ]),")
    out.append("    ]")
    out.append("")
    out.append("    /// Key exchanges in the groups the exchanges above leave out: group, private keys i and r,")
    out.append("    /// public values i and r, shared secret.")
    out.append("    static let keyExchanges: [(group: DHGroupID, privateI: [UInt8], privateR: [UInt8], publicI: [UInt8],"
               " publicR: [UInt8], shared: [UInt8])] = [")
    for group, size in [(20, 48), (21, 66), (5, 32)]:
        private_i = hashlib.shake_256(b"IKEv2 KAT group %d initiator" % group).hexdigest(size)
        private_r = hashlib.shake_256(b"IKEv2 KAT group %d responder" % group).hexdigest(size)
        if group == 21:  # a P-521 scalar is below the order: 521 bits, the first octet at most 1
            private_i, private_r = "01" + private_i[2:], "00" + private_r[2:]
        pub_i, pub_r, shared, _ = dh(group, private_i, private_r)
        out.append(f"        (DHGroupID(rawValue: {group}),")
        for value in [bytes.fromhex(private_i), bytes.fromhex(private_r), pub_i, pub_r, shared]:
            out.append(f"         {swift_bytes(value, '        ')},")
        out[-1] = out[-1][:-1] + "),"
    out.append("    ]")
    out.append("}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
