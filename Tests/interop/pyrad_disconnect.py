#!/usr/bin/env python3
"""Sends one Disconnect-Request with a Message-Authenticator to the emulator's DAS with pyrad and
checks the reply: pyrad verifies the Response Authenticator and the reply's Message-Authenticator
(VerifyReply); this script checks again that the reply has a Message-Authenticator and that it
verifies, then prints the reply as JSON. Exit 0 when the reply has the expected code, else 1
(2: no reply)."""
import argparse
import json
import os
import sys

import pyrad.packet
from pyrad.client import Client, Timeout
from pyrad.dictionary import Dictionary

CODES = {41: "Disconnect-ACK", 42: "Disconnect-NAK", 44: "CoA-ACK", 45: "CoA-NAK"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--audit-session-id", required=True)
    parser.add_argument("--proxy-state", default=None)
    parser.add_argument("--expect", choices=["ack", "nak"], required=True)
    args = parser.parse_args()

    here = os.path.dirname(os.path.abspath(__file__))
    client = Client(server="127.0.0.1", coaport=args.port, secret=args.secret.encode(),
                    dict=Dictionary(os.path.join(here, "dictionary")), retries=1, timeout=3)
    request = client.CreateCoAPacket(code=pyrad.packet.DisconnectRequest)
    request["Cisco-AVPair"] = "audit-session-id=" + args.audit_session_id
    if args.proxy_state is not None:
        request["Proxy-State"] = args.proxy_state.encode()
    request.add_message_authenticator()

    try:
        reply = client.SendPacket(request)  # raises Timeout unless a reply verifies
    except Timeout:
        print(json.dumps({"reply": None}))
        return 2

    has_ma = 80 in reply.keys() or "Message-Authenticator" in reply.keys()
    ma_valid = has_ma and reply.verify_message_authenticator(
        secret=args.secret.encode(), original_authenticator=request.authenticator, original_code=request.code)
    result = {
        "code": CODES.get(reply.code, str(reply.code)),
        "id_matches": reply.id == request.id,
        "message_authenticator": bool(has_ma),
        "message_authenticator_valid": bool(ma_valid),
        "reply_message": reply.get("Reply-Message", [None])[0],
        "error_cause": reply.get("Error-Cause", [None])[0],
        "proxy_state": [p.decode() for p in reply.get("Proxy-State", [])],
    }
    print(json.dumps(result))
    expected = "Disconnect-ACK" if args.expect == "ack" else "Disconnect-NAK"
    ok = result["code"] == expected and result["id_matches"] and has_ma and ma_valid
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
