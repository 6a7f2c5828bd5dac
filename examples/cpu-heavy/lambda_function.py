"""A CPU-bound function: hashes a payload many times over, as a thumbnailer,
a JSON transformer or a compressor would spend its time. Its duration falls as
memory (and so CPU) grows, until one vCPU at 1,769 MB; the tuner shows where
the bill stops falling."""
import hashlib
import json


def lambda_handler(event, context):
    rounds = int(event.get("rounds", 20000))
    digest = str(event.get("seed", "sweetspot")).encode()
    for _ in range(rounds):
        digest = hashlib.sha256(digest * 8).digest()
    return {
        "statusCode": 200,
        "body": json.dumps({
            "digest": digest.hex()[:16],
            "rounds": rounds,
            "memory_limit_in_mb": context.memory_limit_in_mb,
        }),
    }
