#!/usr/bin/env python3
"""Known answers for the IKE SA rekey's keys (RFC 7296 §2.18), from Python's hmac alone.

An old IKE SA (AES-CBC-256, HMAC-SHA2-512 PRF and integrity) is keyed as §2.14 says from fixed
inputs; the new SA (AES-GCM-256, PRF HMAC-SHA2-256) from SKEYSEED = prf_old(SK_d old, g^ir new |
Ni | Nr). Prints the values Tests/IKEv2Tests/RekeyVectorTests.swift holds.
Usage: python3 scripts/ikev2-rekey-vectors.py
"""
import hashlib
import hmac


def prf(h, key, data):
    return hmac.new(key, data, h).digest()


def prf_plus(h, key, seed, length):
    out, t, n = b"", b"", 1
    while len(out) < length:
        t = prf(h, key, t + seed + bytes([n]))
        out += t
        n += 1
    return out[:length]


old_ni, old_nr = bytes(range(0x00, 0x20)), bytes(range(0x20, 0x40))
old_gir = bytes([0x5A] * 32)
old_spii, old_spir = bytes.fromhex("A1A2A3A4A5A6A7A8"), bytes.fromhex("B1B2B3B4B5B6B7B8")
old_seed = prf(hashlib.sha512, old_ni + old_nr, old_gir)
old_skd = prf_plus(hashlib.sha512, old_seed, old_ni + old_nr + old_spii + old_spir, 64)

ni, nr = bytes(range(0x40, 0x60)), bytes(range(0x60, 0x80))
gir = bytes([0xA5] * 32)
spii, spir = bytes.fromhex("0102030405060708"), bytes.fromhex("1112131415161718")
skeyseed = prf(hashlib.sha512, old_skd, gir + ni + nr)
keymat = prf_plus(hashlib.sha256, skeyseed, ni + nr + spii + spir, 3 * 32 + 2 * 36)
print("old SK_d  ", old_skd.hex())
print("SKEYSEED  ", skeyseed.hex())
print("SK_d      ", keymat[:32].hex())
print("SK_ei     ", keymat[32:68].hex())
print("SK_er     ", keymat[68:104].hex())
print("SK_pi     ", keymat[104:136].hex())
print("SK_pr     ", keymat[136:168].hex())
